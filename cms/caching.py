"""Reader pages at any scale: a per-language page cache, Cache-Control for a CDN, and purges.

Three layers keep reader pages fast, and every one of them forgets a page the
moment an editor's change to it is committed:

1. The page cache (Redis in production): whole anonymous reader responses,
   keyed by language, host and URL. Each language has a *generation*; a change
   moves the generations of the languages it shows in, so every cached page
   of those languages is ignored at once (`invalidate`).
2. `Cache-Control: public, max-age=…, s-maxage=…` on the same responses, so a
   CDN or a reverse proxy may keep them; browsers keep them briefly.
3. Purge requests to that proxy or CDN through Wagtail's frontend cache
   backends (`WAGTAILFRONTENDCACHE`): each affected language's root URL, which
   the shipped Varnish configuration (deploy/varnish.vcl) treats as "everything
   under it", and the changed page's own URLs for CDNs that purge exact URLs.

Opening hours make some pages change with the clock ("Open now, closes at
3:00 PM"). Code that renders such a status calls `valid_until(moment)`, and
every layer keeps that response only until then.

Faults cost readers nothing they can see:

- **Redis lost or slow**: the page cache is skipped (pages are rendered) and not asked
  again for `CACHE_RETRY_SECONDS`, then used again at once when it answers. Other
  cache users read a miss ("default" alias ignores errors); the API's rate limit and
  the feedback limit let requests through while nobody can be counted, and staff
  sign-in lockouts live in the database (django-axes), so they keep holding.
- **Durable invalidation**: what a change must make the caches forget is written as a
  `PendingInvalidation` row in the change's own transaction, applied after the commit,
  and deleted only once Redis and the proxy have both done it. A process killed between
  the commit and the invalidation, a Redis outage or a proxy that refused a purge leaves
  the row, and every app server's sweeper (`start_sweeper`, every
  `WAYMARK_INVALIDATION_SWEEP_SECONDS`) applies what is left.
"""

import datetime
import hashlib
import logging
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from contextvars import ContextVar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings
from django.core.cache import cache, caches
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.backends.http import PurgeRequest
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from cms import languages

log = logging.getLogger(__name__)

CACHE_HEADER = "X-Waymark-Cache"
_valid_until = ContextVar("waymark_valid_until", default=None)
# Each language's generation as this request first read it (set by ReaderPageCache).
_generations = ContextVar("waymark_generations", default=None)
CACHE_RETRY_SECONDS = 2.0  # after a failure, the page cache is not asked for this long
_cache_broken_until = [0.0]


class CacheUnavailable(Exception):
    """The page cache failed just now: serve without it."""


def _store():
    """The cache that raises (see settings.CACHES), unless it failed moments ago."""
    if time.monotonic() < _cache_broken_until[0]:
        raise CacheUnavailable
    return caches["strict"]


def _cache_failed(error):
    _cache_broken_until[0] = time.monotonic() + CACHE_RETRY_SECONDS
    log.warning("page cache unavailable, serving without it: %s", error)


def language_of(path):
    """The reader language a URL belongs to ("/es/temas/" → "es"), or None."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if languages.is_known(first) else None


def valid_until(moment):
    """Note that the response being rendered stops being true at `moment` (aware datetime)."""
    holder = _valid_until.get()
    if holder is not None:
        stamp = moment.timestamp()
        if holder[0] is None or stamp < holder[0]:
            holder[0] = stamp


def _generation_key(code):
    return f"pagecache:generation:{code}"


def generation(code):
    """The current generation of a language's cached pages (made on first use)."""
    key = _generation_key(code)
    return cache.get(key) or _first_generation(cache, key)


def _first_generation(store, key):
    """Make a language's generation where none is stored (another process may win)."""
    value = uuid.uuid4().hex[:12]
    if not store.add(key, value, None):
        value = store.get(key) or value
    return value


def _remembered(code):
    """The generation of `code` this request already read (ReaderPageCache), or None."""
    memo = _generations.get()
    return memo.get(code) if memo is not None else None


def _remember(code, current):
    memo = _generations.get()
    if memo is not None:
        memo[code] = current


def _memo_generation(store, code, key):
    """(generation, entry under `key`) in one cache round trip; a generation already read in
    this request (ReaderPageCache) is used again, so a page with fragments reads it once."""
    current = _remembered(code)
    if current is not None:
        return current, store.get(key)
    generation_key = _generation_key(code)
    found = store.get_many([generation_key, key])
    current = found.get(generation_key) or _first_generation(store, generation_key)
    _remember(code, current)
    return current, found.get(key)


