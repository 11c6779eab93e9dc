"""Production serving: a health check for load balancers, and access logs without addresses."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_health_check_reports_database_and_cache(reader):
    response = reader.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_health_check_names_what_failed(reader, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", broken)
    response = reader.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failed", "database": "ok", "cache": "failed"}


def test_gunicorn_logs_no_client_address(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    assert config["bind"] == "127.0.0.1:8123"
    for address in ("%(h)s", "%({x-forwarded-for}i)s", "%(a)s", "%({x-real-ip}i)s"):
        assert address not in config["access_log_format"]
    assert config["workers"] >= 1 and config["timeout"] > 0
