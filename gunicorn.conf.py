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
# Time, method, path, status, bytes, duration in microseconds: no address, no user agent.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(D)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