def _keeps_parts(request, code):
    """Whether parts of this response may be kept and reused: a reader language, a request
    that is not a preview or draft, and WAYMARK_FRAGMENT_CACHE_SECONDS above 0."""
    return (
        settings.WAYMARK_FRAGMENT_CACHE_SECONDS > 0
        and request is not None
        and not getattr(request, "is_preview", False)
        and languages.is_known(code)
    )


class _Recent:
    """This process's copies of recently kept parts, so a page's dozen parts cost no cache
    round trip each: an entry is used only under the generation it was made in, which is read
    from the shared cache once per request, so a publish on another app server is seen at once.
    Bounded (least recently used out first); gunicorn's threads share it, and share the values:
    nobody changes a value they were given."""

    def __init__(self, size=2000):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_recent = _Recent()


def forget_recent_parts():
    """Forget this process's copies of kept parts (tests: the cache they match is cleared)."""
    with _recent.lock:
        _recent.entries.clear()


def _usable(entry, current, now):
    return entry is not None and entry[0] == current and (entry[2] is None or entry[2] > now)


def _kept(key, code, make, seconds):
    """What `make()` returns, kept under `key` while `code`'s generation stays where it was when
    this began, and until any moment `make` noted with `valid_until` (noted again on a hit).
    The generation is read before `make` reads the database, so a change committed meanwhile
    moves it on and what was made is never used. Without the cache, `make()` every time."""
    try:
        store = _store()
        remembered = _remembered(code)
        local = _recent.get(key) if remembered is not None else None
        if _usable(local, remembered, time.time()):
            current, entry = remembered, local
        else:
            current, entry = _memo_generation(store, code, key)
    except CacheUnavailable:
        return make()
    except Exception as error:
        _cache_failed(error)
        return make()
    now = time.time()
    if _usable(entry, current, now):
        _recent.put(key, entry)
        if entry[2] is not None:
            valid_until(datetime.datetime.fromtimestamp(entry[2], datetime.UTC))
        return entry[1]
    value, expires_at = _made(lambda _index: make(), None)
    if expires_at is not None:
        valid_until(datetime.datetime.fromtimestamp(expires_at, datetime.UTC))
        seconds = min(seconds, int(expires_at - now))
    if seconds > 0:
        entry = (current, value, expires_at)
        _recent.put(key, entry)
        try:
            store.set(key, entry, seconds)
        except Exception as error:
            _cache_failed(error)
    return value


def kept_for_language(name, request, make, seconds=3600):
    """What `make(language_code)` finds for the active reader language (the directory's
    address, the site-wide alert: never None), kept per language and host until that
    language's generation moves. A publish that changes it is seen at once, and a page view
    in the steady state asks the database nothing more. {} outside the reader languages."""
    code = translation.get_language()
    if not languages.is_known(code):
        return {}
    key = f"{name}:{code}:{request.get_host()}"
    return _kept(key, code, lambda: make(code), seconds)


_SKIPPED_FOLDERS = {".venv", ".git", "node_modules", "tests", "media", "staticfiles", "__pycache__"}
_code_version = []


def code_version():
    """A fingerprint of what renders kept parts: the project's Python, templates and compiled
    catalogues, and the static files' manifest (hashed file names). A deploy that changes any
    of them starts new keys, so no part made by the old code is shown by the new (the parts
    are kept far longer than whole pages). Computed once per process."""
    if not _code_version:
        digest = hashlib.sha256()
        root = Path(settings.BASE_DIR)
        found = []
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(name for name in subfolders if name not in _SKIPPED_FOLDERS)
            found += [
                Path(folder, name) for name in files if name.endswith((".py", ".html", ".mo"))
            ]
        manifest = Path(settings.STATIC_ROOT or root / "staticfiles", "staticfiles.json")
        for path in sorted(found) + ([manifest] if manifest.exists() else []):
            digest.update(
                str(path.relative_to(root) if path.is_relative_to(root) else path).encode()
            )
            digest.update(path.read_bytes())
        _code_version.append(digest.hexdigest()[:12])
    return _code_version[0]


