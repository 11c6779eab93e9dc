"""App config for the reader endpoints that span pages and services: search, the sitemap,
offline reading and the feedback form. It has no models of its own."""

from django.apps import AppConfig


class ReaderConfig(AppConfig):
    """Search, sitemap, the service worker and manifests, the feedback form."""

    name = "reader"
    verbose_name = "Waymark reader site"
