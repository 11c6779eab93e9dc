"""Offline reading, server side: manifests, the worker and its version, what a language saves."""

import gzip
import json
import re

import pytest
from django.contrib.staticfiles import finders
from wagtail.models import Locale

from home.models import TopicPage
from reader import offline, offline_text
from services.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

PRECACHE_BUDGET = 100_000  # bytes, compressed, of everything a first visit saves
LANGUAGES = ["en", "es", "pt", "ht", "ar"]


def spanish_page(slug):
    english = TopicPage.objects.get(slug=slug, locale__language_code="en")
    return english.get_translation(Locale.objects.get(language_code="es")).specific


def worker(reader, url="/sw.js"):
    response = reader.get(url)
    assert response.status_code == 200
    source = response.content.decode()
    config = json.loads(re.search(r"self\.WAYMARK = (\{.*?\});\n", source).group(1))
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


def test_the_worker_is_always_revalidated_and_precaches_the_essentials(reader):
    response, config = worker(reader)
    assert "no-cache" in response["Cache-Control"]
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript")
    for code in LANGUAGES:
        assert config["essentials"][code][0][0] == f"/{code}/offline/"
        assert config["offlinePages"][code] == f"/{code}/offline/"
    spanish = [url for url, _version in config["essentials"]["es"]]
    reporting = TopicPage.objects.get(slug="reporting", locale__language_code="en")
    translated = reporting.get_translation(Locale.objects.get(language_code="es"))
    assert {"/es/", translated.url, "/es/servicios/", "/es/search-index/essentials.json"} <= set(
        spanish
    )
    assert not any(url.startswith("/admin") for url in spanish)
    assert any(url.endswith(".css") for url in config["static"])


def test_one_worker_for_every_language(reader):
    """Every page registers /sw.js; the old per-language URLs get the very same worker."""
    plain = worker(reader)[0].content
    for code in LANGUAGES:
        assert worker(reader, f"/sw.js?lang={code}")[0].content == plain
        html = reader.get(f"/{code}/").content.decode()
        assert "/sw.js?lang" not in html
    script = finders.find("js/offline.js")
    with open(script, encoding="utf-8") as source:
        assert '.register("/sw.js", { scope: "/" })' in source.read()


def test_an_unchanged_worker_costs_a_304(reader):
    response, _config = worker(reader)
    again = reader.get("/sw.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_worker_version_changes_exactly_when_precached_content_changes(reader):
    _response, before = worker(reader)
    assert worker(reader)[1]["version"] == before["version"]  # stable, no clock in it
    # A page that is not precached changes: same version.
    legal = spanish_page("legal-work")
    legal.save_revision().publish()
    assert worker(reader)[1]["version"] == before["version"]
    # A precached Spanish page changes: a new version, new for Spanish readers only.
    spanish_page("reporting").save_revision().publish()
    after = worker(reader)[1]
    assert after["version"] != before["version"]
    changed = {
        code
        for code in LANGUAGES
        if after["languageVersions"][code] != before["languageVersions"][code]
    }
    assert changed == {"es"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_visit_precache_fits_the_budget(reader, language):
    """The worker itself, the static files and one language's essentials, compressed."""
    response, config = worker(reader)
    total = len(gzip.compress(response.content, 9))
    urls = config["static"] + [url for url, _version in config["essentials"][language]]
    for url in urls:
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
    # home, topic index, directory, and the two offline search indexes
    assert len(urls) == spanish_pages + 3 + services + 2
    assert {"/es/search-index.json", "/es/search-index/essentials.json"} <= set(urls)
    assert data["offline_page"]["url"] == "/es/offline/"
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


def test_the_worker_writes_dates_and_sizes_as_babel_does(reader):
    """Haitian Creole months and order come from the server, not from the phone's Intl."""
    _response, config = worker(reader)
    creole = config["text"]["ht"]["formats"]
    assert creole["months"][10] == "novanm"
    assert creole["pattern"] == "{d} {MMMM} {y} {HH}:{mm}"
    spanish = config["text"]["es"]["formats"]
    assert spanish["pattern"] == "{d} de {MMMM} de {y}, {H}:{mm}"
    assert spanish["decimal"] == "," and spanish["kB"] == "{0} kB"
    assert config["text"]["es"]["stale"].startswith("Esta copia se guardó hace más de una semana")
    assert config["text"]["ar"]["hours"] == "مفتوح أم مغلق الآن؟ راجع مواعيد العمل قبل أن تذهب."
    source = worker(reader)[0].content.decode()
    assert "Intl" not in source


def test_pages_send_the_version_offline_json_lists(reader):
    data = json.loads(reader.get("/es/offline.json").content)
    for page in data["pages"]:
        if page["url"].endswith(".json"):
            continue
        response = reader.get(page["url"])
        assert response["X-Waymark-Version"] == page["version"], page["url"]


def test_offline_controls_name_both_indexes_and_say_what_removal_leaves(reader):
    html = reader.get("/es/").content.decode()
    assert 'data-index-full="/es/search-index.json"' in html
    assert 'data-index-essentials="/es/search-index/essentials.json"' in html
    note = re.search(r"<p hidden data-offline-removed>(.*?)</p>", html, re.S).group(1)
    assert "volverá a guardar lo esencial" in note
    assert "data-exit-this-page>Salir de esta página</a>" in note


def test_the_offline_page_says_a_slow_connection_may_be_why(reader):
    html = reader.get("/ht/offline/").content.decode()
    assert "koneksyon an twò dousman" in html


@pytest.mark.parametrize(
    ("language", "pattern"),
    [
        ("en", "{MMMM} {d}, {y}, {h}:{mm}\u202f{a}"),  # CLDR: a narrow no-break space
        ("es", "{d} de {MMMM} de {y}, {H}:{mm}"),
        ("pt", "{d} de {MMMM} de {y} {HH}:{mm}"),
        ("ht", "{d} {MMMM} {y} {HH}:{mm}"),
        ("ar", "{d} {MMMM} {y}، {h}:{mm} {a}"),
    ],
)
def test_each_language_gets_its_own_date_pattern(language, pattern):
    assert offline_text.formats(language)["pattern"] == pattern
