"""App config for the support-services directory: it tells the page cache and the high-risk
record about its own models, and checks its language list, at start-up."""

from django.apps import AppConfig


class ServicesConfig(AppConfig):
    """Support services, their locations, phones and opening hours, and the directory page."""

    name = "services"
    default_auto_field = "django.db.models.BigAutoField"
    clean_saved_text = True  # services, organizations and locations are typed by staff or imported
    # Models that began in another app (backups made before the move restore under this app).
    moved_in = ("home.ServiceDirectoryPage",)

    def ready(self):
        from cms import caching

        from . import checks, highrisk  # noqa: F401 (checks registers)
        from .models import Category, Location, Organization, Service

        # A service is read in its own language and, untranslated, in every other.
        caching.register_translatable(Service)
        # Organizations, places and categories show in every language.
        caching.register_shared(Organization, Location, Category)
        highrisk.register()
