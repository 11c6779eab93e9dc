"""Parts of reader pages kept between views (cms.caching.kept_fragment) never show a reader
anything the page itself would not: not an old number after a publish, not a draft, not an
opening status past its time, not another site's links; and a lost cache costs nothing."""

import datetime
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cms import caching
from home.models import TopicPage
from services.models import Service
from tests.services.factories import closing_soon_service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

KEEP = override_settings(WAYMARK_FRAGMENT_CACHE_SECONDS=3600)
PAGES = {
    "en": ["/en/", "/en/topics/reporting/", "/en/services/", "/en/services/text-a-tip/"],
    "es": ["/es/", "/es/temas/denunciar/", "/es/servicios/", "/es/servicios/text-a-tip/"],
    "pt": ["/pt/", "/pt/servicos/", "/pt/servicos/text-a-tip/"],
    "ht": ["/ht/", "/ht/sevis/", "/ht/sevis/text-a-tip/"],
    "ar": ["/ar/", "/ar/services/", "/ar/services/text-a-tip/"],
}


def html(reader, url, **extra):
    response = reader.get(url, **extra)
    assert response.status_code == 200, url
    return response.content.decode()


def publish(item, on_commit):
    with on_commit(execute=True):
        item.save_revision().publish()


def test_kept_parts_show_exactly_what_the_page_shows_in_every_language(reader):
    every = [url for urls in PAGES.values() for url in urls] + ["/es/servicios/?free=on"]
    every += ["/es/search/?q=denunciar", "/ar/search/?q=الشرطة", "/en/search/?q=report"]
    made = {url: html(reader, url) for url in every}
    with KEEP:
        for url in every:
            html(reader, url)  # kept now
        for url in every:
            assert html(reader, url) == made[url], url


@KEEP
def test_a_kept_page_asks_the_database_only_for_its_route_and_its_list(reader):
    """Once its parts are kept, a page reads what Wagtail needs to find it (site, locale,
    route, view restrictions) and, on the directory, which services the filter matches."""
    pages = ["/es/", "/es/temas/denunciar/", "/es/servicios/text-a-tip/", "/es/servicios/"]
    for url in [*pages, "/es/search/?q=denunciar"]:
        html(reader, url)
        with CaptureQueriesContext(connection) as queries:
            html(reader, url)
        assert len(queries) <= 10, (url, [query["sql"][:80] for query in queries])


@KEEP
def test_a_corrected_hotline_number_reaches_every_kept_part_at_once(
    reader, django_capture_on_commit_callbacks
):
    hotline = Service.objects.get(locale__language_code="en", slug="human-trafficking-hotline")
    old = hotline.phones.filter(kind__in=["hotline", "voice"]).first()
    pages = ["/es/temas/denunciar/", "/es/servicios/", "/ar/services/"]
    pages += ["/es/servicios/human-trafficking-hotline/", "/pt/servicos/human-trafficking-hotline/"]
    for url in pages:
        assert f"tel:{old.number}" in html(reader, url), url
        html(reader, url)
    old.number = "+18005550123"
    hotline.phones = [old, *hotline.phones.exclude(pk=old.pk)]
    publish(hotline, django_capture_on_commit_callbacks)
    for url in pages:
        assert "tel:+18005550123" in html(reader, url), url


@KEEP
def test_a_new_translation_reaches_the_kept_language_links_of_the_others(
    reader, django_capture_on_commit_callbacks
):
    portuguese = TopicPage.objects.get(locale__language_code="pt", slug="denunciar")
    with django_capture_on_commit_callbacks(execute=True):
        portuguese.unpublish()
    spanish = html(reader, "/es/temas/denunciar/")
    assert '<a href="/pt/" hreflang="pt"' in spanish  # Portuguese readers go to their home
    assert 'rel="alternate" hreflang="pt"' not in spanish
    html(reader, "/es/temas/denunciar/")
    publish(portuguese, django_capture_on_commit_callbacks)
    spanish = html(reader, "/es/temas/denunciar/")
    assert f'<a href="{portuguese.url}" hreflang="pt"' in spanish
    assert f'rel="alternate" hreflang="pt" href="http://testserver{portuguese.url}"' in spanish


@KEEP
def test_a_preview_shows_the_draft_and_readers_keep_the_published_words(reader):
    page = TopicPage.objects.get(locale__language_code="es", slug="denunciar")
    # Readers on the site's own address, where Wagtail renders previews.
    host = {"HTTP_HOST": page.get_site().hostname}
    live = html(reader, page.url, **host)
    page.title = "Borrador sin revisar"
    page.summary = "Texto que nadie ha aprobado."
    preview = page.make_preview_request().content.decode()
    assert "Texto que nadie ha aprobado." in preview
    assert html(reader, page.url, **host) == live
    caching.forget_recent_parts()  # what another app server finds in the shared cache
    assert html(reader, page.url, **host) == live


@KEEP
def test_a_kept_opening_status_lasts_only_until_it_changes(reader):
    closing_soon_service()
    for url in ["/en/services/", "/en/services/closing-soon/"]:
        first = reader.get(url)
        kept = reader.get(url)  # the card or page body comes from what was kept
        assert "Open now" in kept.content.decode()
        for response in (first, kept):
            shared = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"])[1])
            assert shared <= 600, url  # the proxy, too, keeps it no longer than it holds


@KEEP
def test_a_kept_part_is_made_again_once_its_moment_has_passed(rf, monkeypatch):
    request = rf.get("/es/", HTTP_HOST="testserver")
    made = []

    def make():
        made.append(1)
        caching.valid_until(timezone.now() + datetime.timedelta(seconds=30))
        return f"version {len(made)}"

    with translation.override("es"):
        assert caching.kept_fragment(request, "test", [1], make) == "version 1"
        assert caching.kept_fragment(request, "test", [1], make) == "version 1"
        later = caching.time.time() + 31
        monkeypatch.setattr(caching.time, "time", lambda: later)
        assert caching.kept_fragment(request, "test", [1], make) == "version 2"


@KEEP
@override_settings(ALLOWED_HOSTS=["one.example", "two.example"])
def test_each_host_gets_its_own_kept_parts(rf):
    made = []
    with translation.override("es"):
        for host in ["one.example", "two.example", "one.example"]:
            request = rf.get("/es/", HTTP_HOST=host)
            caching.kept_fragment(request, "links", [1], lambda host=host: made.append(host))
    assert made == ["one.example", "two.example"]


@KEEP
def test_a_lost_cache_costs_readers_nothing(reader, monkeypatch):
    made = {url: html(reader, url) for url in PAGES["es"]}

    def broken():
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(caching, "_store", broken)
    monkeypatch.setattr(caching, "_cache_broken_until", [0.0])
    caching.forget_recent_parts()
    for url in PAGES["es"]:
        assert html(reader, url) == made[url]


@KEEP
def test_the_offline_index_keeps_each_pages_words_until_that_page_changes(
    reader, django_capture_on_commit_callbacks
):
    made = {code: html(reader, f"/{code}/search-index.json") for code in PAGES}
    for code in PAGES:
        assert html(reader, f"/{code}/search-index.json") == made[code]  # words kept
    page = TopicPage.objects.get(locale__language_code="es", slug="denunciar")
    page.summary = "Cómo avisar de un peligro inminente con palabras nuevas: zarzamora."
    publish(page, django_capture_on_commit_callbacks)
    assert "zarzamora" in html(reader, "/es/search-index.json")
    assert html(reader, "/pt/search-index.json") == made["pt"]
