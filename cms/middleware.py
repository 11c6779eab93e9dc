"""Response headers that protect readers: resource isolation, feature lock-down, admin CSP;
the language middleware, which leaves paths outside every language alone; and reader pages
without the templates' indentation."""

import re

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.csp import CSP
from django.utils.translation import gettext

from cms.storage import StorageFailed


class SecurityHeadersMiddleware:
    """Add CORP and Permissions-Policy everywhere; give staff pages the admin CSP and a
    same-origin referrer policy, and previews a policy that lets the admin frame them.

    It sits after Django's CSP middleware in MIDDLEWARE so that it sees the
    response first and can choose the policy that middleware then writes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if getattr(request, "is_preview", False):
            # Wagtail's preview renders a reader page inside the admin's side panel: the
            # reader's policy, but the admin's own origin may frame it.
            if not hasattr(response, "_csp_config"):
                response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
        elif request.path.startswith(settings.WAYMARK_ADMIN_PATH):
            if not hasattr(response, "_csp_config"):
                strict = request.path.startswith(settings.ADMIN_SIGN_IN_PATHS)
                response._csp_config = settings.ADMIN_SIGN_IN_CSP if strict else settings.ADMIN_CSP
            # With "no-referrer", browsers send "Origin: null" on form posts, which Django's
            # CSRF check refuses: staff could not sign in. Staff pages keep referrers in-site.
            response.headers["Referrer-Policy"] = "same-origin"
        return response


def static_file_headers(headers, path, url):
    """WhiteNoise answers before the middleware above: give static files the same isolation."""
    headers["Cross-Origin-Resource-Policy"] = settings.CROSS_ORIGIN_RESOURCE_POLICY
    headers["X-Content-Type-Options"] = "nosniff"


# Paths outside every language (machine-readable endpoints registered by apps above, such as
# an API): no language chosen from Accept-Language, no redirect of their 404s into a language.
_unprefixed = []


def register_unprefixed(prefix):
    """Keep LocaleMiddleware away from paths under `prefix` (apps call this from ready())."""
    if prefix not in _unprefixed:
        _unprefixed.append(prefix)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except on registered paths, which answer in the source
    language whatever the reader's browser asks and keep their own 404s."""

    def process_request(self, request):
        if request.path_info.startswith(tuple(_unprefixed)):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return None
        return super().process_request(request)

    def process_response(self, request, response):
        if request.path_info.startswith(tuple(_unprefixed)):
            return response
        return super().process_response(request, response)


class StorageFailureMessage:
    """An upload the media disk could not keep (full, read-only) is answered with what
    happened, not a 500: the multiple uploader's JSON says so for that file, other forms
    go back with the message. Nothing was saved (cms.storage removed the fragment)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StorageFailed):
            return None
        message = gettext(
            "The file could not be saved: %(reason)s. Nothing was saved; "
            "tell an administrator, then try again."
        ) % {"reason": exception.reason}
        if request.headers.get("x-requested-with") == "XMLHttpRequest" or request.path.endswith(
            "/multiple/add/"
        ):
            # As Wagtail answers a file it refuses: the uploader shows the message by the file.
            return JsonResponse({"success": False, "error_message": message})
        messages.error(request, message)
        return HttpResponseRedirect(request.get_full_path(), status=303)


_KEEP_AS_WRITTEN = re.compile(rb"<(pre|textarea)\b.*?</\1\s*>", re.S | re.I)
_INDENT = re.compile(rb"\n[ \t]*(?:\n[ \t]*)*")


def compact_html(html):
    """HTML without the templates' indentation and blank lines (a newline stays wherever
    there was one, so no words run together); <pre> and <textarea> keep theirs."""
    out, last = [], 0
    for kept in _KEEP_AS_WRITTEN.finditer(html):
        out.append(_INDENT.sub(b"\n", html[last : kept.start()]))
        out.append(kept.group())
        last = kept.end()
    out.append(_INDENT.sub(b"\n", html[last:]))
    return b"".join(out)


class CompactReaderHtml:
    """Reader pages without the templates' indentation: about a sixth of a page's bytes,
    which phones pay for online and keep offline (the first visit saves a language's
    essentials within 100 KB). Staff pages are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "streaming", False)
            and not request.path.startswith(settings.WAYMARK_ADMIN_PATH)
            and not response.has_header("Content-Encoding")
        ):
            response.content = compact_html(response.content)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
