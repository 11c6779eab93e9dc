"""Reader endpoints for the whole site, outside every language prefix: the sitemap, robots.txt
and the service worker (whose scope must be the site's root)."""

from django.urls import path

from .offline import service_worker
from .sitemap import robots, sitemap

urlpatterns = [
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots, name="robots"),
    path("sw.js", service_worker, name="service_worker"),
]
