"""Reader-page template tags: language links, Babel dates, JSON-LD, safe link targets, numbers
kept left to right inside right-to-left text."""

import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.models import Page

from cms import languages
from cms.caching import kept_fragment
from cms.formatting import format_date_long, format_moment, format_number
from cms.freshness import is_outdated, synced_at
from cms.sanitize import safe_link

register = template.Library()

# Inside <script>, "<", ">" and "&" could close the element or start markup;
# escaped as \u003C and so on they stay inert JSON.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class LanguageLinks(list):
    """The language links, plus the source page when this translation is behind it."""

    outdated_source = None


@register.simple_tag(takes_context=True)
def language_links(context, page=None):
    """One entry per site language: this page's live translation, else that language's home.

    One query (none on pages without a Wagtail page), whatever the number of languages.
    A route under the page (a service under the directory) is kept when the
    page is translated: `route_suffix` in the context. A view that is the same in every
    language (search) sets `same_view_in_every_language`, and its links keep the query.
    """
    request = context.get("request")
    translations, outdated_source = {}, None
    if isinstance(page, Page) and page.id:
        suffix = context.get("route_suffix", "")
        translations, outdated_source = kept_fragment(
            request,
            "language-links",
            [page.pk, page.last_published_at, suffix],
            lambda: _translations(page, request, suffix),
        )
    current = translation.get_language()
    links = []
    for code, name in languages.names().items():
        if code in translations:
            url = translations[code]
        elif page is None and request is not None and context.get("same_view_in_every_language"):
            # The same question in another language (search keeps the reader's query).
            url = translate_url(request.get_full_path(), code)
        else:
            with translation.override(code):
                url = reverse("wagtail_serve", args=[""])  # that language's home page
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "dir": languages.direction(code),
                "current": code == current,
                "is_translation": code in translations,
            }
        )
    if outdated_source is not None:
        links = LanguageLinks(links)
        links.outdated_source = outdated_source
    return links


def _translations(page, request, suffix):
    """({language: URL of the page's live translation}, the source page's link and date when
    this language's translation is behind it, else None), in one query."""
    translations, rows = {}, {}
    for candidate in (
        Page.objects.live()
        .filter(translation_key=page.translation_key)
        .select_related("locale")
        .annotate(synced=synced_at())
        .only(
            "id",
            "url_path",
            "translation_key",
            "last_published_at",
            "has_unpublished_changes",
            "live",
            "locale__language_code",
        )
    ):
        code = candidate.locale.language_code
        rows[code] = candidate
        translations[code] = candidate.get_url(request) + suffix
    source, this = rows.get(languages.source()), rows.get(translation.get_language())
    if (
        source is not None
        and this is not None
        and this is not source
        and is_outdated(source.last_published_at, this.synced, this.last_published_at)
    ):
        return translations, {
            "url": translations[languages.source()],
            "updated": source.last_published_at,
            "code": languages.source(),
        }
    return translations, None


class KeepNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]
        return kept_fragment(
            context.get("request"), self.name, parts, lambda: self.nodelist.render(context)
        )


@register.tag
def keep(parser, token):
    """{% keep "name" page.pk page.last_published_at %}…{% endkeep %}: what is between kept
    (cms.caching.kept_fragment) per language, host and the values named, until a publish in
    the language. Name every value the part shows that another page could differ in."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% keep %} needs a name, then what it varies on")
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return KeepNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])


@register.filter
def babel_date(value, language_code=None):
    """A date written out in the reader's language ("26 de noviembre de 2026")."""
    if not value:
        return ""
    return format_date_long(value, language_code)


@register.filter
def babel_moment(value, language_code=None):
    """A moment written out in the reader's language ("7 de diciembre de 2026, 18:00")."""
    if not value:
        return ""
    return format_moment(value, language_code)


@register.filter
def babel_number(value, language_code=None):
    """A number in the reader's digits and grouping ("1,234", "1.234")."""
    if value is None or value == "":
        return ""
    return format_number(value, language_code)


@register.filter
def safe_href(value):
    """The link target if readers may safely follow it, else "" (the link goes nowhere)."""
    return safe_link(value)


@register.simple_tag
def jsonld(data):
    """Structured data as an inert <script type="application/ld+json"> element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    payload = payload.translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


# A phone number, a date or a code written as groups of digits joined by spaces, dots,
# hyphens or slashes, in or out of brackets: "(203) 854-3011", "1-888-373-7888", "2/12/2026".
# Inside right-to-left text the Unicode bidi algorithm lays such a run out group by group
# from the right ("3011-854 (203)"); isolated, it reads as written.
_NUMBER_RUN = re.compile(r"(?<![\w+])\+?\(?\d+\)?(?:[ .\-/]\(?\d+\)?)+(?![\w])")
_TAG = re.compile(r"(<[^>]*>)")


@register.filter(is_safe=True)
def isolated(html):
    """Rich text with every number run isolated left to right and kept on one line
    (`<span class="num" dir="ltr">`) on right-to-left pages; unchanged on left-to-right
    ones. Only text between tags is read, never an attribute."""
    html = "" if html is None else str(html)  # rich text (RichText) renders itself
    if not translation.get_language_bidi():
        return mark_safe(html)  # noqa: S308 (rich text, already safe)
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):  # the text between tags
        parts[index] = _NUMBER_RUN.sub(r'<span class="num" dir="ltr">\g<0></span>', parts[index])
    return mark_safe("".join(parts))  # noqa: S308 (only markup of our own added)
