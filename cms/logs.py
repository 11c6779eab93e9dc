"""Structured logs: one JSON object per line, and nothing in them that could trace a reader.

No client address, user agent, cookie or query string is ever written: a
search for "abortion clinic" or a visit from a shelter's address must not
end up in a log file. Paths are kept (operators need them), query strings not.
"""

import datetime
import json
import logging

from gunicorn.glogging import Logger

# Extra fields Waymark's own log calls may attach; anything else is left out.
SAFE_FIELDS = ("languages", "status", "method", "path", "duration_ms", "bytes", "cache")


def _now():
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


class JsonFormatter(logging.Formatter):
    """Format a log record as JSON: time, level, logger, message and the safe fields."""

    def format(self, record):
        entry = {
            "time": _now(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in SAFE_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        # django.request attaches the request: keep its method and path, nothing else.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"], entry["path"] = request.method, request.path
        if getattr(record, "status_code", None) is not None:
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class GunicornJsonLogger(Logger):
    """gunicorn's access log as JSON lines: method, path, status, bytes and duration only."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status_code if resp.status_code is not None else resp.status
        # Formatted by hand: this runs for every request.
        self.access_log.info(
            '{"time": "%s", "logger": "access", "method": %s, "path": %s, "status": %d, '
            '"bytes": %s, "duration_ms": %.2f}',
            _now(),
            json.dumps(environ.get("REQUEST_METHOD")),
            json.dumps(environ.get("PATH_INFO"), ensure_ascii=False),
            int(str(status).split(" ", 1)[0]),
            json.dumps(getattr(resp, "sent", None)),
            request_time.total_seconds() * 1000,
        )
