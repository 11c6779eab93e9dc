"""App config for the project package and foundation: Babel supplements, cache invalidation
for pages and site settings, cleaning of saved text, and the system checks at start-up."""

from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Waymark's foundation: settings, base templates, shared fields and mechanisms."""

    name = "cms"
    verbose_name = "Waymark"
    default_auto_field = "django.db.models.BigAutoField"
    clean_saved_text = True  # the reader settings every page shows

    def ready(self):
        from . import caching, checks, highrisk, sanitize  # noqa: F401 (checks registers)
        from .formatting import supplement_babel_locales
        from .models import ReaderSettings

        supplement_babel_locales()
        caching.connect_signals()
        sanitize.connect_signals()
        highrisk.register_labels(where=_settings_where(ReaderSettings))


def _settings_where(model):
    """The reader settings' facts are named by their fields' names."""
    names = {"emergency_number", "exit_url"}

    def where(what, where):
        return model._meta.get_field(where).verbose_name if where in names else None

    return where
