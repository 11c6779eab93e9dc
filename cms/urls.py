"""URL map, the composition root: staff admin and site-wide files outside, reader pages inside
a language prefix.

Each app's URLs are included by dotted name, as Django's `include` takes them, so the
foundation names the apps above it without importing them (docs/architecture.md).
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.health import healthz

urlpatterns = [
    path(settings.WAYMARK_ADMIN_PATH.lstrip("/"), include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", healthz, name="healthz"),
    # The content API (Wagtail's, read-only) and the HSDS directory API, for other front ends.
    path("api/", include("api.urls")),
    # /sitemap.xml and /sw.js: one for the whole site, outside every language.
    path("", include("reader.site_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    # Search, offline reading, manifests and the feedback form of each language.
    path("", include("reader.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

# A reader's error page in their language; a lost database is a 503 with Retry-After.
handler500 = "cms.errors.server_error"
