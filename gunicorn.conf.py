"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py cms.wsgi` (see `make prod`).

Access logs leave out the client's address: readers' visits must not be traced.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Threaded workers keep connections alive (sync workers close each one, which under
# load leaves thousands of sockets waiting); a thread waits on the database or Redis.
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, with jitter so not all at once. Not often: a new
# worker loads Django and Wagtail again, and under load that shows.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
# ACCESS_LOG=0 leaves access logs to the proxy or CDN in front (they cost 10-15% of
# the app's cached-page throughput in make bench).
accesslog = "-" if os.environ.get("ACCESS_LOG", "1") != "0" else None
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
# The scheme a request came by is believed from one header only, X-Forwarded-Proto, and
# only when a TLS proxy in front sets it (BEHIND_TLS_PROXY=1, as for Django). gunicorn's
# default also believes X-Forwarded-Ssl and X-Forwarded-Protocol from any client its
# proxy passes them through for: absolute URLs would follow a reader's header.
tls_proxy = os.environ.get("BEHIND_TLS_PROXY", "0").lower() in ("1", "true", "yes", "on")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"} if tls_proxy else {}
