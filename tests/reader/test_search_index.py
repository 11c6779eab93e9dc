"""The offline search index: saved with the essentials, whole text, folded as online search."""

import json

import pytest
from wagtail.models import Locale

from home.models import TopicIndexPage, TopicPage
from reader import search_index
from reader.search import page_text, words
from services.models import Service
from tests.home.factories import TopicPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

LANGUAGES = ["en", "es", "pt", "ht", "ar"]


def index(reader, url):
    response = reader.get(url)
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_essentials_index_covers_the_pages_saved_on_the_first_visit(reader):
    data = index(reader, "/es/search-index/essentials.json")
    assert data["language"] == "es" and data["essentials"] is True
    urls = {entry["url"] for entry in data["entries"]}
    essentials = TopicPage.objects.live().filter(locale__language_code="es", offline_essential=True)
    assert urls == {page.url for page in essentials}
    reporting = next(entry for entry in data["entries"] if entry["url"].endswith("/denunciar/"))
    assert "enfrente" in reporting["words"].split()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_full_index_keeps_every_page_and_service_whole_within_the_budget(reader, language):
    response = reader.get(f"/{language}/search-index.json")
    assert len(response.content) <= search_index.FULL_INDEX_BUDGET
    entries = json.loads(response.content)["entries"]
    pages = TopicPage.objects.live().filter(locale__language_code=language)
    urls = {entry["url"] for entry in entries}
    assert {page.url for page in pages} <= urls
    assert len(urls) == pages.count() + Service.objects.listed().count()


def test_a_word_at_the_end_of_a_long_page_is_found(reader):
    """Nothing is cut at 1,500 characters any more: the whole page's words are kept."""
    long_answer = "<p>" + " ".join(["Informação sobre proteção e saúde."] * 80) + " Cantinho.</p>"
    page = TopicPageFactory(
        parent=TopicIndexPage.objects.get(locale__language_code="pt"),
        locale=Locale.objects.get(language_code="pt"),
        title="Página longa",
        body=[{"type": "question", "value": {"question": "Onde?", "answer": long_answer}}],
    )
    assert len(page_text(page)) > 1500
    entries = index(reader, "/pt/search-index.json")["entries"]
    entry = next(entry for entry in entries if entry["url"] == page.url)
    assert "cantinho" in entry["words"].split()
    assert words("Página longa") == ["pagina", "longa"]
    assert {"pagina", "longa", "informacao", "protecao", "saude"} <= set(entry["words"].split())


def test_words_are_folded_as_online_search_folds_them(reader):
    entries = index(reader, "/pt/search-index.json")["entries"]
    text = " ".join(entry["words"] for entry in entries)
    assert {"denuncia", "trafico", "exploracao"} <= set(text.split())  # denúncia, tráfico...
    assert not any(char in text for char in "áãçéêíóõú")
    # Arabic: "the" written into the word is taken off, as online highlighting reads it.
    assert search_index.without_article("الشرطة") == "شرطة"
    assert search_index.folded_words("La Policía, la policia") == ["la", "policia"]


def test_an_index_over_its_budget_trims_every_entry_evenly():
    entries = [
        {"url": f"/es/{n}/", "title": "t", "words": [f"w{i}" for i in range(500)]}
        for n in range(10)
    ]
    trimmed = search_index.fit(entries, 8000)
    size = len(json.dumps({"entries": trimmed}, **search_index.JSON_OPTIONS).encode())
    assert size <= 8000
    assert len({len(entry["words"]) for entry in trimmed}) == 1  # evenly
    assert trimmed[0]["words"][:3] == ["w0", "w1", "w2"]  # first words kept
