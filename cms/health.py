"""/healthz: whether this app server can reach its database and its cache (for load balancers)."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def check_cache():
    cache.set("healthz", "ok", 10)
    return cache.get("healthz") == "ok"


@require_safe
def healthz(request):
    """200 when the database and the cache answer, 503 naming what failed; never cached."""
    results = {}
    for name, check in (("database", check_database), ("cache", check_cache)):
        try:
            results[name] = "ok" if check() else "failed"
        except Exception:  # any failure is an answer here, not a 500
            log.exception("health check: %s failed", name)
            results[name] = "failed"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failed", **results},
        status=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )
