"""App config for the project package: Babel supplements and cache invalidation at start-up."""

from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Registers Waymark's shared models, template tags and commands."""

    name = "cms"
    verbose_name = "Waymark"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.caching import connect_signals
        from cms.formatting import supplement_babel_locales

        supplement_babel_locales()
        connect_signals()
