"""Private means private: a page under a view restriction (password, sign-in) shows in no list,
search, offline index or sitemap, and making a page private forgets every cached copy."""

import pytest
from django.test import override_settings
from wagtail.models import PageViewRestriction

from cms.caching import CACHE_HEADER
from tests.cms.test_caching import wsgi_reader  # noqa: F401 (a fixture)
from tests.home.factories import TopicPageFactory, english_index

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

SECRET = "Zanzibarquartz"  # a word no other page has
# What would show the page itself (the search page echoes the query, so not SECRET alone).
MARKS = ("meeting-point", "meeting point", "group meets")


def leaks(text, marks=MARKS):
    return [mark for mark in marks if mark in text]


def words_leaked(text):
    """The page's own words (its address is on its password form, rightly)."""
    return leaks(text, MARKS[1:])


@pytest.fixture
def secret_page(django_capture_on_commit_callbacks):
    page = TopicPageFactory(
        parent=english_index(),
        title=f"{SECRET} meeting point",
        slug="meeting-point",
        summary=f"Where the {SECRET} group meets.",
        offline_essential=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    return page


def restrict(page, django_capture_on_commit_callbacks, **kwargs):
    kwargs = kwargs or {"restriction_type": PageViewRestriction.PASSWORD, "password": "x1y2z3w4"}
    with django_capture_on_commit_callbacks(execute=True):
        return PageViewRestriction.objects.create(page=page, **kwargs)


def everything_readers_get(reader):
    """What anonymous readers can see about other pages, as text."""
    urls = [
        "/en/",
        "/en/topics/",
        f"/en/search/?q={SECRET}",
        "/en/search-index.json",
        "/en/search-index/essentials.json",
        "/sitemap.xml",
        "/en/offline.json",
        "/sw.js",
    ]
    return {url: reader.get(url).content.decode() for url in urls}


def test_a_public_page_is_found_everywhere_the_test_looks(reader, secret_page):
    """The judge is not blind: before its restriction the page is in every list."""
    seen = everything_readers_get(reader)
    assert SECRET in seen["/en/topics/"]
    assert "meeting-point" in seen[f"/en/search/?q={SECRET}"]
    assert "meeting-point" in seen["/sitemap.xml"]
    assert "meeting-point" in seen["/en/offline.json"]


@override_settings(WAYMARK_FRAGMENT_CACHE_SECONDS=3600)
def test_what_was_kept_before_a_page_was_made_private_shows_it_nowhere(
    reader, secret_page, django_capture_on_commit_callbacks
):
    """Lists, search hits and index words are kept between views (cms.caching): a restriction
    forgets them at once."""
    everything_readers_get(reader)
    assert "meeting-point" in everything_readers_get(reader)[f"/en/search/?q={SECRET}"]
    restrict(secret_page, django_capture_on_commit_callbacks)
    seen = everything_readers_get(reader)
    assert {url: leaks(text) for url, text in seen.items() if leaks(text)} == {}


@pytest.mark.parametrize("kind", ["password", "login"])
def test_a_private_page_shows_nowhere(
    reader, secret_page, django_capture_on_commit_callbacks, kind
):
    if kind == "password":
        restrict(secret_page, django_capture_on_commit_callbacks)
    else:
        restrict(
            secret_page,
            django_capture_on_commit_callbacks,
            restriction_type=PageViewRestriction.LOGIN,
        )
    found = {url: leaks(text) for url, text in everything_readers_get(reader).items()}
    assert {url: marks for url, marks in found.items() if marks} == {}
    assert words_leaked(reader.get("/en/topics/meeting-point/").content.decode()) == []


def test_a_page_under_a_private_page_is_private_too(
    reader, secret_page, django_capture_on_commit_callbacks
):
    restrict(english_index(), django_capture_on_commit_callbacks)
    seen = everything_readers_get(reader)
    for url in (f"/en/search/?q={SECRET}", "/en/offline.json", "/en/search-index.json"):
        assert leaks(seen[url]) == [], url


@override_settings(WAYMARK_PAGE_CACHE_SECONDS=600)
def test_making_a_page_private_forgets_its_cached_copy(
    wsgi_reader,  # noqa: F811
    secret_page,
    django_capture_on_commit_callbacks,
):
    from django.core.cache import cache

    cache.clear()
    url = "/en/topics/meeting-point/"
    assert SECRET in wsgi_reader.get(url).content.decode()
    assert wsgi_reader.get(url)[CACHE_HEADER] == "hit"
    restriction = restrict(secret_page, django_capture_on_commit_callbacks)
    assert words_leaked(wsgi_reader.get(url).content.decode()) == []
    assert leaks(wsgi_reader.get("/en/topics/").content.decode()) == []
    # Made public again: readers get it at once.
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert SECRET in wsgi_reader.get(url).content.decode()
    cache.clear()
