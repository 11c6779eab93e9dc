"""Readers get the site in their language: redirects, lang/dir, switcher, hreflang, sitemap."""

import re

import pytest
from wagtail.models import Locale, Page

from services.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "pt": "Português",
    "ht": "Kreyòl ayisyen",
    "ar": "العربية",
}


def page_in(language_code, slug=None):
    """The live demo page of one language, by its English slug (None: the home page)."""
    english = Page.objects.get(depth=2, locale__language_code="en")
    if slug is not None:
        english = english.get_descendants().get(slug=slug)
    return english.get_translation(Locale.objects.get(language_code=language_code))


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("es-US,es;q=0.9,en;q=0.5", "/es/"),
        ("pt-BR,pt;q=0.9", "/pt/"),
        ("ht", "/ht/"),
        ("ar-EG,ar;q=0.9", "/ar/"),
        ("fr-FR,fr;q=0.9", "/en/"),
        ("", "/en/"),
    ],
)
def test_root_redirects_to_the_best_language(reader, accept_language, expected):
    response = reader.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == expected
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("code", list(LANGUAGE_NAMES))
def test_every_language_home_declares_its_language_and_direction(reader, code):
    html = reader.get(f"/{code}/").content.decode()
    direction = "rtl" if code == "ar" else "ltr"
    assert f'<html lang="{code}" dir="{direction}">' in html


def test_arabic_reporting_page_is_right_to_left_and_translated(reader):
    page = page_in("ar", "reporting")
    response = reader.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert response["Content-Language"] == "ar"
    # The phone numbers stay left-to-right inside Arabic text.
    assert '<span class="contact__number" dir="ltr">(888) 373-7888</span>' in html


def switcher_links(html):
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return {
        code: (href, name)
        for href, code, name in re.findall(
            r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+" dir="\w+"[^>]*>([^<]+)</a>', nav
        )
    }


def test_switcher_links_to_the_same_page_where_translated_else_that_languages_home(reader):
    english = page_in("en", "legal-work")
    links = switcher_links(reader.get(english.url).content.decode())
    assert links["en"] == (english.url, "English")
    assert links["es"] == (page_in("es", "legal-work").url, "Español")
    # Not translated into these: their home page instead.
    assert links["pt"] == ("/pt/", "Português")
    assert links["ht"] == ("/ht/", "Kreyòl ayisyen")
    assert links["ar"] == ("/ar/", "العربية")


def test_switcher_names_every_language_in_its_own_language_and_marks_the_current_one(reader):
    html = reader.get(page_in("ht", "reporting").url).content.decode()
    links = switcher_links(html)
    assert {code: name for code, (_href, name) in links.items()} == LANGUAGE_NAMES
    assert links["ar"][0] == page_in("ar", "reporting").url
    assert 'hreflang="ht" lang="ht" dir="ltr" aria-current="true">Kreyòl ayisyen' in html


def test_hreflang_alternates_list_only_real_translations(reader):
    reporting = page_in("en", "reporting")
    html = reader.get(reporting.url).content.decode()
    alternates = dict(
        re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html)
    )
    assert set(alternates) == {"en", "es", "pt", "ht", "ar", "x-default"}
    assert alternates["es"] == "http://testserver" + page_in("es", "reporting").url
    assert alternates["x-default"] == "http://testserver" + reporting.url

    legal = reader.get(page_in("en", "legal-work").url).content.decode()
    assert set(re.findall(r'hreflang="([\w-]+)" href="http', legal)) == {"en", "es", "x-default"}


def test_sitemap_lists_every_live_page_with_its_alternates(reader):
    response = reader.get("/sitemap.xml")
    xml = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    live = Page.objects.live().filter(depth__gte=2)
    services = Service.objects.listed().count()
    assert xml.count("<url>") == live.count() + 5 * services  # each service in 5 directories
    service = re.search(
        r"<url>\s*<loc>http://testserver/es/servicios/text-a-tip/</loc>.*?</url>", xml, re.S
    ).group(0)
    assert 'hreflang="ht" href="http://testserver/ht/sevis/text-a-tip/"' in service
    es_reporting = "http://testserver" + page_in("es", "reporting").url
    block = re.search(rf"<url>\s*<loc>{re.escape(es_reporting)}</loc>.*?</url>", xml, re.S).group(0)
    assert block.count('rel="alternate"') == 5
    assert 'hreflang="ar" href="http://testserver/ar/topics/reporting/"' in block


def test_unpublished_translation_is_not_offered(reader):
    spanish = page_in("es", "legal-work")
    spanish.unpublish()
    links = switcher_links(reader.get(page_in("en", "legal-work").url).content.decode())
    assert links["es"] == ("/es/", "Español")
    assert reader.get(spanish.url).status_code == 404


def test_every_demo_page_is_reachable_at_its_url(reader):
    pages = Page.objects.live().filter(depth__gte=2)
    failures = [(page.url, reader.get(page.url).status_code) for page in pages]
    assert [failure for failure in failures if failure[1] != 200] == []
    assert len(failures) == 44  # 39 topic pages and a services directory per language
