"""Settings shared by every environment; everything configurable comes from the environment."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from cms.middleware import static_file_headers

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Waymark's apps, bottom layer first (docs/architecture.md): each imports only those above it here.
INSTALLED_APPS = [
    "cms",
    "services",
    "home",
    "editorial",
    "reader",
    "staff",
    "api",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_filters",
    "wagtail.api.v2",
    "rest_framework",
    "corsheaders",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so that the pages it stores carry every header the others add.
    "cms.caching.ReaderPageCache",
    # The APIs (/api/ only): CORS answers preflights and adds its headers, gzip compresses,
    # then api.http caches, revalidates, rate-limits and writes errors as problem+json.
    "corsheaders.middleware.CorsMiddleware",
    "api.http.ApiGZipMiddleware",
    "api.http.ApiMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "staff.twofactor.RequireTwoStep",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.middleware.StorageFailureMessage",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cms.middleware.SecurityHeadersMiddleware",
    "reader.offline.RecordPageSizes",
    # Inside RecordPageSizes and the page cache: they keep the compacted page.
    "cms.middleware.CompactReaderHtml",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it answers for locked-out sign-in attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
# Where the staff admin lives: the URL map, the admin's own headers and policies, two-step
# sign-in and the page-size record all read it from here.
WAYMARK_ADMIN_PATH = "/admin/"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "wagtail.contrib.settings.context_processors.settings",
                "services.context_processors.directory",
                "home.context_processors.site_alert",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Backups keep times to the microsecond (cms/exact_json.py).
SERIALIZATION_MODULES = {"exactjson": "cms.exact_json"}
POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if POSTGRESQL:
    # Wagtail's search index uses PostgreSQL's full-text indexes there.
    INSTALLED_APPS.append("django.contrib.postgres")
    # No JIT compilation: Waymark's queries are short, and the planner's cost estimates for
    # the staff reports' correlated subqueries made PostgreSQL compile them, which cost about
    # a second per query at 10,000 pages (make bench). DB_JIT=on gives it back.
    if os.environ.get("DB_JIT", "off") != "on":
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Django's backend, waiting out a restart of a few seconds (cms/db/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "cms.db.postgresql"
DB_CONNECT_RETRY_SECONDS = float(os.environ.get("DB_CONNECT_RETRY_SECONDS", "3"))

REDIS_URL = os.environ.get("REDIS_URL", "")
# Two aliases on one store. "default" never makes a reader wait or fail for the cache: a
# lost or slow Redis (REDIS_TIMEOUT seconds at most) reads as a miss and a write that does
# not happen. "strict" raises, for the code that must know: the page cache, which stops
# asking for a few seconds after a failure (cms.caching), and invalidation, which stays
# pending until it has happened.
CACHE_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT", "0.25"))


def cache_settings(redis_url):
    """CACHES for a Redis URL, or for this process's memory when there is none."""
    if not redis_url:
        local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "waymark"}
        return {"default": local, "strict": local}
    strict = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "waymark"),
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": CACHE_TIMEOUT_SECONDS,
            "SOCKET_TIMEOUT": CACHE_TIMEOUT_SECONDS,
        },
    }
    forgiving = {**strict, "OPTIONS": {**strict["OPTIONS"], "IGNORE_EXCEPTIONS": True}}
    return {"default": forgiving, "strict": strict}


CACHES = cache_settings(REDIS_URL)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# Reader pages (see cms/caching.py). The page cache keeps whole pages per language;
# it needs a cache every app server shares (Redis), so it is off without REDIS_URL.
WAYMARK_PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "900" if REDIS_URL else "0"))
# Parts of reader pages (a topic's body, a service's card, the language links) kept between
# pages until their language's generation moves (cms.caching.kept_fragment); shared by every
# app server, so off without Redis like the page cache. FRAGMENT_CACHE_SECONDS=0 turns it off.
WAYMARK_FRAGMENT_CACHE_SECONDS = int(
    os.environ.get("FRAGMENT_CACHE_SECONDS", "86400" if REDIS_URL else "0")
)
# How long a CDN or reverse proxy may keep a reader page (it is purged on change),
# and how long a browser may: not at all by default, since a browser cannot be
# purged (a corrected hotline number must show on the next load) and the service
# worker keeps pages for offline reading, telling the reader when it does.
WAYMARK_SHARED_CACHE_SECONDS = int(os.environ.get("SHARED_CACHE_SECONDS", "3600"))
WAYMARK_BROWSER_CACHE_SECONDS = int(os.environ.get("BROWSER_CACHE_SECONDS", "0"))
# The caching proxy or CDN in front, purged when content changes: a Varnish or
# nginx URL here (for example http://127.0.0.1:6081), or another of Wagtail's
# frontend cache backends configured in a settings module of your own.
FRONTEND_CACHE_URL = os.environ.get("FRONTEND_CACHE_URL", "")
if FRONTEND_CACHE_URL:
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            # Wagtail's HTTP purge, raising when the proxy did not purge (then retried).
            "BACKEND": "cms.caching.HTTPPurge",
            "LOCATION": FRONTEND_CACHE_URL,
        }
    }
