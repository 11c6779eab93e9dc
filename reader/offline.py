"""Offline reading: the service worker, the web app manifests and what each language saves.

The worker at /sw.js is generated per reader language (`?lang=es`): it
precaches the static assets (hashed URLs), the offline page of every language
and the essentials of the reader's language (home, pages marked "save on the
first visit", the services directory). Its version is a hash of exactly what
it precaches and of its own code, never a clock, so it changes when and only
when precached content changes. `/<lang>/offline.json` lists every published
page of a language with a version per page, for "Save this language".
"""

import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Page

from cms import languages
from cms.versions import page_version, service_version, short_hash
from home.models import HomePage, TopicPage
from services.models import Service
from services.pages import ServiceDirectoryPage

STATIC_ASSETS = [
    "css/reader.css",
    "js/exit-this-page.js",
    "js/offline.js",
    "icons/icon.svg",
    "icons/icon-192.png",
]
NO_STORE = "no-cache, no-store, max-age=0, must-revalidate"


def offline_url(code):
    with translation.override(code):
        return reverse("offline_page")


def essential_pages(code):
    """What a reader's phone keeps from the first visit, in their language."""
    pages = [
        *HomePage.objects.live().filter(locale__language_code=code),
        *TopicPage.objects.live().filter(locale__language_code=code, offline_essential=True),
        *ServiceDirectoryPage.objects.live().filter(locale__language_code=code),
    ]
    return sorted(pages, key=lambda page: page.path)


def precache_entries(code):
    """[url, version] for everything the worker saves when it installs, for one language."""
    entries = [[staticfiles_storage.url(name), "static"] for name in STATIC_ASSETS]
    entries += [[offline_url(code), offline_version(code)] for code in languages.codes()]
    entries += [[page.url, page_version(page)] for page in essential_pages(code)]
    return entries


def offline_version(code):
    """The offline page is made from interface strings only: it changes with the code."""
    return short_hash("offline", code, worker_source())


@lru_cache(maxsize=1)
def worker_source():
    path = finders.find("sw/sw.js")
    with open(path, encoding="utf-8") as source:
        return source.read()


def worker_for(code):
    """The worker's code for one language, with its version and precache list filled in."""
    entries = precache_entries(code)
    version = short_hash(worker_source(), code, json.dumps(entries))
    settings_json = json.dumps(
        {
            "version": version,
            "language": code,
            "languages": languages.codes(),
            "precache": [url for url, _version in entries],
            "offlinePages": {code: offline_url(code) for code in languages.codes()},
        },
        separators=(",", ":"),
    )
    return version, worker_source().replace(
        "self.WAYMARK = {};", f"self.WAYMARK = {settings_json};"
    )


@require_safe
def service_worker(request):
    """/sw.js: never cached by browsers or proxies, so an update is seen on the next visit."""
    code = request.GET.get("lang") or languages.source()
    if not languages.is_known(code):
        raise Http404
    _version, source = worker_for(code)
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = NO_STORE
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
    """/<lang>/offline.json: what "Save this language" downloads: URL, version, bytes.

    Bytes are the page's size when it was last served (null if not yet known).
    """
    code = translation.get_language()
    pages = language_pages(code)
    # The offline search index changes whenever any page does.
    pages.append(
        {
            "url": reverse("search_index"),
            "version": short_hash(json.dumps([page["version"] for page in pages])),
        }
    )
    sizes = cache.get_many([size_key(page["url"]) for page in pages])
    for page in pages:
        page["bytes"] = sizes.get(size_key(page["url"]))
    return JsonResponse(
        {
            "language": code,
            "version": short_hash(json.dumps([[p["url"], p["version"]] for p in pages])),
            "offline_page": offline_url(code),
            "pages": pages,
        },
        headers={"Cache-Control": NO_STORE},
    )
