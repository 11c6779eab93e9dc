"""URL map: staff admin and site-wide files outside, reader pages inside a language prefix."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.feedback import submit_feedback
from cms.health import healthz
from cms.offline import offline_manifest, offline_page, service_worker, web_manifest
from cms.search import search, search_index
from cms.sitemap import sitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("sw.js", service_worker, name="service_worker"),
    path("healthz", healthz, name="healthz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("feedback/", submit_feedback, name="feedback"),
    path("offline/", offline_page, name="offline_page"),
    path("search/", search, name="search"),
    path("search-index.json", search_index, name="search_index"),
    path("offline.json", offline_manifest, name="offline_manifest"),
    path("manifest.webmanifest", web_manifest, name="web_manifest"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
