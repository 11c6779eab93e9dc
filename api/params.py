"""Query parameters read strictly: an unknown, repeated or malformed one is a 400 problem that
names it and says what would be accepted, never a guess and never a 500."""

import datetime
import re

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cms import languages

from .problems import ApiError

TRUE, FALSE = {"true"}, {"false"}
# "+02:00" arrives as " 02:00" when a client forgets to percent-encode the "+".
_SPACED_OFFSET = re.compile(r"^(\S+) (\d{2}:?\d{2})$")


def check_known(request, allowed):
    """Refuse parameters this endpoint does not take, repeated ones and NUL characters."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise ApiError(
            f"Unknown parameter: {', '.join(unknown)}. "
            f"This endpoint takes: {', '.join(sorted(allowed)) or 'none'}.",
            parameter=unknown[0],
        )
    for name, values in request.GET.lists():
        if len(values) > 1:
            raise ApiError(f"Give {name} once.", parameter=name)
        if "\x00" in values[0]:
            raise ApiError(f"{name} contains a NUL character.", parameter=name)


def text(request, name, max_length=200):
    """A text parameter, stripped ('' when absent)."""
    value = request.GET.get(name, "").strip()
    if len(value) > max_length:
        raise ApiError(f"{name} is longer than {max_length} characters.", parameter=name)
    return value


def integer(request, name, default, minimum=None, maximum=None):
    """A whole number within bounds, or `default` when absent."""
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"-?\d{1,9}", raw):
        raise ApiError(f"{name} must be a whole number, not {raw!r}.", parameter=name)
    value = int(raw)
    if minimum is not None and value < minimum:
        raise ApiError(f"{name} must be at least {minimum}.", parameter=name)
    if maximum is not None and value > maximum:
        raise ApiError(f"{name} must be at most {maximum}.", parameter=name)
    return value


def boolean(request, name, default=False):
    """true or false, or `default` when absent."""
    raw = request.GET.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ApiError(f"{name} must be true or false, not {raw!r}.", parameter=name)


def moment(request, name):
    """An ISO 8601 date-time (a date means its midnight; no offset means UTC), or None."""
    raw = request.GET.get(name)
    if raw is None:
        return None
    value = _SPACED_OFFSET.sub(r"\1+\2", raw.strip())
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is not None:
                parsed = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ApiError(
            f"{name} must be an ISO 8601 date-time such as 2026-10-01T12:00:00Z, not {raw!r}.",
            parameter=name,
        )
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    try:
        return parsed.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise ApiError(f"{name} is out of range: {raw!r}.", parameter=name) from None


def locale(request, name="locale", default=None):
    """One of the site's languages, or `default` when absent."""
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not languages.is_known(raw):
        raise ApiError(
            f"Unknown locale {raw!r}: use one of {', '.join(languages.codes())}.",
            parameter=name,
        )
    return raw
