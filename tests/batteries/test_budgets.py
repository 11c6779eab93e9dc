"""Byte and query budgets: page plus CSS fit one TCP window; queries don't grow with content."""

import gzip
import re
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page

from tests.home.factories import TopicPageFactory, contact, english_index, question

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

HTML_AND_CSS_BUDGET = 14_000
JS_BUDGET = 10_000


def gzipped_size(data):
    return len(gzip.compress(data, compresslevel=9))


def static_file(url):
    """The bytes of a /static/... URL as referenced by a page."""
    name = re.sub(r"^/static/", "", url)
    return open(finders.find(name), "rb").read()


def page_weight(reader, url):
    response = reader.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    css = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    scripts = re.findall(r"<script src=\"([^\"]+)\"([^>]*)>", html)
    blocking_css = sum(gzipped_size(static_file(href)) for href in css)
    return {
        "html": gzipped_size(response.content),
        "css": blocking_css,
        "js": sum(gzipped_size(static_file(src)) for src, _attrs in scripts),
        "scripts": scripts,
    }


def demo_page(slug=None, code="en"):
    english = Page.objects.get(depth=2, locale__language_code="en")
    page = english if slug is None else english.get_descendants().get(slug=slug)
    return page.get_translation(Locale.objects.get(language_code=code))


@pytest.mark.parametrize("code", ["en", "es", "pt", "ht", "ar"])
@pytest.mark.parametrize("slug", [None, "topics", "reporting"])
def test_each_page_type_fits_in_one_round_trip(reader, slug, code):
    weight = page_weight(reader, demo_page(slug, code).url)
    assert weight["html"] + weight["css"] <= HTML_AND_CSS_BUDGET, weight


def test_longest_demo_topic_fits_too(reader):
    for page in Page.objects.live().filter(depth=4):
        weight = page_weight(reader, page.url)
        assert weight["html"] + weight["css"] <= HTML_AND_CSS_BUDGET, (page.url, weight)


def test_javascript_is_small_and_never_render_blocking(reader):
    weight = page_weight(reader, demo_page("reporting", "es").url)
    assert weight["js"] <= JS_BUDGET
    assert weight["scripts"], "the quick-exit enhancement is loaded"
    for _src, attrs in weight["scripts"]:
        assert "defer" in attrs or "async" in attrs


def count_queries(reader, url):
    """Queries of one view of `url` in the steady state: Wagtail's site root paths, which it
    keeps in the cache, are cached by a first view."""
    reader.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = reader.get(url)
    assert response.status_code == 200
    return len(queries)


# Exact query counts for a reader page view: site, locale, Wagtail's routing
# (the language root, then a lookup and a specific-page fetch per path
# segment), the view-restriction check, the language links (one query for all
# five languages), the reader settings, and the page's own list (a topic's
# sources). They depend on
# the page's depth only, never on its blocks, its siblings or the languages.
# A translated page costs one query more than an English one: Wagtail looks up
# the language's root page before routing.
HOME_QUERIES = 10
INDEX_QUERIES = 12  # one of them counts the topics, for "Page 1 of 40"
TOPIC_QUERIES = 13
ENGLISH_TOPIC_QUERIES = 12
# Blocks that show directory services cost a fixed number of queries each,
# whatever the number of services: contacts that point at services, 2 for all
# of them (the services, their phones); a "get help now" block, 5 (its
# services; their phones, hours, exceptions and places, which say whether hours
# mean something) and 1 more outside English (the services' words in the
# reader's language). The directory's address is kept, as the footer's link is.
# These are the counts when nothing of the page is kept (the first view after a
# publish); with its parts kept, see tests/cms/test_fragments.py.
SERVICE_CONTACTS = 2
GET_HELP_BLOCK = 5
GET_HELP_BLOCK_TRANSLATED = 6
# The demo home page has two "get help now" contacts linked to services; the
# demo reporting page has three and a "get help now" block.
DEMO_HOME_QUERIES = HOME_QUERIES + SERVICE_CONTACTS
DEMO_REPORTING_QUERIES = TOPIC_QUERIES + SERVICE_CONTACTS + GET_HELP_BLOCK_TRANSLATED
ENGLISH_DEMO_REPORTING_QUERIES = ENGLISH_TOPIC_QUERIES + SERVICE_CONTACTS + GET_HELP_BLOCK


def test_home_page_query_count(reader):
    assert count_queries(reader, "/es/") == DEMO_HOME_QUERIES


def test_topic_index_query_count(reader):
    assert count_queries(reader, demo_page("topics", "es").url) == INDEX_QUERIES


def test_topic_page_query_count(reader):
    assert count_queries(reader, demo_page("legal-work", "es").url) == TOPIC_QUERIES
    assert count_queries(reader, demo_page("reporting", "es").url) == DEMO_REPORTING_QUERIES


def test_topic_page_queries_do_not_grow_with_blocks(reader):
    small = TopicPageFactory(parent=english_index(), body=[question(1), contact(1)])
    large = TopicPageFactory(
        parent=english_index(),
        body=[question(n) for n in range(60)] + [contact(n) for n in range(40)],
    )
    assert count_queries(reader, small.url) == ENGLISH_TOPIC_QUERIES
    assert count_queries(reader, large.url) == ENGLISH_TOPIC_QUERIES


def test_index_queries_do_not_grow_with_pages(reader):
    index = english_index()
    before = count_queries(reader, index.url)
    for _ in range(30):
        TopicPageFactory(parent=index)
    assert count_queries(reader, index.url) == before == INDEX_QUERIES - 1


def test_queries_do_not_grow_with_languages(reader):
    # Reporting exists in all five languages, legal work in two: same cost.
    assert count_queries(reader, demo_page("reporting").url) == ENGLISH_DEMO_REPORTING_QUERIES
    assert count_queries(reader, demo_page("legal-work").url) == ENGLISH_TOPIC_QUERIES
    for code in ("es", "pt", "ht", "ar"):
        assert count_queries(reader, demo_page("reporting", code).url) == DEMO_REPORTING_QUERIES


def test_service_blocks_cost_the_same_for_one_service_or_many(reader):
    from services.models import Service

    index = english_index()
    many = list(Service.objects.sources().filter(live=True))
    callable_ = [s for s in many if s.phones.filter(kind__in=["voice", "hotline"]).exists()]
    few = callable_[:1]

    def body(services):
        contacts = [
            {
                "type": "contact",
                "value": {"kind": "call", "label": "x", "service": s.pk, "phone": ""},
            }
            for s in services
            if s in callable_
        ]
        items = [{"type": "item", "value": s.pk, "id": str(uuid.uuid4())} for s in services]
        chosen = {"type": "services", "value": {"services": items}}
        return [question(1), *contacts, chosen]

    small = TopicPageFactory(parent=index, body=body(few))
    large = TopicPageFactory(parent=index, body=body(many))
    expected = ENGLISH_TOPIC_QUERIES + SERVICE_CONTACTS + GET_HELP_BLOCK
    assert count_queries(reader, small.url) == count_queries(reader, large.url) == expected


def test_service_page_query_count_and_weight(reader):
    url = "/es/servicios/health-department-testing/"
    # The page's 10 (a page at depth 3, as the topic index without its list),
    # then the service; its phones, hours, exceptions, categories, languages,
    # locations and sources; its words in Spanish.
    assert count_queries(reader, url) == 19
    weight = page_weight(reader, url)
    assert weight["html"] + weight["css"] <= HTML_AND_CSS_BUDGET