def kept_fragment(request, name, parts, make):
    """Part of a reader page (`make()`: HTML, or what a template shows), kept per language,
    scheme, host and `parts` (the page or service and its version) until the language's
    generation moves, as the page cache keeps whole pages: every publish that could change
    it forgets it. Pages served with a page cache miss (a search, a directory filter, the
    first view after a publish elsewhere) then render only what no page of that language
    has rendered since. Made afresh for previews and other drafts (`request.is_preview`),
    outside the reader languages, and with WAYMARK_FRAGMENT_CACHE_SECONDS at 0."""
    code = translation.get_language()
    if not _keeps_parts(request, code):
        return make()
    key = _fragment_key(request, name, code, parts)
    return _kept(key, code, make, settings.WAYMARK_FRAGMENT_CACHE_SECONDS)


def _fragment_key(request, name, code, parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    where = f"{request.scheme}://{request.get_host()}"
    return f"fragment:{code_version()}:{name}:{code}:{where}:{digest}"


def kept_many(request, name, parts_list, prepare, own_content_only=False):
    """kept_fragment for a list of parts at once (a page of service cards): those kept are
    found in one cache round trip at most, and `prepare(indices)` loads what the others need
    in one batch and returns `make(index)`, which makes one of them. Each is kept with the
    moment it stops being true (valid_until), as kept_fragment keeps it.

    `own_content_only`: each part is made from its own row alone (a page's words for the
    offline index), so its parts (the row's version) say when it changes, and a publish of
    anything else does not forget it. Such parts are many (every page of a language) and
    read together: they are not kept in this process's memory."""
    code = translation.get_language()
    seconds = settings.WAYMARK_FRAGMENT_CACHE_SECONDS
    everything = list(range(len(parts_list)))
    found = None
    if _keeps_parts(request, code):
        keys = [_fragment_key(request, name, code, parts) for parts in parts_list]
        found = _find_kept(keys, code, OWN_CONTENT if own_content_only else None)
    if found is None:  # not kept here, or the cache is away: everything is made
        make = prepare(everything)
        return [make(index) for index in everything]
    store, current, entries = found
    values, now = {}, time.time()
    for index, entry in entries.items():
        values[index] = entry[1]
        if entry[2] is not None:
            valid_until(datetime.datetime.fromtimestamp(entry[2], datetime.UTC))
    missing = [index for index in everything if index not in entries]
    made = {}
    if missing:
        make = prepare(missing)
        for index in missing:
            values[index], expires_at = _made(make, index)
            if expires_at is not None:
                valid_until(datetime.datetime.fromtimestamp(expires_at, datetime.UTC))
            if expires_at is None or expires_at > now + 1:
                made[keys[index]] = (current, values[index], expires_at)
    if made:
        for key, entry in made.items():
            if not own_content_only:
                _recent.put(key, entry)
        # One expiry for the batch: the shortest any of them needs.
        ends = [int(entry[2] - now) for entry in made.values() if entry[2] is not None]
        try:
            store.set_many(made, min([seconds, *ends]))
        except Exception as error:
            _cache_failed(error)
    return [values[index] for index in everything]


OWN_CONTENT = "own-content"  # the "generation" of parts that change with their own row only


def _find_kept(keys, code, current=None):
    """(store, current generation, {index: entry}) for the keys kept under the language's
    generation (or under `current`, without this process's copies), from this process's
    copies and then one cache round trip; None when the cache is away."""
    try:
        store = _store()
        local_too = current is None
        if local_too:
            current = _remembered(code)
            if current is None:
                key = _generation_key(code)
                current = store.get(key) or _first_generation(store, key)
                _remember(code, current)
        now = time.time()
        entries = {}
        for index, key in enumerate(keys if local_too else ()):
            local = _recent.get(key)
            if _usable(local, current, now):
                entries[index] = local
        rest = [index for index in range(len(keys)) if index not in entries]
        if rest:
            stored = store.get_many([keys[index] for index in rest])
            for index in rest:
                entry = stored.get(keys[index])
                if _usable(entry, current, now):
                    entries[index] = entry
                    if local_too:
                        _recent.put(keys[index], entry)
        return store, current, entries
    except CacheUnavailable:
        return None
    except Exception as error:
        _cache_failed(error)
        return None


def _made(make, index):
    """(make(index), the moment it noted with valid_until or None)."""
    holder = [None]
    token = _valid_until.set(holder)
    try:
        return make(index), holder[0]
    finally:
        _valid_until.reset(token)


def current_generations(codes):
    """Each language's current generation, read in one cache round trip (made where missing)."""
    found = cache.get_many([_generation_key(code) for code in codes])
    return {code: found.get(_generation_key(code)) or generation(code) for code in codes}


def invalidate(codes, urls=()):
    """Forget every cached page of these languages, here and in the frontend cache; raises
    if Redis or the proxy did not (callers keep it pending)."""
    codes = sorted(set(codes))
    if not codes:
        return
    redis_failed = None
    try:
        caches["strict"].set_many(
            {_generation_key(code): uuid.uuid4().hex[:12] for code in codes}, None
        )
    except Exception as error:
        # Redis away: app servers render pages without it meanwhile, so the proxy may
        # forget now and fetch them fresh; Redis is told when the retry succeeds.
        redis_failed = error
    purge_frontend_cache(codes, urls)
    if redis_failed is not None:
        raise redis_failed
    log.debug("reader pages invalidated", extra={"languages": codes})


def invalidate_on_commit(codes, urls=()):
    """Record what the change must make the caches forget, in its own transaction, and
    apply it once the change is committed (a reader who fetched the page in between
    would otherwise put the old version back); the sweep retries what did not happen."""
    from cms.models import PendingInvalidation

    codes = sorted(set(codes))
    if not codes:
        return
    urls = sorted({url for url in urls if url})
    pending = PendingInvalidation.objects.create(languages=" ".join(codes), urls="\n".join(urls))
    transaction.on_commit(lambda: apply_pending([pending.pk]), robust=True)


CLAIM_SECONDS = 10  # a claimer that died mid-way leaves its rows to others after this


def apply_pending(pks=None, older_than=0.0, limit=200):
    """Apply pending invalidations (these, or all made at least `older_than` seconds ago,
    so a change's own process goes first); returns how many were done. Rows are claimed
    first, so two app servers never forget the same change twice; one failure leaves
    them all for the next try."""
    from cms.models import PendingInvalidation

    now = timezone.now()
    free = PendingInvalidation.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    if pks is not None:
        free = free.filter(pk__in=pks)
    if older_than:
        free = free.filter(created_at__lte=now - datetime.timedelta(seconds=older_than))
    wanted = list(free.order_by("pk").values_list("pk", flat=True)[:limit])
    if not wanted:
        return 0
    claim = uuid.uuid4().hex
    free.filter(pk__in=wanted).update(
        claim=claim, claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS)
    )
    rows = list(PendingInvalidation.objects.filter(claim=claim))
    if not rows:
        return 0  # another app server claimed them first
    codes = {code for row in rows for code in row.languages.split()}
    urls = {url for row in rows for url in row.urls.splitlines() if url}
    try:
        invalidate(codes, urls)
    except Exception as error:  # Redis or the proxy: released for the next sweep
        log.warning("invalidation kept for a retry: %s", error)
        PendingInvalidation.objects.filter(claim=claim).update(
            attempts=F("attempts") + 1, claim="", claimed_until=None
        )
        return 0
    PendingInvalidation.objects.filter(claim=claim).delete()
    return len(rows)


