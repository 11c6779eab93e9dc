"""Search in the reader's language, with clear answers for empty or absurd queries."""

import re

import pytest
from django.db import connection

from cms.search_backend import search_config
from reader.search import highlight, page_text
from tests.home.factories import TopicPageFactory, english_site

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_search_finds_pages_and_services_in_the_readers_language_only(reader):
    html = reader.get("/en/search/", {"q": "report"}).content.decode()
    results = html.split('class="topic-list search-results"')[1].split("</ul>")[0]
    assert "/en/topics/reporting/" in results
    assert "/es/" not in results
    spanish = reader.get("/es/search/", {"q": "ITS"}).content.decode()
    assert "/es/servicios/health-department-testing/" in spanish
    assert "/en/" not in spanish.split('class="topic-list search-results"')[1].split("</ul>")[0]


def test_results_show_the_matched_words(reader):
    html = reader.get("/en/search/", {"q": "hotline"}).content.decode()
    assert "<mark>" in html


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("", 200, "Type a word to search for."),
        ("x" * 101, 400, "at most 100 characters"),
        ("help\x00me", 400, "cannot be searched"),
        ("?!…", 400, "Type a word to search for."),
    ],
)
def test_empty_or_absurd_queries_get_a_clear_answer(reader, query, status, message):
    response = reader.get("/en/search/", {"q": query})
    assert response.status_code == status
    assert message in response.content.decode()


def test_queries_are_escaped(reader):
    html = reader.get("/en/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_every_page_has_a_search_box(reader):
    html = reader.get("/es/temas/").content.decode()
    assert 'role="search"' in html and 'type="search" name="q"' in html
    assert 'action="/es/search/"' in html


# A word as readers may type it, and the page written with another form of it.
WORD_FORMS = [
    ("en", "reports", "/en/topics/reporting/"),
    ("es", "denuncié", "/es/temas/denunciar/"),
    ("pt", "denunciei", "/pt/temas/denunciar/"),
    ("ar", "إبلاغ", "/ar/topics/reporting/"),
]


def result_links(html):
    results = html.split('class="topic-list search-results"')
    return re.findall(r'href="([^"]+)"', results[1].split("</ul>")[0]) if len(results) > 1 else []


@pytest.mark.parametrize(("language", "query", "page"), WORD_FORMS)
def test_postgresql_search_understands_other_forms_of_a_word(reader, language, query, page):
    """PostgreSQL stems each language its own way; SQLite's index matches whole words only."""
    html = reader.get(f"/{language}/search/", {"q": query}).content.decode()
    if connection.vendor == "postgresql":
        assert page in result_links(html)
        assert "<mark>" in html  # the other form is highlighted too
    else:
        assert page not in result_links(html)


def test_haitian_creole_search_matches_whole_words_without_english_stop_words(reader):
    """No stemmer for Haitian Creole: exact words, and short words are not dropped as English."""
    assert "/ht/sije/rapote/" in result_links(
        reader.get("/ht/search/", {"q": "rapòte"}).content.decode()
    )
    assert result_links(reader.get("/ht/search/", {"q": "a"}).content.decode())


def test_each_language_has_its_text_search_configuration():
    assert [search_config(code) for code in ("en", "es", "pt", "ht", "ar")] == [
        "english",
        "spanish",
        "portuguese",
        "simple",
        "arabic",
    ]


def test_snippets_are_cut_between_words(reader):
    text = " ".join(f"word{n}" for n in range(60)) + " attention medicine " + "tail " * 80
    excerpt = highlight(text, "medicine")
    inner = (
        excerpt.removeprefix("… ").removesuffix(" …").replace("<mark>", "").replace("</mark>", "")
    )
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    assert "<mark>medicine</mark>" in excerpt
    assert set(inner.split()) <= set(text.split())  # no word cut in two at either end


def test_snippets_hold_only_the_words_readers_see(reader):
    page = TopicPageFactory(
        parent=english_site(),
        body=[
            {
                "type": "callout",
                "value": {"kind": "warning", "title": "Careful", "text": "<p>Stay calm.</p>"},
            },
        ],
    )
    assert page_text(page).split() == [*page.summary.split(), "Careful", "Stay", "calm."]


def test_arabic_query_words_with_the_article_are_highlighted(reader):
    assert "<mark>شرطة</mark>" in highlight("إدارة شرطة نوروك", "الشرطة")
    assert "<mark>الشرطة</mark>" in highlight("اتصل بالشرطة أو الشرطة", "شرطة")


def test_the_language_links_on_search_keep_the_query(reader):
    html = reader.get("/es/search/", {"q": "ayuda"}).content.decode()
    switcher = html.split('class="language-switcher"')[1].split("</nav>")[0]
    assert re.findall(r'href="([^"]+)" hreflang="(\w+)"', switcher) == [
        (f"/{code}/search/?q=ayuda", code) for code in ("en", "es", "pt", "ht", "ar")
    ]
