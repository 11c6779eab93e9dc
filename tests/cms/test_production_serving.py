"""Production serving: a health check for load balancers, and logs that cannot trace a reader."""

import datetime
import json
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.config import Config as GunicornConfig

from cms.logs import GunicornJsonLogger, JsonFormatter

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_health_check_reports_database_and_cache(reader):
    response = reader.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_health_check_names_what_failed(reader, monkeypatch):
    """Without the cache the site still serves (degraded, 200: a load balancer keeps the
    server); without the database it cannot (503)."""
    from django.core.cache import caches

    from cms import health

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["strict"], "set", broken)
    response = reader.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "failed"}
    monkeypatch.setattr(health, "check_database", broken)
    response = reader.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failed", "database": "failed", "cache": "failed"}


def test_gunicorn_logs_no_client_address(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:8123"
    for address in ("%(h)s", "%({x-forwarded-for}i)s", "%(a)s", "%({x-real-ip}i)s"):
        assert address not in config["access_log_format"]
    assert config["workers"] >= 1 and config["timeout"] > 0


def test_gunicorn_writes_json_access_lines_without_address_agent_or_query(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    assert config["logger_class"] == "cms.logs.GunicornJsonLogger"
    gunicorn_config = GunicornConfig()
    gunicorn_config.set("accesslog", "-")
    logger = GunicornJsonLogger(gunicorn_config)
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    logger.access_log = logging.getLogger("waymark.test.access")
    logger.access_log.handlers = [Keep()]
    logger.access_log.setLevel(logging.INFO)
    logger.access_log.propagate = False
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/es/search/",
        "QUERY_STRING": "q=clinica+aborto",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_X_FORWARDED_FOR": "198.51.100.9",
        "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 9)",
    }
    response = SimpleNamespace(status_code=200, status="200 OK", sent=5123)
    logger.access(response, None, environ, datetime.timedelta(milliseconds=12.5))
    entry = json.loads(lines[0])
    assert entry["method"] == "GET" and entry["path"] == "/es/search/"
    assert entry["status"] == 200 and entry["bytes"] == 5123 and entry["duration_ms"] == 12.5
    for secret in ("203.0.113.7", "198.51.100.9", "Android", "aborto"):
        assert secret not in lines[0]
    # A path with quotes or non-ASCII still makes one valid JSON line.
    environ["PATH_INFO"] = '/es/temas/"denuncia"/ñ'
    logger.access(response, None, environ, datetime.timedelta(milliseconds=1))
    assert json.loads(lines[1])["path"] == '/es/temas/"denuncia"/ñ'


def test_app_logs_are_json_with_the_path_but_not_the_reader(rf):
    request = rf.get("/es/search/?q=aborto", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Android")
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Bad Request: %s", (request.path,), None
    )
    record.request, record.status_code = request, 400
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Bad Request: /es/search/"
    assert (entry["level"], entry["path"], entry["status"]) == ("WARNING", "/es/search/", 400)
    line = json.dumps(entry)
    assert "203.0.113.7" not in line and "Android" not in line and "aborto" not in line
