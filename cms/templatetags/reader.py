"""Reader-page template tags: language links, Babel dates, JSON-LD."""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from cms.formatting import format_date_long

register = template.Library()

# Inside <script>, "<", ">" and "&" could close the element or start markup;
# escaped as \u003C and so on they stay inert JSON.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def language_links(context, page=None):
    """One entry per site language: this page's live translation, else that language's home.

    Costs one query whatever the number of languages.
    """
    request = context.get("request")
    if not isinstance(page, Page):
        page = None  # 404 and other pages without a Wagtail page
    current = translation.get_language()
    site = Site.find_for_request(request) if request else None
    wanted = Q()
    if page is not None and page.id:
        wanted |= Q(translation_key=page.translation_key)
    if site is not None:
        wanted |= Q(
            translation_key__in=Page.objects.filter(pk=site.root_page_id).values("translation_key")
        )
    found = {}
    if wanted:
        pages = (
            Page.objects.live()
            .filter(wanted)
            .select_related("locale")
            .only("id", "url_path", "translation_key", "locale__language_code")
        )
        for candidate in pages:
            code = candidate.locale.language_code
            is_same_page = page is not None and candidate.translation_key == page.translation_key
            if is_same_page or code not in found:
                found[code] = (candidate, is_same_page)
    links = []
    for code, name in settings.LANGUAGES:
        target, is_translation = found.get(code, (None, False))
        url = target.get_url(request) if target is not None else f"/{code}/"
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "dir": "rtl" if translation.get_language_info(code)["bidi"] else "ltr",
                "current": code == current,
                "is_translation": is_translation,
            }
        )
    return links


@register.filter
def babel_date(value, language_code=None):
    """A date written out in the reader's language ("26 de noviembre de 2026")."""
    if not value:
        return ""
    return format_date_long(value, language_code)


@register.simple_tag
def jsonld(data):
    """Structured data as an inert <script type="application/ld+json"> element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    payload = payload.translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308
