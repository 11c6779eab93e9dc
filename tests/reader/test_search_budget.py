"""Search's budgets: the offline index and the results cost the same queries however many pages,
blocks and hits there are, and the index reads the text readers see from the stored blocks."""

import json
from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from bench.content import grow_to
from home.models import TopicIndexPage
from services.models import Service
from tests.home.factories import TopicPageFactory, contact, question

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

INDEXES = ["/es/search-index.json", "/es/search-index/essentials.json"]


@contextmanager
def cache_reads():
    """The reads from the cache while inside: each one a round trip to Redis in production."""
    cache, reads = caches["default"], []

    def counted(name):
        original = getattr(cache, name)

        def read(*args, **kwargs):
            reads.append(name)
            return original(*args, **kwargs)

        return read

    names = ("get", "get_many", "has_key")
    for name in names:
        setattr(cache, name, counted(name))
    try:
        yield reads
    finally:
        for name in names:
            delattr(cache, name)


def queries(reader, url, params=None):
    """(database queries, cache reads) of a request, and its response."""
    reader.get(url, params)  # warm: site root paths and the like are cached after the first
    with CaptureQueriesContext(connection) as captured, cache_reads() as reads:
        response = reader.get(url, params)
    assert response.status_code == 200, url
    return (len(captured), len(reads)), response


def get_help(heading, services):
    """A "get help now" block's raw data: a category and services chosen one by one."""
    return {
        "type": "services",
        "value": {"heading": heading, "category": "reporting", "services": services},
    }


def spanish_page(body, **kwargs):
    return TopicPageFactory(
        parent=TopicIndexPage.objects.get(locale__language_code="es"),
        locale=Locale.objects.get(language_code="es"),
        body=body,
        **kwargs,
    )


def test_the_index_costs_the_same_queries_for_few_pages_and_blocks_and_for_many(reader):
    grow_to(5, log=lambda _line: None)
    small = {url: queries(reader, url)[0] for url in INDEXES}
    grow_to(5 * 60, log=lambda _line: None)  # 60 topics in each language, demo bodies
    services = list(Service.objects.listed().values_list("pk", flat=True)[:4])
    assert services
    for n in range(15):
        body = [get_help(f"Ayuda {n}.{block}", services) for block in range(8)]
        with_service = {**contact(n), "value": {**contact(n)["value"], "service": services[0]}}
        spanish_page([*body, with_service, question(n)], offline_essential=n % 2 == 0)
    large = {url: queries(reader, url)[0] for url in INDEXES}
    assert large == small


def test_search_results_cost_the_same_queries_for_one_hit_and_for_many(reader):
    services = list(Service.objects.listed().values_list("pk", flat=True)[:3])

    def hit(n):
        return spanish_page(
            [get_help("Ayuda", services), question(n)],
            title=f"Zanahorias azules {n}",
            summary="Una página sobre zanahorias azules.",
        )

    pages = [hit(0)]
    one, response = queries(reader, "/es/search/", {"q": "zanahorias"})
    assert response.content.decode().count(pages[0].url) == 1
    pages += [hit(n) for n in range(1, 20)]
    many, response = queries(reader, "/es/search/", {"q": "zanahorias"})
    html = response.content.decode()
    assert all(page.url in html for page in pages)
    assert many == one


def test_the_index_holds_the_words_readers_read_and_nothing_of_the_markup(reader):
    services = list(Service.objects.listed().values_list("pk", flat=True)[:2])
    page = spanish_page(
        [
            {
                "type": "question",
                "value": {
                    "question": "¿Dónde preguntamos?",
                    "answer": (
                        '<p>Respuesta <b>negrita</b> con <a linktype="page" id="3">enlace</a>'
                        ' &amp; <a href="https://example.org/x">afuera</a>.</p>'
                    ),
                },
            },
            {
                "type": "callout",
                "value": {"kind": "warning", "title": "Cuidado", "text": "<p>Calma total.</p>"},
            },
            {"type": "text", "value": "<ul><li>Listado</li><li>Suelto</li></ul>"},
            get_help("Socorro inmediato", services),
        ],
        title="Página de palabras",
        summary="Resumen de la página.",
        offline_essential=True,
    )
    for url in INDEXES:
        entries = json.loads(reader.get(url).content)["entries"]
        entry = next(entry for entry in entries if entry["url"] == page.url)
        found = entry["words"].split()
        assert {"preguntamos", "respuesta", "negrita", "enlace", "afuera"} <= set(found)
        assert {"cuidado", "calma", "listado", "suelto", "socorro", "inmediato"} <= set(found)
        markup = {"p", "b", "a", "li", "ul", "href", "linktype", "id", "amp", "https", "example"}
        assert not markup & set(found), markup & set(found)
        assert not any(char in entry["words"] for char in "<>&\"'")
