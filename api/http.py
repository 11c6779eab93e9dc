"""HTTP for the APIs, in one middleware: what every /api/ response gets, cached or not.

- Only GET, HEAD and OPTIONS (the APIs only read); anything else is a 405 problem.
- A cache of whole responses per URL (with Redis, like reader pages: on when
  WAYMARK_PAGE_CACHE_SECONDS > 0), valid while the generations of the languages the URL
  shows are unchanged (cms.caching moves them on every publish, unpublish, move or
  delete), so API URLs of a language are forgotten when its content changes.
- ETag (a hash of the body) and Last-Modified (the last change anywhere), answered with
  304 Not Modified; Cache-Control as reader pages have it (public, max-age, s-maxage).
- A rate limit on what the cache could not answer, counted per keyed hash of the client
  address (the address itself is never stored): 429 with Retry-After.
- Every error as application/problem+json; no cookies, ever.

CORS (django-cors-headers) and gzip (ApiGZipMiddleware) sit outside it in MIDDLEWARE.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django_ratelimit.core import get_usage

from cms import caching, languages
from cms.clients import client_address

from .changes import last_change
from .problems import PROBLEM_TYPE, problem

PREFIX = "/api/"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
ENTRY_PREFIX = "apicache:"


def is_api(request):
    return request.path_info.startswith(PREFIX)


def languages_shown(request):
    """The languages whose changes can change this response: ?locale=, else all of them.

    A service record carries every language's words, so the directory API depends on all.
    """
    code = request.GET.get("locale")
    if code and languages.is_known(code) and not request.path_info.startswith("/api/hsds/"):
        return [code]
    return languages.codes()


def client_key(group, request):
    """A keyed hash of the client's address: counts requests without keeping the address."""
    address = client_address(request)
    return hmac.new(
        settings.SECRET_KEY.encode(), f"api-rate|{address}".encode(), hashlib.sha256
    ).hexdigest()[:32]


def _entry_key(request):
    url = request.build_absolute_uri()
    return ENTRY_PREFIX + hashlib.sha256(url.encode()).hexdigest()[:32]


def _cache_enabled():
    return settings.WAYMARK_PAGE_CACHE_SECONDS > 0


class ApiMiddleware:
    """See the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request):
            return self.get_response(request)
        if request.method not in READ_METHODS:
            response = problem(
                405,
                f"The API only reads: use {', '.join(READ_METHODS)}.",
                request.path,
                headers={"Allow": ", ".join(READ_METHODS)},
            )
            return self.finish(request, response)
        if request.method == "OPTIONS":  # CORS preflights were answered outside
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(READ_METHODS)
            return self.finish(request, response)
        key = generations = None
        if _cache_enabled():
            key = _entry_key(request)
            generations = caching.current_generations(languages_shown(request))
            entry = cache.get(key)
            if entry is not None and entry["generations"] == generations:
                return self.answer_from(request, entry)
        limited = self.rate_limited(request)
        if limited is not None:
            return self.finish(request, limited)
        response = self.get_response(request)
        response = self.finish(request, response)
        if response.status_code != 200:
            return response
        etag, modified = response["ETag"], response["Last-Modified"]
        if key is not None:
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in ("vary", "access-control-allow-origin")
            ]
            entry = {
                "generations": generations,
                "headers": headers,
                "content": response.content,
                "etag": etag,
                "modified": modified,
            }
            cache.set(key, entry, settings.WAYMARK_PAGE_CACHE_SECONDS)
        return get_conditional_response(
            request, etag=etag, last_modified=_timestamp(modified), response=response
        )

    def rate_limited(self, request):
        usage = get_usage(
            request,
            group="waymark-api",
            key=client_key,
            rate=settings.WAYMARK_API_RATE_LIMIT,
            increment=True,
        )
        if usage is None or not usage["should_limit"]:
            return None
        wait = max(1, int(usage["time_left"]))
        return problem(
            429,
            f"Too many uncached requests from this address: try again in {wait} seconds, "
            "or ask with If-None-Match to be answered from the cache.",
            request.path,
            headers={"Retry-After": str(wait)},
        )

    def answer_from(self, request, entry):
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"]:
            response[name] = value
        response[caching.CACHE_HEADER] = "hit"
        patch_vary_headers(response, ["Accept-Encoding"])
        return get_conditional_response(
            request,
            etag=entry["etag"],
            last_modified=_timestamp(entry["modified"]),
            response=response,
        )

    def finish(self, request, response):
        """Headers every API response has; errors made problem+json; cookies dropped."""
        response.cookies.clear()
        if response.has_header("Vary"):
            kept = [
                value.strip()
                for value in response["Vary"].split(",")
                if value.strip().lower() != "cookie"
            ]
            del response["Vary"]
            if kept:
                response["Vary"] = ", ".join(kept)
        # The API is meant to be read by other sites' scripts.
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        status = response.status_code
        if status >= 400 and response.get("Content-Type", "") != PROBLEM_TYPE:
            response = problem(status, _default_detail(status), request.path)
            response["Cross-Origin-Resource-Policy"] = "cross-origin"
        if status == 200 and not getattr(response, "streaming", False):
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            changed = last_change()
            response["Last-Modified"] = http_date(changed.timestamp() if changed else 0)
            response["Cache-Control"] = caching.cache_control()
            patch_vary_headers(response, ["Accept-Encoding"])
            if _cache_enabled():
                response[caching.CACHE_HEADER] = "miss"
        elif status >= 300:
            response["Cache-Control"] = "no-store"
        return response


def _timestamp(value):
    return parse_http_date_safe(value) if value else None


def _default_detail(status):
    if status == 404:
        return (
            "There is nothing at this address: see /api/v2/openapi.json and /api/hsds/openapi.json."
        )
    if status == 405:
        return "The API only reads: use GET, HEAD or OPTIONS."
    return "The request could not be answered."


class ApiGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for the API only (reader pages are compressed by the proxy)."""

    def process_response(self, request, response):
        if not is_api(request):
            return response
        return super().process_response(request, response)