def sweep_forever(every):
    """The sweeper's loop: apply what was left pending, in a thread of its own."""
    while True:
        time.sleep(every)
        try:
            close_old_connections()
            apply_pending(older_than=every)
        except Exception:  # the database away: the next sweep tries again
            log.warning("invalidation sweep failed", exc_info=True)
        finally:
            connection.close()


def start_sweeper():
    """Start this process's sweeper (from the WSGI entry point: every app server has one)."""
    every = getattr(settings, "WAYMARK_INVALIDATION_SWEEP_SECONDS", 2.0)
    if every > 0:
        threading.Thread(
            target=sweep_forever, args=(every,), name="waymark-invalidation", daemon=True
        ).start()


class HTTPPurge(HTTPBackend):
    """Wagtail's HTTP purge (Varnish, nginx), except that a purge the proxy refused or
    never received raises, so the invalidation stays pending and is retried."""

    def purge(self, url):
        parts = urlsplit(url)
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parts.path, parts.query, ""]),
            headers={"Host": parts.netloc, "User-Agent": "Waymark-purge"},
        )
        try:
            with urlopen(request, timeout=5):  # noqa: S310 (the configured proxy's URL)
                pass
        except (HTTPError, URLError, OSError) as error:
            raise RuntimeError(f"the proxy did not purge {url}: {error}") from error


# Callables from apps above (they register from ready()): languages -> more paths to purge on
# every site, such as an API's prefix.
_purge_paths = []


def register_purge_paths(paths_for):
    """Also purge `paths_for(codes)` (paths from the site root) whenever those languages change."""
    if paths_for not in _purge_paths:
        _purge_paths.append(paths_for)


