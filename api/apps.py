"""App config for the APIs that apps, partner sites and directories read: it records what
Wagtail's publish dates cannot show (unpublished, deleted, moved, made private) and tells the
page cache to purge the API's URLs with the reader pages."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The content API (Wagtail's v2 API, read-only) and the HSDS 3.0 directory API."""

    name = "api"
    verbose_name = "Waymark APIs"
    default_auto_field = "django.db.models.BigAutoField"
    clean_saved_text = False  # it stores identifiers and times, never text staff type

    def ready(self):
        from cms import caching, middleware

        from . import changes

        changes.connect_signals()
        middleware.register_unprefixed("/api/")
        # Varnish drops everything under a purged path that ends in "/".
        caching.register_purge_paths(lambda codes: ["/api/"])
