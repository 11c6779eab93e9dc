"""What search engines read: a description of every page in its reader's language, a
robots.txt that points to the sitemap, and search results kept out of their index."""

import re

import pytest
from django.utils import translation

from home.models import TopicIndexPage, TopicPage
from services.models import Service
from services.pages import ServiceDirectoryPage, directory_url

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

LANGUAGES = ["en", "es", "pt", "ht", "ar"]
GENERIC = "Waymark: safety and health information. Free, private, no tracking."


def reader_pages(code):
    """One URL of every reader page type in a language."""
    live = {"live": True, "locale__language_code": code}
    # Services are listed under every language's directory by their source slug.
    service = Service.objects.filter(live=True, locale__language_code="en").order_by("pk").first()
    return {
        "home": f"/{code}/",
        "topic index": TopicIndexPage.objects.get(**live).url,
        "topic": TopicPage.objects.filter(**live).order_by("path").first().url,
        "directory": ServiceDirectoryPage.objects.get(**live).url,
        "service": f"{directory_url(code)}{service.slug}/",
        "search": f"/{code}/search/?q=help",
        "offline": f"/{code}/offline/",
    }


def meta(html, name):
    return re.findall(rf'<meta name="{name}" content="([^"]*)">', html)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_type_has_a_description_in_its_language(reader, code):
    with translation.override(code):
        generic = translation.gettext(GENERIC)
    for kind, url in reader_pages(code).items():
        found = meta(reader.get(url).content.decode(), "description")
        assert len(found) == 1 and found[0].strip(), (kind, url)
        if kind in ("home", "topic index", "directory", "search", "offline"):
            assert found[0] == generic, (kind, url, found)
    if code != "en":
        assert generic != GENERIC  # so the pages above are not described in English


def test_a_topic_page_is_described_by_its_own_summary(reader):
    page = TopicPage.objects.filter(live=True, locale__language_code="pt").first()
    html = reader.get(page.url).content.decode()
    assert meta(html, "description") == [page.search_description or page.summary]


@pytest.mark.parametrize("code", LANGUAGES)
def test_search_results_are_not_for_search_engines_and_pages_are(reader, code):
    pages = reader_pages(code)
    assert meta(reader.get(pages["search"]).content.decode(), "robots") == ["noindex"]
    for kind in ("home", "topic", "directory", "service"):
        assert meta(reader.get(pages[kind]).content.decode(), "robots") == [], kind


def test_robots_txt_points_to_the_sitemap_and_keeps_search_and_the_admin_out(reader):
    response = reader.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not response.cookies
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert {f"Disallow: /{code}/search/" for code in LANGUAGES} <= set(lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    # Nothing readers need is kept from crawlers.
    disallowed = [line.split(": ", 1)[1] for line in lines if line.startswith("Disallow")]
    for code in LANGUAGES:
        for url in reader_pages(code).values():
            if "/search/" not in url:
                assert not any(url.startswith(prefix) for prefix in disallowed), url
