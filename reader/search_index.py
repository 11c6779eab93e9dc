"""The offline search index: what search looks through on a phone with no connection.

Two per language. `/<lang>/search-index/essentials.json` covers the pages saved on the
first visit and is saved with them, so offline search works from the first visit on;
`/<lang>/search-index.json` covers every page and service of the language and is saved by
"Save this language". Each entry keeps the *whole* text, as the words online search
compares (`reader.search.words`: lower case, accents folded), each word once, Arabic
articles taken off; the phone folds the query the same way. The full index stays within
`FULL_INDEX_BUDGET` bytes: should a language outgrow it, each entry keeps its first words
evenly until it fits (a test holds the demo well inside it).
"""

import json

from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from cms.versions import short_hash
from home.models import TopicPage, plain_text
from services.models import Service
from services.pages import directory_url

from .search import without_article, words

FULL_INDEX_BUDGET = 250_000  # bytes of JSON, per language, before compression
JSON_OPTIONS = {"ensure_ascii": False, "separators": (",", ":")}


def folded_words(*texts):
    """Every word of the texts once, in order of first use, folded as online search folds."""
    seen = {}
    for text in texts:
        for word in words(text or ""):
            seen.setdefault(without_article(word), None)
    return list(seen)


def page_words(page):
    """A topic page's words as its search index holds them: title, summary, every block."""
    body = [str(part) for part in page.body.stream_block.get_searchable_content(page.body)]
    return folded_words(page.title, page.summary, *(plain_text(part) for part in body))


def service_entries(code):
    """Each listed service, in the language's words where translated, else the source's."""
    base = directory_url(code)
    if not base:
        return []
    translated = {
        row.translation_key: row
        for row in Service.objects.filter(locale__language_code=code, live=True).select_related(
            "organization"
        )
    }
    entries = []
    for source in Service.objects.listed().select_related("organization").order_by("slug"):
        service = translated.get(source.translation_key, source)
        organization = service.organization.name if service.organization else ""
        entries.append(
            {
                "url": f"{base}{source.slug}/",
                "title": service.name,
                "words": folded_words(
                    service.name,
                    service.description,
                    service.eligibility_description,
                    organization,
                ),
            }
        )
    return entries


def fit(entries, budget):
    """Entries whose JSON is at most `budget` bytes: trim every entry's words evenly."""

    def size(items):
        return len(json.dumps({"entries": items}, **JSON_OPTIONS).encode())

    keep = max((len(entry["words"]) for entry in entries), default=0)
    trimmed = entries
    while keep and size(trimmed) > budget:
        keep = int(keep * 0.9)
        trimmed = [{**entry, "words": entry["words"][:keep]} for entry in entries]
    return trimmed


def index_entries(code, essentials_only=False):
    """[{url, title, words}] for a language: its topic pages, then (full index) its services."""
    pages = TopicPage.objects.live().public().filter(locale__language_code=code)
    if essentials_only:
        pages = pages.filter(offline_essential=True)
    entries = [
        {"url": page.url, "title": page.title, "words": page_words(page)}
        for page in pages.order_by("path")
    ]
    if not essentials_only:
        entries += service_entries(code)
    return fit(entries, FULL_INDEX_BUDGET)


def encoded(entries):
    """An entry's words travel as one space-separated string: smaller than a JSON list."""
    return [{**entry, "words": " ".join(entry["words"])} for entry in entries]


def index_response(code, essentials_only):
    entries = encoded(index_entries(code, essentials_only))
    return JsonResponse(
        {"language": code, "essentials": essentials_only, "entries": entries},
        json_dumps_params=JSON_OPTIONS,
    )


def index_version(versions):
    """An index changes whenever a page or service it covers does."""
    return short_hash("search-index", json.dumps(versions))


@require_safe
def search_index(request):
    """Every page and service of the language: what "Save this language" saves."""
    return index_response(translation.get_language(), essentials_only=False)


@require_safe
def essentials_index(request):
    """The pages saved on the first visit: saved with them."""
    return index_response(translation.get_language(), essentials_only=True)
