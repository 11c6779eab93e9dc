"""When the server fails, readers get a short page in their language with the emergency
number; a lost database is a 503 that says when to try again, never a bare 500."""

import pytest
from django.db import OperationalError
from django.test import Client

from cms import errors
from home.models import HomePage, TopicIndexPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


@pytest.fixture
def browser_client():
    return Client(raise_request_exception=False)


def failing(error):
    def get_context(self, request, *args, **kwargs):
        raise error

    return get_context


@pytest.mark.parametrize(
    ("url", "lang", "direction", "words"),
    [
        ("/es/temas/", "es", "ltr", "Un momento, por favor"),
        ("/ar/", "ar", "rtl", "لحظة من فضلك"),
        ("/en/topics/", "en", "ltr", "Busy for a moment"),
    ],
)
def test_a_lost_database_is_a_short_503_in_the_readers_language(
    browser_client, monkeypatch, url, lang, direction, words
):
    error = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    monkeypatch.setattr(errors, "database_unreachable", lambda: True)
    monkeypatch.setattr(TopicIndexPage, "get_context", failing(error))
    monkeypatch.setattr(HomePage, "get_context", failing(error))
    response = browser_client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert words in html and 'href="tel:911"' in html
    assert 'href="https://www.bbc.co.uk/weather"' in html  # a way out, as on every page
    assert "connection" not in html.lower()  # nothing of the error itself


def test_any_other_failure_is_a_500_with_the_same_help(browser_client, monkeypatch):
    monkeypatch.setattr(TopicIndexPage, "get_context", failing(RuntimeError("a bug")))
    response = browser_client.get("/pt/temas/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    html = response.content.decode()
    assert "Algo correu mal" in html and 'href="tel:911"' in html


def test_a_query_the_database_refuses_is_a_bug_not_an_outage(browser_client, monkeypatch):
    """The database answers new connections: a refused query is a 500 (and logged as one),
    not a 503 that would hide it."""
    monkeypatch.setattr(TopicIndexPage, "get_context", failing(OperationalError("syntax error")))
    response = browser_client.get("/es/temas/")
    assert response.status_code == 500
    assert "Algo salió mal" in response.content.decode()
