"""Offline reading: the service worker, the web app manifests and what each language saves.

One worker, `/sw.js`, for the whole site and every language: one script URL, one
registration, so changing language never installs another worker (which would offer an
update that is none, and delete the other language's pages). It precaches the static
assets (hashed URLs); each language's *essentials* (its offline page, home, pages marked
"save on the first visit", the services directory and the compact search index) it saves
when a page of that language is first read, and keeps until the reader removes them. Its
version is a hash of its code and of exactly what it would precache in every language,
never a clock; a page compares `language_versions`, so a reader is offered a new version
only when something of their language (or the shared code) changed.

`/<lang>/offline.json` lists every published page and service of a language with a
version per page; the worker reads it when the reader is online (every few minutes at
most) to correct saved copies, and "Save this language" to fetch the rest.
"""

import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Page

from cms import languages
from cms.privacy import public
from cms.versions import page_version, service_version, short_hash
from home.models import HomePage, TopicPage
from services.models import Service
from services.pages import ServiceDirectoryPage

from .offline_text import STALE_DAYS, worker_text
from .search_index import index_version

STATIC_ASSETS = [
    "css/reader.css",
    "js/exit-this-page.js",
    "js/offline.js",
    "icons/icon.svg",
    "icons/icon-192.png",
]
NO_STORE = "no-cache, no-store, max-age=0, must-revalidate"
# Kept, but asked for again (If-None-Match) every time: never used unchecked.
WORKER_CACHE = "no-cache, max-age=0, must-revalidate"
# How often, at most, a phone that is online asks whether its saved copies changed.
CHECK_EVERY_SECONDS = 300
# How long a navigation waits for the network before a saved copy or the offline page.
NETWORK_TIMEOUT_MS = 3000


def in_language(code, name):
    with translation.override(code):
        return reverse(name)


def offline_url(code):
    return in_language(code, "offline_page")


def essential_pages(code):
    """What a reader's phone keeps from the first visit, in their language."""
    pages = [
        *HomePage.objects.live().filter(locale__language_code=code),
        *public(TopicPage.objects.live()).filter(
            locale__language_code=code, offline_essential=True
        ),
        *ServiceDirectoryPage.objects.live().filter(locale__language_code=code),
    ]
    return sorted(pages, key=lambda page: page.path)


def essentials(code):
    """[url, version] of what the worker saves for one language on its first page."""
    pages = [[page.url, page_version(page)] for page in essential_pages(code)]
    index = [in_language(code, "essentials_index"), index_version(pages)]
    return [[offline_url(code), offline_version(code)], *pages, index]


def static_entries():
    return [staticfiles_storage.url(name) for name in STATIC_ASSETS]


def precache_entries(code):
    """[url, version] for everything one language's reader has saved after the first visit."""
    return [[url, "static"] for url in static_entries()] + essentials(code)


def offline_version(code):
    """The offline page is made from interface strings only: it changes with the code."""
    return short_hash("offline", code, worker_source())


@lru_cache(maxsize=1)
def worker_source():
    path = finders.find("sw/sw.js")
    with open(path, encoding="utf-8") as source:
        return source.read()


def worker_config():
    """What the worker's code is given: its version, every language's essentials and text."""
    codes = languages.codes()
    static = static_entries()
    text = worker_text(codes)
    by_language = {code: essentials(code) for code in codes}
    language_versions = {
        code: short_hash(worker_source(), json.dumps([static, by_language[code], text[code]]))
        for code in codes
    }
    return {
        "version": short_hash(worker_source(), json.dumps(language_versions)),
        "languageVersions": language_versions,
        "source": languages.source(),
        "languages": codes,
        "rtl": [code for code in codes if languages.is_rtl(code)],
        "adminPath": settings.WAYMARK_ADMIN_PATH,
        "static": static,
        "essentials": by_language,
        "offlinePages": {code: offline_url(code) for code in codes},
        "manifests": {code: in_language(code, "offline_manifest") for code in codes},
        "indexes": {code: in_language(code, "search_index") for code in codes},
        "text": text,
        "staleDays": STALE_DAYS,
        "checkEverySeconds": CHECK_EVERY_SECONDS,
        "timeoutMs": NETWORK_TIMEOUT_MS,
    }


