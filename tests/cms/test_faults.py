"""Faults cost readers nothing: a lost Redis is skipped (and used again when it answers), and
what a change must make the caches forget is never lost, whoever dies or fails on the way."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from cms import caching
from cms.caching import CACHE_HEADER, apply_pending
from cms.models import PendingInvalidation
from home.models import TopicPage
from tests.cms.test_caching import PAGE_CACHE, RecordingBackend, wsgi_reader  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.demo]
URL = "/es/temas/visitantes/"


@pytest.fixture(autouse=True)
def fresh_cache():
    caches["strict"].clear()
    caching._cache_broken_until[0] = 0.0
    PendingInvalidation.objects.all().delete()
    yield
    caches["strict"].clear()
    caching._cache_broken_until[0] = 0.0


class Outage:
    """Redis away: every call to the strict cache raises, and is counted."""

    def __init__(self, monkeypatch):
        self.calls = 0
        self.monkeypatch = monkeypatch
        store = caches["strict"]
        for name in ("get", "get_many", "set", "set_many", "add"):
            monkeypatch.setattr(store, name, self.fail)

    def fail(self, *args, **kwargs):
        self.calls += 1
        raise ConnectionError("Redis is away")

    def end(self):
        self.monkeypatch.undo()


def retitle(title, django_capture_on_commit_callbacks, execute=True):
    page = TopicPage.objects.get(locale__language_code="es", slug="visitantes")
    page.title = title
    with django_capture_on_commit_callbacks(execute=execute):
        page.save_revision().publish()


@PAGE_CACHE
def test_without_redis_pages_are_served_and_redis_is_not_asked_again_at_once(
    wsgi_reader,  # noqa: F811
    monkeypatch,
):
    outage = Outage(monkeypatch)
    first = wsgi_reader.get(URL)
    assert first.status_code == 200 and b"</html>" in first.content
    asked = outage.calls
    assert asked >= 1
    for _reader in range(5):
        assert wsgi_reader.get(URL).status_code == 200
    assert outage.calls == asked  # skipped for CACHE_RETRY_SECONDS, not asked per request
    # Redis answers again: once the pause is over, pages are kept and served from it.
    outage.end()
    caching._cache_broken_until[0] = 0.0
    assert wsgi_reader.get(URL)[CACHE_HEADER] == "miss"
    assert wsgi_reader.get(URL)[CACHE_HEADER] == "hit"


@PAGE_CACHE
def test_a_publish_while_redis_is_away_is_applied_when_it_answers(
    wsgi_reader,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    wsgi_reader.get(URL)
    assert wsgi_reader.get(URL)[CACHE_HEADER] == "hit"
    outage = Outage(monkeypatch)
    retitle("Si visita Norwalk (corregido)", django_capture_on_commit_callbacks)
    pending = PendingInvalidation.objects.get()
    assert pending.attempts == 1 and "es" in pending.languages.split()
    # Redis comes back with the old page still in it: the sweep applies what was left.
    outage.end()
    caching._cache_broken_until[0] = 0.0
    assert apply_pending() == 1
    assert not PendingInvalidation.objects.exists()
    page = wsgi_reader.get(URL)
    assert page[CACHE_HEADER] == "miss" and "(corregido)" in page.content.decode()


@PAGE_CACHE
def test_a_process_that_dies_after_the_commit_leaves_the_invalidation_to_the_sweep(
    wsgi_reader,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    wsgi_reader.get(URL)
    # Committed, but the process died before its after-commit work ran.
    retitle("Si visita Norwalk (revisado)", django_capture_on_commit_callbacks, execute=False)
    assert PendingInvalidation.objects.count() == 1
    assert "(revisado)" not in wsgi_reader.get(URL).content.decode()  # stale, for now
    assert apply_pending(older_than=0) == 1  # any app server's next sweep
    assert "(revisado)" in wsgi_reader.get(URL).content.decode()


class RefusingBackend(RecordingBackend):
    """A proxy that refuses purges while `refusing` is set."""

    refusing = True

    def purge(self, url):
        if RefusingBackend.refusing:
            raise RuntimeError("503 from the proxy")
        super().purge(url)


@override_settings(
    WAGTAILFRONTENDCACHE={"proxy": {"BACKEND": "tests.cms.test_faults.RefusingBackend"}},
    WAGTAILFRONTENDCACHE_LANGUAGES=[],
)
def test_a_purge_the_proxy_refused_is_retried_not_lost(django_capture_on_commit_callbacks):
    RefusingBackend.purged.clear()
    RefusingBackend.refusing = True
    retitle("Si visita Norwalk (otra vez)", django_capture_on_commit_callbacks)
    assert PendingInvalidation.objects.get().attempts == 1
    RefusingBackend.refusing = False
    assert apply_pending() == 1
    assert "http://localhost/es/temas/visitantes/" in RefusingBackend.purged
    assert not PendingInvalidation.objects.exists()


def test_feedback_is_taken_while_nobody_can_be_counted(reader, monkeypatch):
    """Without the cache, a reader's report is let through, not refused or a 500."""
    from django.core.cache import cache

    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: None)
    from reader.feedback import rate_limited

    assert rate_limited(type("Request", (), {"META": {"REMOTE_ADDR": "192.0.2.1"}})()) is False


def flaky_connections(monkeypatch, refusals):
    """PostgreSQL refusing the first `refusals` connections, as while it restarts."""
    from cms.db.postgresql import base

    attempts = []

    def connect(self, params):
        attempts.append(params)
        if len(attempts) <= refusals:
            raise base.Database.OperationalError("connection refused")
        return "a connection"

    monkeypatch.setattr(base.PostgresWrapper, "get_new_connection", connect)
    return base.DatabaseWrapper.__new__(base.DatabaseWrapper), attempts


def test_a_postgresql_restart_is_waited_out(monkeypatch, settings):
    settings.DB_CONNECT_RETRY_SECONDS = 3
    wrapper, attempts = flaky_connections(monkeypatch, refusals=2)
    assert wrapper.get_new_connection({}) == "a connection"
    assert len(attempts) == 3


def test_a_longer_database_outage_still_fails_soon(monkeypatch, settings):
    from cms.db.postgresql import base

    settings.DB_CONNECT_RETRY_SECONDS = 0.3
    wrapper, attempts = flaky_connections(monkeypatch, refusals=1000)
    with pytest.raises(base.Database.OperationalError):
        wrapper.get_new_connection({})
    assert 1 < len(attempts) < 10


def test_two_app_servers_never_apply_the_same_invalidation_twice(
    django_capture_on_commit_callbacks, monkeypatch
):
    """A row another server has claimed is left to it; a claim that outlived its server
    (it died mid-way) is taken over."""
    import datetime

    from django.utils import timezone

    applied = []
    monkeypatch.setattr(caching, "invalidate", lambda codes, urls=(): applied.append(codes))
    retitle("Si visita Norwalk (dos servidores)", django_capture_on_commit_callbacks, False)
    pending = PendingInvalidation.objects.get()
    later = timezone.now() + datetime.timedelta(seconds=5)
    PendingInvalidation.objects.update(claim="other", claimed_until=later)
    assert apply_pending(older_than=0) == 0 and applied == []
    PendingInvalidation.objects.update(claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert apply_pending(older_than=0) == 1
    assert applied == [{"en", "es"}] and not PendingInvalidation.objects.filter(pk=pending.pk)
