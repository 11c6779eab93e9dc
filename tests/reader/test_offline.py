"""Offline reading, server side: manifests, the worker and its version, what a language saves."""

import gzip
import json
import re

import pytest
from django.contrib.staticfiles import finders
from wagtail.models import Locale

from home.models import TopicPage
from reader import offline
from services.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

PRECACHE_BUDGET = 150_000


def spanish_page(slug):
    english = TopicPage.objects.get(slug=slug, locale__language_code="en")
    return english.get_translation(Locale.objects.get(language_code="es")).specific


def worker(reader, language="es"):
    response = reader.get(f"/sw.js?lang={language}")
    assert response.status_code == 200
    source = response.content.decode()
    config = json.loads(re.search(r"self\.WAYMARK = (\{.*?\});", source).group(1))
    return response, config


@pytest.mark.parametrize(("language", "direction"), [("es", "ltr"), ("ar", "rtl"), ("ht", "ltr")])
def test_each_language_has_an_installable_manifest(reader, language, direction):
    response = reader.get(f"/{language}/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["lang"] == language and data["dir"] == direction
    assert data["start_url"] == data["scope"] == f"/{language}/"
    assert data["display"] == "standalone" and data["theme_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert sizes == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))
    html = reader.get(f"/{language}/").content.decode()
    assert f'<link rel="manifest" href="/{language}/manifest.webmanifest">' in html


def test_spanish_manifest_name_is_translated(reader):
    data = json.loads(reader.get("/es/manifest.webmanifest").content)
    assert data["name"] != "Waymark: safety and health information"


def test_the_worker_is_never_cached_and_precaches_the_essentials(reader):
    response, config = worker(reader)
    assert "no-store" in response["Cache-Control"]
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript")
    precache = config["precache"]
    for code in ("en", "es", "pt", "ht", "ar"):
        assert f"/{code}/offline/" in precache
    reporting = TopicPage.objects.get(slug="reporting", locale__language_code="en")
    spanish = reporting.get_translation(Locale.objects.get(language_code="es"))
    assert {"/es/", spanish.url, "/es/servicios/"} <= set(precache)
    assert not any(url.startswith("/admin") for url in precache)
    assert any(url.endswith(".css") for url in precache)


def test_worker_version_changes_exactly_when_precached_content_changes(reader):
    _response, before = worker(reader)
    assert worker(reader)[1]["version"] == before["version"]  # stable, no clock in it
    # A page that is not precached changes: same version.
    legal = spanish_page("legal-work")
    legal.save_revision().publish()
    assert worker(reader)[1]["version"] == before["version"]
    # A precached page changes: a new version.
    reporting = TopicPage.objects.get(slug="reporting", locale__language_code="en")
    spanish = reporting.get_translation(Locale.objects.get(language_code="es")).specific
    spanish.save_revision().publish()
    assert worker(reader)[1]["version"] != before["version"]


def test_first_visit_precache_fits_the_budget(reader):
    _response, config = worker(reader)
    total = 0
    for url in config["precache"]:
        if url.startswith("/static/"):
            with open(finders.find(url.removeprefix("/static/")), "rb") as asset:
                total += len(gzip.compress(asset.read(), 9))
        else:
            response = reader.get(url)
            assert response.status_code == 200, url
            total += len(gzip.compress(response.content, 9))
    assert total <= PRECACHE_BUDGET


def test_offline_page_in_each_language(reader):
    response = reader.get("/es/offline/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-saved-list" in html and '<html lang="es"' in html
    assert 'dir="rtl"' in reader.get("/ar/offline/").content.decode()


def test_language_manifest_lists_every_page_and_service_and_follows_publishing(reader):
    data = json.loads(reader.get("/es/offline.json").content)
    urls = [page["url"] for page in data["pages"]]
    spanish_pages = TopicPage.objects.live().filter(locale__language_code="es").count()
    services = Service.objects.listed().count()
    # home, topic index, directory, and the offline search index
    assert len(urls) == spanish_pages + 3 + services + 1
    assert "/es/search-index.json" in urls
    assert "/es/servicios/text-a-tip/" in urls
    reader.get("/es/temas/")
    sizes = {
        page["url"]: page["bytes"]
        for page in json.loads(reader.get("/es/offline.json").content)["pages"]
    }
    assert sizes["/es/temas/"] > 1000
    legal = spanish_page("legal-work")
    legal.save_revision().publish()
    after = json.loads(reader.get("/es/offline.json").content)
    changed = {
        page["url"]
        for page, old in zip(after["pages"], data["pages"], strict=True)
        if page["version"] != old["version"]
    }
    assert changed == {legal.url, "/es/search-index.json"}
    assert after["version"] != data["version"]
    legal.unpublish()
    assert legal.url not in [
        page["url"] for page in json.loads(reader.get("/es/offline.json").content)["pages"]
    ]


def test_offline_controls_are_hidden_until_the_script_shows_them(reader):
    html = reader.get("/es/").content.decode()
    assert re.search(r'<section class="offline-controls" hidden data-offline-controls', html)
    assert re.search(r'<p class="offline-notice" role="status" hidden data-offline-notice>', html)
    assert "<time data-saved-at></time>" in html


def test_precache_list_uses_the_offline_module(reader):
    assert offline.precache_entries("es")[0][0].startswith("/static/")


def test_pages_send_the_version_offline_json_lists(reader):
    data = json.loads(reader.get("/es/offline.json").content)
    for page in data["pages"]:
        if page["url"].endswith(".json"):
            continue
        response = reader.get(page["url"])
        assert response["X-Waymark-Version"] == page["version"], page["url"]
