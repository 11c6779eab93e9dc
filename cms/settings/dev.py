"""Settings for a developer's machine and for `make run`: local defaults, never for production."""

import os

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS

SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
