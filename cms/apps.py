"""App config for the project package: Babel supplements, cache invalidation, high-risk
change records and cleaning of saved text at start-up."""

from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Registers Waymark's shared models, template tags and commands."""

    name = "cms"
    verbose_name = "Waymark"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.caching import connect_signals
        from cms.formatting import supplement_babel_locales
        from cms.highrisk import connect_signals as connect_high_risk
        from cms.sanitize import connect_signals as connect_sanitizer

        supplement_babel_locales()
        connect_signals()
        connect_high_risk()
        connect_sanitizer()
