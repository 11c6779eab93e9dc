"""At a state's scale: long topic lists are paginated and no page's query count grows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.content import LANGUAGES, generated_count, grow_to
from home.models import TOPICS_PER_PAGE, TopicPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def queries(reader, url):
    reader.get(url)  # warm: site root paths and the like are cached after the first request
    with CaptureQueriesContext(connection) as captured:
        response = reader.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_generated_pages_are_live_translated_and_searchable(reader):
    grow_to(25, log=lambda _line: None)
    assert generated_count() == 25
    spanish = TopicPage.objects.get(locale__language_code="es", slug__startswith="bench-1-")
    assert reader.get(spanish.url).status_code == 200
    translations = TopicPage.objects.filter(translation_key=spanish.translation_key)
    assert sorted(page.locale.language_code for page in translations) == sorted(LANGUAGES)
    html = reader.get("/es/search/", {"q": spanish.title.split(" (")[0]}).content.decode()
    assert spanish.url in html


def test_a_long_topic_list_comes_in_pages_of_fifty(reader):
    grow_to(5 * 120, log=lambda _line: None)  # 120 more topics in each language
    total = TopicPage.objects.live().filter(locale__language_code="es").count()
    first = reader.get("/es/temas/").content.decode()
    listing = re.search(r'<ul class="topic-list">.*?</ul>', first, re.S).group(0)
    assert listing.count("<li>") == TOPICS_PER_PAGE
    assert 'rel="next" href="?page=2"' in first
    pages = -(-total // TOPICS_PER_PAGE)
    last = reader.get("/es/temas/", {"page": pages}).content.decode()
    listing = re.search(r'<ul class="topic-list">.*?</ul>', last, re.S).group(0)
    assert listing.count("<li>") == total - (pages - 1) * TOPICS_PER_PAGE
    assert 'rel="prev"' in last and 'rel="next"' not in last
    for bad in (pages + 1, "dos", 0):
        assert reader.get("/es/temas/", {"page": bad}).status_code == 404


def test_no_reader_page_costs_more_queries_as_content_grows(reader):
    urls = ["/es/", "/es/temas/", "/es/servicios/", "/es/search/?q=denunciar"]
    grow_to(5, log=lambda _line: None)
    topic = TopicPage.objects.get(locale__language_code="es", slug__startswith="bench-1-").url
    small = {url: queries(reader, url) for url in [*urls, topic]}
    grow_to(5 * 200, log=lambda _line: None)
    large = {url: queries(reader, url) for url in [*urls, topic]}
    assert large == small
