"""What a reader gets when the server fails: a short page in the language of the address they
asked for, with the emergency number, that needs neither the database nor the cache.

A lost database (PostgreSQL restarting, a connection refused: a database error while a
new connection cannot be made) is not a bug: it answers 503 with `Retry-After`, so
browsers, proxies and apps try again shortly, and nobody caches it. Anything else is a
500, with the same help on it.
"""

import sys

from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from cms import languages
from cms.caching import language_of
from cms.models import ReaderSettings

RETRY_AFTER_SECONDS = 30


def reader_setting(name):
    """The reader settings' default: the database that holds the real one is not asked."""
    return ReaderSettings._meta.get_field(name).default


def database_unreachable():
    """Whether a new connection to the database fails (an outage, not a bad query: a query
    the database refused is a bug, and stays a 500). A connection of its own, so the
    request's is left as it is."""
    probe = connections.create_connection("default")
    probe.connect_retry_seconds = 0  # the request has waited already (cms.db.postgresql)
    try:
        probe.ensure_connection()
    except DatabaseError:
        return True
    finally:
        probe.close()
    return False


def server_error(request):
    """handler500: called while the exception is being handled, so it can tell which."""
    unavailable = isinstance(sys.exc_info()[1], DatabaseError) and database_unreachable()
    code = language_of(request.path) or languages.source()
    with translation.override(code):
        html = render_to_string(
            "500.html",
            {
                "code": code,
                "direction": languages.direction(code),
                "unavailable": unavailable,
                "number": reader_setting("emergency_number"),
                "exit_url": reader_setting("exit_url"),
            },
        )
    response = HttpResponse(html, status=503 if unavailable else 500)
    response["Cache-Control"] = "no-store"
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