def purge_frontend_cache(codes, urls=()):
    """Ask every configured proxy or CDN to forget these languages, now (not as a task whose
    failure nobody hears of): a failure raises, and the invalidation stays pending."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import get_backends
    from wagtail.models import Site

    to_purge = set()
    for site in Site.objects.all():
        root = site.root_url.rstrip("/")
        to_purge.update(f"{root}/{code}/" for code in codes)
        to_purge.add(f"{root}/sitemap.xml")
        for paths_for in _purge_paths:
            to_purge.update(f"{root}{path}" for path in paths_for(codes))
    to_purge.update(url for url in urls if url and "://" in url)
    for backend in get_backends().values():
        backend.purge_batch(sorted(to_purge))


STAFF_COOKIE = re.compile(r"(?:^|;\s*)(?:sessionid|csrftoken)=")
ENVIRON_KEY = "waymark.page_cache"  # (entry key, generation) found by ServeCachedPages


def _is_secure(environ):
    header = settings.SECURE_PROXY_SSL_HEADER
    if header:
        name, secure_value = header
        value = environ.get(name)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _entry_key(environ, code):
    """The page's key: scheme, host, path and query exactly as they arrived."""
    scheme = "https" if _is_secure(environ) else "http"
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    url = f"{scheme}://{host}{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
    return f"pagecache:page:{code}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def _is_public(environ):
    """A reader's GET or HEAD: no credentials, no admin session (staff never share pages)."""
    return (
        environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        and "HTTP_AUTHORIZATION" not in environ
        and not STAFF_COOKIE.search(environ.get("HTTP_COOKIE", ""))
    )


def _cached_language(environ):
    """The language of a request the page cache answers (or stores), else None."""
    if environ.get("REQUEST_METHOD") != "GET" or settings.WAYMARK_PAGE_CACHE_SECONDS <= 0:
        return None
    if not _is_public(environ):
        return None
    if settings.SECURE_SSL_REDIRECT and not _is_secure(environ):
        return None  # Django answers with the redirect to HTTPS
    return language_of(environ.get("PATH_INFO", ""))


def _lookup(environ, code):
    """(entry key, current generation, stored entry or None), in one cache round trip;
    raises CacheUnavailable when the cache fails."""
    key, generation_key = _entry_key(environ, code), _generation_key(code)
    store = _store()
    try:
        found = store.get_many([generation_key, key])
        current = found.get(generation_key) or _first_generation(store, generation_key)
    except Exception as error:
        _cache_failed(error)
        raise CacheUnavailable from error
    entry = found.get(key)
    if entry is not None and entry[0] != current:
        entry = None  # made before the last change to this language
    return key, current, entry


class ServeCachedPages:
    """WSGI wrapper (cms/wsgi.py): answer cached reader pages before Django is involved.

    A hit costs one cache round trip and no request object, middleware or
    database; a miss goes on to Django, where ReaderPageCache stores the page.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        code = _cached_language(environ)
        if code is not None:
            try:
                key, current, entry = _lookup(environ, code)
            except CacheUnavailable:
                return self.application(environ, start_response)
            if entry is not None:
                _generation, status, headers, content, expires_at = entry
                headers = [
                    *headers,
                    ("Cache-Control", cache_control(expires_at)),
                    (CACHE_HEADER, "hit"),
                ]
                start_response(status, headers)
                return [content]
            environ[ENVIRON_KEY] = (key, current)
        return self.application(environ, start_response)


def _is_cacheable(response):
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and not response.cookies
        and not response.has_header("Cache-Control")
        and "cookie" not in response.get("Vary", "").lower()
    )


def cache_control(expires_at=None):
    """max-age for browsers, s-maxage for shared caches, both cut short by `expires_at`."""
    browser = settings.WAYMARK_BROWSER_CACHE_SECONDS
    shared = settings.WAYMARK_SHARED_CACHE_SECONDS
    if expires_at is not None:
        left = max(0, int(expires_at - time.time()))
        browser, shared = min(browser, left), min(shared, left)
    return f"public, max-age={browser}, s-maxage={shared}"


class ReaderPageCache:
    """Middleware: mark anonymous reader pages cacheable, and store them in the page cache.

    It is first in MIDDLEWARE, so a stored page carries every header the rest
    added (security headers, CSP, versions). Hits are served by ServeCachedPages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if language_of(request.path_info) is None or not _is_public(request.META):
            return self.get_response(request)
        code = _cached_language(request.META)
        if code is not None:
            # The generation is read before the page is made: a change committed while
            # it renders moves the generation on, and this page is never served.
            try:
                key, current = request.META.get(ENVIRON_KEY) or _lookup(request.META, code)[:2]
            except CacheUnavailable:
                code = None  # served without the page cache
        token = _valid_until.set([None])
        memo = _generations.set({code: current} if code is not None else {})
        try:
            response = self.get_response(request)
            expires_at = _valid_until.get()[0]
        finally:
            _valid_until.reset(token)
            _generations.reset(memo)
        if not _is_cacheable(response):
            return response
        response["Cache-Control"] = cache_control(expires_at)
        patch_vary_headers(response, ["Accept-Encoding"])
        if code is not None:
            seconds = settings.WAYMARK_PAGE_CACHE_SECONDS
            if expires_at is not None:
                seconds = min(seconds, int(expires_at - time.time()))
            if seconds > 0:
                headers = [
                    (name, value) for name, value in response.items() if name != "Cache-Control"
                ]
                status = f"{response.status_code} {response.reason_phrase}"
                entry = (current, status, headers, response.content, expires_at)
                try:
                    _store().set(key, entry, seconds)
                except CacheUnavailable:
                    pass
                except Exception as error:
                    _cache_failed(error)
            response[CACHE_HEADER] = "miss"
        return response


