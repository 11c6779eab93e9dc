"""App config for the reader page types."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Reader page types and their StreamField blocks."""

    name = "home"
    default_auto_field = "django.db.models.BigAutoField"
    clean_saved_text = True  # pages: titles, summaries, answers, contacts
