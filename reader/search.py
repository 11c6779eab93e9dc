"""Search in the reader's language: topic pages and services, online on the server, offline
over the saved pages with a compact per-language index (`/<lang>/search-index.json`).
"""

import functools
import re
import sys
import unicodedata

from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Locale

from cms.caching import kept_for_language, kept_many
from cms.privacy import is_private, restricted_paths
from cms.search_backend import backend_for
from home.models import TopicPage, plain_text
from services.models import Service
from services.pages import directory_link

MAX_QUERY = 100
MAX_RESULTS = 30
WORD = re.compile(r"\w+", re.UNICODE)


@functools.cache
def combining_marks():
    """For `str.translate`: every combining mark (an accent, once decomposed) to nothing.
    Some 900 characters, found once per process (about 0.2 s): `translate` then drops them
    at C speed, where a test of each character in Python was most of the index's time."""
    return {code: None for code in range(sys.maxunicode + 1) if unicodedata.combining(chr(code))}


def words(text):
    """Lower-case words without accents, as both searches compare them."""
    folded = unicodedata.normalize("NFKD", text.casefold()).translate(combining_marks())
    return WORD.findall(folded)


def problem_with(query):
    """A clear reason a query cannot be searched, or None."""
    if not query:
        return _("Type a word to search for.")
    if len(query) > MAX_QUERY:
        return _("Please search for at most %(count)d characters.") % {"count": MAX_QUERY}
    if any(unicodedata.category(char) == "Cc" for char in query):
        return _("The search contains characters that cannot be searched.")
    if not words(query):
        return _("Type a word to search for.")
    return None


# Arabic writes "the", "and the", "with the" and "for the" as part of the word.
ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
ARTICLE_LETTERS = frozenset(article[0] for article in ARABIC_ARTICLES)


def without_article(word):
    """The word without an Arabic article ("الشرطة" → "شرطة"), both in the text and in the
    query, so either form finds and highlights the other."""
    if word[:1] not in ARTICLE_LETTERS:
        return word
    for article in ARABIC_ARTICLES:
        if word.startswith(article) and len(word) > len(article) + 2:
            return word[len(article) :]
    return word


def matches(word, terms):
    """Whether a text word is one of the query's words (`terms`, folded by `query_terms`)
    or, when the query's word is long enough to have a stem, another form of it
    ("denunciar" for "denuncié")."""
    word = without_article(word)
    return any(
        word == term or (len(term) >= 5 and word.startswith(term[: max(4, len(term) - 3)]))
        for term in terms
    )


def query_terms(query):
    return {without_article(word) for word in words(query) if len(word) > 1}


CONTEXT = 60  # characters of text shown before the first matched word, about


def highlight(text, query, length=220):
    """An excerpt around the first matched word, cut between words, matched words in
    <mark>, everything escaped."""
    terms = query_terms(query)
    seen = {}  # a page says "de" and "la" hundreds of times: each word is folded once

    def matched(token):
        word = token.group()
        if word not in seen:
            folded = words(word)
            seen[word] = bool(folded) and matches(folded[0], terms)
        return seen[word]

    first = next((token for token in re.finditer(r"\w+", text) if matched(token)), None)
    start = 0
    if first and first.start() > CONTEXT:
        # From the first word that begins within CONTEXT characters before the match.
        space = text.find(" ", first.start() - CONTEXT, first.start())
        start = space + 1 if space != -1 else first.start()
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    excerpt = text[start:end].strip()
    out, last = [], 0
    for token in re.finditer(r"\w+", excerpt):
        if matched(token):
            out.append(escape(excerpt[last : token.start()]))
            out.append(f"<mark>{escape(token.group())}</mark>")
            last = token.end()
    out.append(escape(excerpt[last:]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 (every part escaped)


def page_text(page):
    """A topic page's words as plain text, from its stored blocks (no rendering)."""
    parts = [page.summary]

    def add(value):
        if isinstance(value, str) and value:
            parts.append(plain_text(value) if "<" in value else value)

    for block in page.body.raw_data:
        value = block.get("value")
        if block.get("type") == "text":
            add(value)
        elif block.get("type") in TEXT_FIELDS and isinstance(value, dict):
            # Only the words readers see: a callout's kind ("warning") is not text.
            for name in TEXT_FIELDS[block["type"]]:
                add(value.get(name))
    return " ".join(" ".join(part.split()) for part in parts if part)


def hit_texts(request, pages):
    """(URL, plain text) of each page found, kept per page version and language until a
    publish in the language (cms.caching.kept_many); the others' bodies in one query."""

    def prepare(indices):
        wanted = [pages[index].pk for index in indices]
        full = TopicPage.objects.only("url_path", "path", "summary", "body").in_bulk(wanted)
        # get_url(request): the sites' root paths kept on the request, not asked for per hit.
        return lambda index: (
            full[pages[index].pk].get_url(request),
            page_text(full[pages[index].pk]),
        )

    return kept_many(
        request, "search-hit", [(page.pk, page.last_published_at) for page in pages], prepare
    )


# The fields of each block that hold words readers read (home.blocks).
TEXT_FIELDS = {"question": ("question", "answer"), "callout": ("title", "text")}


@require_safe
def search(request):
    """/<lang>/search/?q=: results in the reader's language, or a clear word on the query."""
    query = request.GET.get("q", "").strip()
    context = {"page": None, "query": query, "results": [], "same_view_in_every_language": True}
    problem = problem_with(query)
    if problem:
        context["problem"] = problem
        status = 200 if not query else 400
        return TemplateResponse(request, "reader/search.html", context, status=status)
    code = translation.get_language()
    # The search backend filters on the locale's id: kept, not asked for at each search.
    locale_id = kept_for_language(
        "locale-id", request, lambda _code: Locale.objects.get(language_code=code).pk
    )
    backend = backend_for(code)
    # The backend gets the words alone (accents kept for stemming): a stray quote or bracket
    # is search syntax to SQLite's full-text index, and would fail the whole search.
    terms = " ".join(WORD.findall(query))
    # The hits' rows without their bodies: each hit's address and words are kept between
    # searches (hit_texts), and read from the bodies only for the hits not kept yet.
    found = (
        TopicPage.objects.live()
        .filter(locale_id=locale_id)
        .only("title", "path", "last_published_at")
    )
    pages = list(backend.search(terms, found, operator="and")[:MAX_RESULTS])
    # A page under a view restriction is found by nobody here. The search backend cannot
    # filter on it, so the hits are checked against the restricted pages' paths, kept until
    # a restriction changes (which moves the generations of the languages it touches).
    private = kept_for_language("restricted-paths", request, lambda _code: restricted_paths())
    pages = [page for page in pages if not is_private(page, private)]
    results = [
        {"title": page.title, "url": url, "excerpt": highlight(text, query)}
        for page, (url, text) in zip(pages, hit_texts(request, pages), strict=True)
    ]
    base = directory_link(request).get("url")  # kept, as the footer's link
    if base:
        services = backend.search(
            terms, Service.objects.filter(locale_id=locale_id, live=True), operator="and"
        )
        results += [
            {
                "title": service.name,
                "url": f"{base}{service.slug}/",
                "excerpt": highlight(
                    " ".join([service.name, service.description, service.eligibility_description]),
                    query,
                ),
            }
            for service in services[:MAX_RESULTS]
        ]
    context["results"] = results
    return TemplateResponse(request, "reader/search.html", context)
