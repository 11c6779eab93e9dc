"""Test-suite settings: fast hashers, in-memory cache and mail; database as in base."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = cache_settings("")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Two-step sign-in is tested on its own (tests/unit/test_two_step.py); elsewhere
# staff are signed in with force_login and go straight to the admin.
WAYMARK_TWO_STEP = False
# The rate limit is tested on its own (tests/api/test_http.py); the suite and Schemathesis
# send thousands of requests from one address.
WAYMARK_API_RATE_LIMIT = "1000000/m"
# No sweeper thread in the test process (tests call cms.caching.apply_pending themselves);
# servers the browser and proxy tests start run with their own settings.
WAYMARK_INVALIDATION_SWEEP_SECONDS = 0