# Waymark names every language's URL itself (each language is its own page tree);
# Wagtail would otherwise copy each purged URL into every language prefix.
WAGTAILFRONTENDCACHE_LANGUAGES = []
# How often each app server applies invalidations left pending (cms/caching.py).
WAYMARK_INVALIDATION_SWEEP_SECONDS = float(os.environ.get("INVALIDATION_SWEEP_SECONDS", "2"))

# The APIs (api/, docs/api.md). Readable from any site's scripts, without credentials.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "accept-language", "if-modified-since", "if-none-match")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After")
CORS_PREFLIGHT_MAX_AGE = 86400
# Requests the API cache could not answer, per client address (counted by a keyed hash of
# it, never the address): "300/m" is 300 a minute.
WAYMARK_API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300/m")
RATELIMIT_USE_CACHE = "default"
# Without the cache (Redis lost) the API's rate limit lets requests through: apps keep
# reading while nobody can be counted (cms.caching docs say which way each limit fails).
RATELIMIT_FAIL_OPEN = True
# How long the changes feed remembers removals (older cursors sync again from empty), and
# how far back it re-sends changes, in case a publish committed late.
WAYMARK_API_CHANGES_KEEP_DAYS = int(os.environ.get("API_CHANGES_KEEP_DAYS", "90"))
WAYMARK_API_SETTLE_SECONDS = 30
# How long the changes feed keeps each page's and service's record (api/records.py): every
# client's cursor makes a URL of its own, but the records in them are the same. Kept while
# the generations of the languages they show are unchanged, like the page cache.
WAYMARK_API_RECORD_CACHE_SECONDS = int(
    os.environ.get("API_RECORD_CACHE_SECONDS", str(WAYMARK_PAGE_CACHE_SECONDS))
)
WAGTAILAPI_LIMIT_MAX = 100

# Staff sign-in. Administrators and reviewers also give a code from an app
# (cms/twofactor.py; TWO_STEP_SIGN_IN=0 turns that off, for the test suite only).
WAYMARK_TWO_STEP = env_bool("TWO_STEP_SIGN_IN", True)
OTP_TOTP_ISSUER = "Waymark"
# Repeated wrong passwords lock that account from that address for a while
# (django-axes): an attacker cannot lock everyone out, and a locked editor
# elsewhere still signs in. Administrators unlock with `manage.py axes_reset_username`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "staff.signin.locked_out"
# The client behind a proxy (cms/clients.py): X-Forwarded-For is believed only from these
# addresses or networks (comma-separated); the shipped Varnish runs on this machine.
TRUSTED_PROXIES = [
    item for item in os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if item.strip()
]
AXES_CLIENT_IP_CALLABLE = "cms.clients.client_address"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English is the source; each language has its own URL prefix and page tree.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("pt", "Português"),
    ("ht", "Kreyòl ayisyen"),
    ("ar", "العربية"),
]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# The place this site serves (the demo's: Norwalk, Connecticut). The area is named in each
# service's structured data; phone numbers typed without a country code are read in the
# region (ISO 3166 code); the directory's "languages spoken" list starts with the
# common languages (ISO 639 codes), then every other in alphabetical order.
WAYMARK_AREA_SERVED = os.environ.get("AREA_SERVED", "Norwalk, CT")
WAYMARK_PHONE_REGION = os.environ.get("PHONE_REGION", "US")
WAYMARK_COMMON_LANGUAGES = env_list("COMMON_LANGUAGES", "en,es,pt,ht,ar,fr,zh,pl,ru,vi,ase")

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    # Saved whole or not at all, with a clear message when the disk fails (cms/storage.py).
    "default": {"BACKEND": "cms.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Hashed static files never change, so browsers and CDNs may keep them for a year.
WHITENOISE_MAX_AGE = 365 * 24 * 60 * 60
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Waymark"
# The admin's own address, for links in e-mails to staff: production sets it; on a developer's
# machine it follows the port `make run` serves on.
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
)
# Staff avatars come from this server (Wagtail's default asks gravatar.com, which the admin's
# CSP forbids and which would learn who works here).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if POSTGRESQL:
    # Each page and service is indexed with its own language's stemming and stop
    # words (Haitian Creole, which PostgreSQL has no dictionary for, with "simple").
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "cms.search_backend",
        "SEARCH_CONFIG": "simple",
    }
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
# A small file can decode into a huge bitmap; 25 million pixels is a 5,000 x 5,000 photo.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 25_000_000
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "waymark@localhost")

# Privacy and security headers. Readers get the strict policy; the Wagtail
# admin (staff only) gets ADMIN_CSP, which its editor interface needs.
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
ADMIN_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}
# The sign-in pages, the admin's only pages open to anyone, run no inline script:
# they get the admin policy without 'unsafe-inline' for scripts.
ADMIN_SIGN_IN_PATHS = tuple(
    f"{WAYMARK_ADMIN_PATH}{page}/" for page in ("login", "password_reset", "two-step")
)
ADMIN_SIGN_IN_CSP = {**ADMIN_CSP, "script-src": [CSP.SELF]}
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), usb=(), xr-spatial-tracking=(), "
    "interest-cohort=(), browsing-topics=()"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Logs go to standard error: JSON lines with LOG_FORMAT=json (production's default),
# text otherwise. Neither ever holds a reader's address or query (cms/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "cms.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # Background-task and page-action chatter is for debugging, not for operators.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # Sign-in successes are not news; lockouts are logged at WARNING.
        "axes": {"level": "WARNING"},
    },
}
