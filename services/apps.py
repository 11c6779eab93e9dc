"""App config for the support-services directory."""

from django.apps import AppConfig


class ServicesConfig(AppConfig):
    """Support services, their locations, phones and opening hours."""

    name = "services"
    default_auto_field = "django.db.models.BigAutoField"
