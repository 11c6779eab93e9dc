"""The offline search index: what search looks through on a phone with no connection.

Two per language. `/<lang>/search-index/essentials.json` covers the pages saved on the
first visit and is saved with them, so offline search works from the first visit on;
`/<lang>/search-index.json` covers every page and service of the language and is saved by
"Save this language". Each entry keeps the *whole* text, as the words online search
compares (`reader.search.words`: lower case, accents folded), each word once, Arabic
articles taken off; the phone folds the query the same way. The full index stays within
`FULL_INDEX_BUDGET` bytes: should a language outgrow it, each entry keeps its first words
evenly until it fits (a test holds the demo well inside it).

The words are read from each page's stored blocks (`stored_text`), never rendered: one query
for the pages, whatever their number and blocks (tests/reader/test_search_budget.py).
"""

import json
from itertools import accumulate
from json.encoder import encode_basestring

from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.http import require_safe
from wagtail import blocks

from cms.caching import kept_many
from cms.versions import short_hash
from home.models import TopicPage, plain_text
from services.models import Service
from services.pages import directory_url

from .search import without_article, words

FULL_INDEX_BUDGET = 250_000  # bytes of JSON, per language, before compression
JSON_OPTIONS = {"ensure_ascii": False, "separators": (",", ":")}


def folded_words(*texts):
    """Every word of the texts once, in order of first use, folded as online search folds."""
    seen, met = {}, set()
    for text in texts:
        for word in words(text or ""):
            if word not in met:  # a word met before has its article taken off already
                met.add(word)
                seen.setdefault(without_article(word), None)
    return list(seen)


def stored_text(block, raw):
    """The texts `block.get_searchable_content` gives for a value, read from the value as
    stored (a StreamField's `raw_data`) without building it: nothing is rendered and nothing
    queried, whatever the blocks. A chooser (a chosen service) gives no text, as in Wagtail."""
    if isinstance(block, blocks.ChooserBlock) or not getattr(block, "search_index", True):
        return []
    if isinstance(block, blocks.StreamBlock):
        return [
            text
            for child in raw or []
            if child.get("type") in block.child_blocks
            for text in stored_text(block.child_blocks[child["type"]], child.get("value"))
        ]
    if isinstance(block, blocks.StructBlock):
        raw = raw if isinstance(raw, dict) else {}
        return [
            text
            for name, child in block.child_blocks.items()
            for text in (
                stored_text(child, raw[name])
                if name in raw
                else child.get_searchable_content(child.get_default())
            )
        ]
    if isinstance(block, blocks.ListBlock):
        return [
            text
            for item in raw or []
            for text in stored_text(
                block.child_block,
                item["value"] if block._item_is_in_block_format(item) else item,
            )
        ]
    # A leaf (text, rich text, a choice): its value is built from the stored one alone.
    return block.get_searchable_content(block.to_python(raw))


def page_words(page):
    """A topic page's words as its search index holds them: title, summary, every block."""
    body = stored_text(page.body.stream_block, page.body.raw_data)
    return folded_words(page.title, page.summary, *(plain_text(str(part)) for part in body))


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


def json_size(value):
    return len(json.dumps(value, **JSON_OPTIONS).encode())


def fit(entries, budget):
    """Entries whose JSON is at most `budget` bytes: trim every entry's words evenly.

    The size of each candidate is added up from each entry's and each word's own size
    (`{"entries":[` entry `,` entry ... `]}`, an entry's words `[` word `,` word ... `]`),
    not by encoding the whole index again for every try."""
    bare = [json_size({**entry, "words": []}) for entry in entries]  # with its "[]"
    # sums[i][k]: the bytes of entry i's first k words, each quoted and followed by a comma.
    sums = [
        [0, *accumulate(len(encode_basestring(word).encode()) + 1 for word in entry["words"])]
        for entry in entries
    ]

    def size(keep):
        kept = sum(max(each[min(keep, len(each) - 1)] - 1, 0) for each in sums)
        return json_size({"entries": []}) + sum(bare) + max(len(entries) - 1, 0) + kept

    longest = keep = max((len(entry["words"]) for entry in entries), default=0)
    while keep and size(keep) > budget:
        keep = int(keep * 0.9)
    if keep == longest:
        return entries
    return [{**entry, "words": entry["words"][:keep]} for entry in entries]


def index_entries(code, essentials_only=False, request=None):
    """[{url, title, words}] for a language: its topic pages, then (full index) its services.

    The request, when given, keeps the sites' root paths for every page's URL (else each
    `page.url` asks the cache for them again)."""
    # What `url` and the words' versions need: one query for any number of pages. A page's
    # words change only with the page, so they are kept per version across publishes of
    # other pages, and only the pages not kept yet are read whole (one more query).
    pages = (
        TopicPage.objects.live()
        .public()
        .filter(locale__language_code=code)
        .only("title", "url_path", "path", "last_published_at", "live_revision_id")
    )
    if essentials_only:
        pages = pages.filter(offline_essential=True)
    pages = list(pages.order_by("path"))

    def prepare(indices):
        full = TopicPage.objects.only("title", "summary", "body").in_bulk(
            [pages[index].pk for index in indices]
        )
        return lambda index: page_words(full[pages[index].pk])

    versions = [(page.pk, page.last_published_at, page.live_revision_id) for page in pages]
    words = kept_many(request, "index-words", versions, prepare, own_content_only=True)
    entries = [
        {"url": page.get_url(request), "title": page.title, "words": their_words}
        for page, their_words in zip(pages, words, strict=True)
    ]
    if not essentials_only:
        entries += service_entries(code)
    return fit(entries, FULL_INDEX_BUDGET)


def encoded(entries):
    """An entry's words travel as one space-separated string: smaller than a JSON list."""
    return [{**entry, "words": " ".join(entry["words"])} for entry in entries]


def index_response(request, essentials_only):
    code = translation.get_language()
    entries = encoded(index_entries(code, essentials_only, request))
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
    return index_response(request, essentials_only=False)


@require_safe
def essentials_index(request):
    """The pages saved on the first visit: saved with them."""
    return index_response(request, essentials_only=True)