# What a change shows in. An English (source) page or service shows in every
# language: untranslated services are read in English, and translations say when
# their English source has changed. A translation shows in its own language and
# in the language links of the others.


def languages_of(instance):
    locale = getattr(instance, "locale", None)
    if locale is None or languages.is_source(locale.language_code):
        return languages.codes()
    codes = set(
        type(instance)
        ._default_manager.filter(translation_key=instance.translation_key)
        .values_list("locale__language_code", flat=True)
    )
    return codes | {locale.language_code}


def _full_url(instance):
    try:
        return instance.get_full_url()
    except Exception:  # a page outside any site has no URL to purge; its languages still are
        return None


def page_changed(sender, instance, **kwargs):
    """Published, unpublished, moved or deleted: forget the languages it shows in."""
    invalidate_on_commit(languages_of(instance), [_full_url(instance)])


def translatable_changed(sender, instance, **kwargs):
    """A translatable model readers see (a service) was published, unpublished or deleted."""
    invalidate_on_commit(languages_of(instance))


def shared_content_changed(sender, **kwargs):
    """Content shown in every language (sites, reader settings, a directory's places) changed."""
    invalidate_on_commit(languages.codes())


def restriction_changed(sender, instance, **kwargs):
    """A page was made private, or public again: its languages are forgotten in every layer,
    so no cached copy of a page that is now private reaches anonymous readers (nor a list,
    search or index that named it)."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:  # else the page itself was deleted, which forgets it
        invalidate_on_commit(languages_of(page), [_full_url(page)])


def register_translatable(model):
    """Forget a language's cached pages when a `model` in it is published, unpublished or
    deleted (a TranslatableMixin and DraftStateMixin model; apps call this from ready())."""
    label = model._meta.label_lower
    for signal, name in ((published, "published"), (unpublished, "unpublished")):
        signal.connect(
            translatable_changed, sender=model, dispatch_uid=f"waymark-cache-{name}-{label}"
        )
    post_delete.connect(
        translatable_changed, sender=model, dispatch_uid=f"waymark-cache-deleted-{label}"
    )


def register_shared(*models):
    """Forget every language's cached pages when a row of these models is saved or deleted
    (what readers see in every language; apps call this from their AppConfig.ready())."""
    for model in models:
        label = model._meta.label_lower
        for signal in (post_save, post_delete):
            signal.connect(
                shared_content_changed,
                sender=model,
                dispatch_uid=f"waymark-cache-{label}-{signal is post_save}",
            )


def connect_signals():
    """Pages, sites, languages and the reader settings (from CmsConfig.ready); every other app
    registers its own models with `register_translatable` and `register_shared`."""
    # Imported here: cms.wsgi imports this module before Django is set up.
    from wagtail.models import Locale, Page, PageViewRestriction, Site

    from cms.models import ReaderSettings

    page_published.connect(page_changed, dispatch_uid="waymark-cache-page-published")
    page_unpublished.connect(page_changed, dispatch_uid="waymark-cache-page-unpublished")
    post_page_move.connect(page_changed, dispatch_uid="waymark-cache-page-moved")
    post_delete.connect(page_changed, sender=Page, dispatch_uid="waymark-cache-page-deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"waymark-cache-restriction-{signal is post_save}",
        )
    register_shared(ReaderSettings, Site, Locale)
