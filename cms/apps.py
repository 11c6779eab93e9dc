"""App config for the project package: loads the Babel supplements at start-up."""

from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Registers Waymark's shared models, template tags and commands."""

    name = "cms"
    verbose_name = "Waymark"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.formatting import supplement_babel_locales

        supplement_babel_locales()
