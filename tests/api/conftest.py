"""An API client (no browser headers) and small helpers shared by the API tests."""

import json

import pytest
from wagtail.models import Locale


@pytest.fixture
def api(client):
    """Another site's script or an app: asks for JSON, no cookies."""
    client.defaults["HTTP_ACCEPT"] = "application/json"
    return client


def get_json(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    return json.loads(response.content)


def locale(code):
    return Locale.objects.get_or_create(language_code=code)[0]


def publish(page):
    """Publish a page's latest state as an editor's approval would."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def translate_page(page, code):
    """A live translation of an English page (its parents translated as needed)."""
    translated = page.copy_for_translation(locale(code), copy_parents=True)
    return publish(translated.specific)
