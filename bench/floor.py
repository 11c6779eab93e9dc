"""The least any Python app server can do per request: one Redis GET, bytes back.

`make bench` serves this with the same gunicorn.conf.py as Waymark, to show how
close Waymark's cached pages come to what Python and gunicorn allow on the
machine (BENCH_FLOOR_FILE names the page it answers with).
"""

import os

import redis

_redis = redis.Redis.from_url(os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
KEY = f"bench-floor-{os.getpid()}"


def application(environ, start_response):
    body = _redis.get(KEY)
    if body is None:
        with open(os.environ["BENCH_FLOOR_FILE"], "rb") as page:
            body = page.read()
        _redis.set(KEY, body, ex=3600)
    start_response(
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]
