"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py cms.wsgi` (see `make prod`).

Access logs leave out the client's address: readers' visits must not be traced.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 2000  # recycle workers now and then; jitter avoids all at once
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# JSON lines of time, method, path, status, bytes and duration (cms/logs.py); with
# LOG_FORMAT=text, the same fields as text. Never the address, user agent or query.
if os.environ.get("LOG_FORMAT", "json") == "json":
    logger_class = "cms.logs.GunicornJsonLogger"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(D)s'
# gunicorn's control socket (one per user's home by default) would be shared by every
# instance on the machine; process managers signal gunicorn instead.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
