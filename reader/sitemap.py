"""sitemap.xml: every live page and service page in every language, with hreflang alternates;
robots.txt, which points crawlers to it."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe
from wagtail.models import Page, Site

from cms import caching, languages
from services.models import Service
from services.pages import ServiceDirectoryPage


@require_safe
def sitemap(request):
    """List live public pages of this site, grouped by translation.

    The language roots come from Wagtail's cached site root paths, so this
    costs the page query and the view-restriction check.
    """
    site = Site.find_for_request(request)
    in_site = Q()
    if site is not None:
        for root in Site.get_site_root_paths():
            if root.site_id == site.id:
                in_site |= Q(url_path__startswith=root.root_path)
    pages = Page.objects.none()
    if in_site:
        pages = (
            Page.objects.live()
            .public()
            .filter(in_site)
            .select_related("locale")
            .only("id", "url_path", "translation_key", "last_published_at", "locale__language_code")
            .order_by("path")
        )
    by_key = defaultdict(list)
    entries = []
    directories = []
    directory_ids = set(ServiceDirectoryPage.objects.live().values_list("id", flat=True))
    for page in pages:
        path = page.get_url(request)
        if path is None:
            continue
        # The origin the reader used, like the hreflang links in each page's head.
        url = request.build_absolute_uri(path)
        entry = {"url": url, "code": page.locale.language_code, "lastmod": page.last_published_at}
        by_key[page.translation_key].append(entry)
        entries.append((page.translation_key, entry))
        if page.id in directory_ids:
            directories.append((url, page.locale.language_code))
    if directories:
        # Each service has a page under every language's directory.
        for service in Service.objects.listed().only(
            "slug", "translation_key", "last_published_at"
        ):
            for url, code in directories:
                entry = {
                    "url": f"{url}{service.slug}/",
                    "code": code,
                    "lastmod": service.last_published_at,
                }
                by_key[service.translation_key].append(entry)
                entries.append((service.translation_key, entry))
    urls = [dict(entry, alternates=by_key[key]) for key, entry in entries]
    return TemplateResponse(
        request, "reader/sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8"
    )


@require_safe
def robots(request):
    """robots.txt: where the sitemap is; search results (endless, thin pages made of other
    pages) and the staff admin are not for crawlers."""
    lines = ["User-agent: *", f"Disallow: {settings.WAYMARK_ADMIN_PATH}"]
    lines += [f"Disallow: /{code}/search/" for code in languages.codes()]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = caching.cache_control()
    return response
