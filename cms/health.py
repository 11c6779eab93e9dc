"""/healthz: whether this app server can reach its database and its cache (for load balancers).

The database is what the site cannot answer without (503); without the cache it serves
readers all the same, only slower, so a lost Redis is "degraded" with a 200: a load
balancer must not take every server out because Redis is away.
"""

import logging

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def check_cache():
    store = caches["strict"]
    store.set("healthz", "ok", 10)
    return store.get("healthz") == "ok"


@require_safe
def healthz(request):
    """200 when the database answers ("degraded" without the cache), 503 without the
    database; each part named; never cached."""
    results = {}
    for name, check in (("database", check_database), ("cache", check_cache)):
        try:
            results[name] = "ok" if check() else "failed"
        except Exception:  # any failure is an answer here, not a 500
            log.exception("health check: %s failed", name)
            results[name] = "failed"
    serving = results["database"] == "ok"
    status = "failed" if not serving else "ok" if results["cache"] == "ok" else "degraded"
    return JsonResponse(
        {"status": status, **results},
        status=200 if serving else 503,
        headers={"Cache-Control": "no-store"},
    )
