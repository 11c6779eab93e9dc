"""Content versions for offline copies: a short hash that changes whenever something is republished.

Reader pages send theirs as `X-Waymark-Version` (`OfflineVersioned`), and
`offline.json` lists the same values, so a phone re-downloads a saved page only
when it changed.
"""

import hashlib

VERSION_HEADER = "X-Waymark-Version"


def short_hash(*parts):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def page_version(page):
    """Changes whenever the page is published again."""
    published = page.last_published_at.isoformat() if page.last_published_at else ""
    return short_hash(page.pk, page.live_revision_id, published)


def service_version(service, words=None):
    """A service's page changes with the service, or with its words in the reader's language."""
    return short_hash(
        service.pk,
        service.last_published_at,
        words.last_published_at if words is not None else "",
    )


class OfflineVersioned:
    """A page type mixin: reader pages send their version, so saved copies update only on change."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if hasattr(response, "headers"):
            response.headers.setdefault(VERSION_HEADER, page_version(self))
        return response
