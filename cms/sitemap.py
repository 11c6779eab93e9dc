"""sitemap.xml: every live page in every language, each with its hreflang alternates."""

from collections import defaultdict

from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe
from wagtail.models import Page, Site


@require_safe
def sitemap(request):
    """List live public pages of this site, grouped by translation, in two queries."""
    site = Site.find_for_request(request)
    if site is None:
        pages = Page.objects.none()
    else:
        roots = Page.objects.filter(
            translation_key__in=Page.objects.filter(pk=site.root_page_id).values("translation_key"),
            depth=site.root_page.depth,
        )
        pages = Page.objects.none()
        for root in roots:
            pages |= Page.objects.descendant_of(root, inclusive=True)
        pages = (
            pages.live()
            .public()
            .select_related("locale")
            .only("id", "url_path", "translation_key", "last_published_at", "locale__language_code")
            .order_by("path")
        )
    by_key = defaultdict(list)
    entries = []
    for page in pages:
        path = page.get_url(request)
        if path is None:
            continue
        # The origin the reader used, like the hreflang links in each page's head.
        url = request.build_absolute_uri(path)
        entry = {"url": url, "code": page.locale.language_code, "lastmod": page.last_published_at}
        by_key[page.translation_key].append(entry)
        entries.append((page.translation_key, entry))
    urls = [dict(entry, alternates=by_key[key]) for key, entry in entries]
    return TemplateResponse(
        request, "sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8"
    )
