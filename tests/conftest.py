"""Shared fixtures: an empty migrated database for tests that build what they need with the
factories, the Norwalk demo for tests marked `demo`, and a reader's test client.

New tests start from factories (tests/home/factories.py, tests/services/factories.py);
the whole demo is for tests that are about the demo or walk through much of it. Tests
that need no demo run first: the demo, once loaded, stays for the rest of the session
(each test's own changes are rolled back). Browser tests run last: they serve a database
of their own, and Playwright's event loop, once started, stays for the session.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from cms.caching import forget_recent_parts


def pytest_collection_modifyitems(items):
    """Demo tests get the demo (before their database transaction starts); the order is
    tests without the demo, then demo tests, then browser tests."""
    for item in items:
        if item.get_closest_marker("demo") and "demo_site" not in item.fixturenames:
            item.fixturenames.insert(0, "demo_site")

    def stage(item):
        if item.get_closest_marker("e2e") or "tests/e2e/" in str(item.path):
            return 2
        return 1 if item.get_closest_marker("demo") else 0

    items.sort(key=stage)


@pytest.fixture(scope="session")
def demo_site(django_db_setup, django_db_blocker):
    """The full Norwalk demo, loaded once when the first `demo` test runs, and kept."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0, stdout=StringIO())


@pytest.fixture
def reader(client):
    """A reader's browser: no login, a phone-sized Accept header."""
    client.defaults["HTTP_ACCEPT"] = "text/html"
    return client


@pytest.fixture(autouse=True)
def _fresh_state_after_each_test():
    """What a test leaves outside the database must not reach the next one: the language a
    request activated in this thread (a Spanish error message read as English would fail
    for no reason), and the cache, which a rolled-back test may have filled with what no
    longer exists (Wagtail keeps each site's root paths there, and a test's own site is
    rolled back without the signal that would forget them), and the parts of pages this
    process keeps beside it (cms.caching.kept_fragment)."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    forget_recent_parts()
