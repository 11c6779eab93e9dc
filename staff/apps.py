"""App config for staff sign-in: two-step sign-in and the lockout page. No models of its own:
the devices are django-otp's and the lockouts django-axes'."""

from django.apps import AppConfig


class StaffConfig(AppConfig):
    """How staff sign in to the admin."""

    name = "staff"
    verbose_name = "Waymark staff sign-in"