def worker_for(code=None):
    """The worker's code, with its settings filled in: the same for every language."""
    config = worker_config()
    settings_json = json.dumps(config, ensure_ascii=False, separators=(",", ":"))
    return config["version"], worker_source().replace(
        "self.WAYMARK = {};", f"self.WAYMARK = {settings_json};"
    )


@require_safe
def service_worker(request):
    """/sw.js: never cached by browsers or proxies, so an update is seen on the next visit.

    One URL for every language: a query string (the old `?lang=`) is ignored, so phones
    registered with it get the same worker. Browsers check it at every page they open, so
    it carries its version as ETag: an unchanged worker costs a 304, not its bytes."""
    version, source = worker_for()
    etag = f'"{version}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = WORKER_CACHE
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def web_manifest(request):
    """The installable app of one language: its name, start page, scope, direction and icons."""
    code = translation.get_language()
    icons = [
        {
            "src": staticfiles_storage.url(f"icons/{kind}-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for kind, purpose in (("icon", "any"), ("maskable", "maskable"))
        for size in (192, 512)
    ]
    data = {
        "name": _("Waymark: safety and health information"),
        "short_name": "Waymark",
        "description": _("Free, private safety and health information. Works offline."),
        "lang": code,
        "dir": languages.direction(code),
        "start_url": f"/{code}/",
        "scope": f"/{code}/",
        "id": f"/{code}/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#16324f",
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_safe
def offline_page(request):
    """Shown for a page that was never saved, when there is no network."""
    return TemplateResponse(request, "reader/offline.html", {"page": None})


def language_pages(code):
    """Every published reader page of a language: pages, then each service's page."""
    pages = list(
        Page.objects.live()
        .public()
        .filter(locale__language_code=code, depth__gt=1)
        .specific()
        .order_by("path")
    )
    entries = [{"url": page.url, "version": page_version(page)} for page in pages]
    directory = next((page for page in pages if isinstance(page, ServiceDirectoryPage)), None)
    if directory is not None:
        translated = {
            row.translation_key: row
            for row in Service.objects.filter(locale__language_code=code, live=True).only(
                "translation_key", "last_published_at", "live_revision_id"
            )
        }
        for service in Service.objects.listed().order_by("slug"):
            words = translated.get(service.translation_key)
            entries.append(
                {
                    "url": f"{directory.url}{service.slug}/",
                    "version": service_version(service, words),
                }
            )
    return entries


def size_key(url):
    return f"offline-bytes:{url}"


class RecordPageSizes:
    """Middleware: remember each reader page's size, so offline.json can say how big it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "GET"
            and response.status_code == 200
            and not request.GET
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(settings.WAYMARK_ADMIN_PATH)
            and not getattr(response, "streaming", False)
        ):
            cache.set(size_key(request.path), len(response.content), None)
        return response


@require_safe
def offline_manifest(request):
    """/<lang>/offline.json: every page and service of a language with its version and bytes,
    and the two search indexes; what the worker checks saved copies against.

    Bytes are the page's size when it was last served (null if not yet known).
    """
    code = translation.get_language()
    pages = language_pages(code)
    versions = [[page["url"], page["version"]] for page in pages]
    # The full index changes whenever any page does; the essentials' with the essentials.
    essentials_index = essentials(code)[-1]
    pages += [
        {"url": essentials_index[0], "version": essentials_index[1]},
        {"url": in_language(code, "search_index"), "version": index_version(versions)},
    ]
    sizes = cache.get_many([size_key(page["url"]) for page in pages])
    for page in pages:
        page["bytes"] = sizes.get(size_key(page["url"]))
    return JsonResponse(
        {
            "language": code,
            "version": short_hash(json.dumps([[p["url"], p["version"]] for p in pages])),
            "offline_page": {"url": offline_url(code), "version": offline_version(code)},
            "pages": pages,
        },
        headers={"Cache-Control": NO_STORE},
        json_dumps_params={"ensure_ascii": False},
    )
