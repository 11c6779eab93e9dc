"""Shared fixtures: the demo site loaded once per test session, and a test client."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the full Norwalk demo (rolled back after each test)."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0, stdout=StringIO())


@pytest.fixture
def reader(client):
    """A reader's browser: no login, a phone-sized Accept header."""
    client.defaults["HTTP_ACCEPT"] = "text/html"
    return client
