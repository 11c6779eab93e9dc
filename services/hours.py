"""Opening hours: whether a service is open at a moment, and when it next closes or opens.

Everything is computed in the site's time zone (settings.TIME_ZONE) and
compared in UTC, so daylight-saving changes, hours past midnight and dated
exceptions (holidays) all give the answer a reader on the street would expect.
An exception replaces the weekly hours that start on its date; an opening
that began the evening before still runs past midnight into it.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.caching import valid_until
from cms.formatting import babel_locale

UTC = datetime.UTC
# How far ahead "opens Monday at 9" looks: four weeks covers a closed holiday fortnight.
LOOKAHEAD_DAYS = 28


def site_timezone():
    """The time zone opening hours are written in."""
    return ZoneInfo(settings.TIME_ZONE)


def validate_span(opens_at, closes_at, closes_next_day):
    """Errors (field -> message) for one opening; empty when it makes sense."""
    if opens_at is None or closes_at is None:
        return {}
    if closes_next_day and closes_at > opens_at:
        return {
            "closes_next_day": gettext_lazy(
                "It closes later the same day: untick “closes after midnight”."
            )
        }
    if not closes_next_day and closes_at <= opens_at:
        return {
            "closes_at": gettext_lazy(
                "It closes before it opens. If it stays open past midnight, "
                "tick “closes after midnight”."
            )
        }
    return {}


@dataclass(frozen=True)
class Span:
    """One stretch of opening time, as aware datetimes in the site's time zone."""

    start: datetime.datetime
    end: datetime.datetime

    def contains(self, moment):
        return self.start.astimezone(UTC) <= moment.astimezone(UTC) < self.end.astimezone(UTC)


def make_span(day, opens_at, closes_at, closes_next_day, tz):
    """The opening that starts on `day` (the wall-clock times in the site's zone)."""
    end_day = day + datetime.timedelta(days=1) if closes_next_day else day
    return Span(
        datetime.datetime.combine(day, opens_at, tzinfo=tz),
        datetime.datetime.combine(end_day, closes_at, tzinfo=tz),
    )


def overlapping(rows):
    """Pairs of weekly openings that overlap (same day, overlapping dates and times).

    `rows` are objects with weekday, opens_at, closes_at, closes_next_day,
    valid_from and valid_to; each pair is returned once.
    """
    found = []
    reference = datetime.date(2001, 1, 1)  # a Monday: only the weekday and times matter
    tz = UTC
    spans = []
    for row in rows:
        day = reference + datetime.timedelta(days=row.weekday)
        spans.append((row, make_span(day, row.opens_at, row.closes_at, row.closes_next_day, tz)))
    for i, (row_a, span_a) in enumerate(spans):
        for row_b, span_b in spans[i + 1 :]:
            if not _periods_overlap(row_a, row_b):
                continue
            for shift in (-7, 0, 7):  # Sunday night runs into Monday morning
                delta = datetime.timedelta(days=shift)
                if span_a.start < span_b.end + delta and span_b.start + delta < span_a.end:
                    found.append((row_a, row_b))
                    break
    return found


def _periods_overlap(a, b):
    start_a, end_a = a.valid_from or datetime.date.min, a.valid_to or datetime.date.max
    start_b, end_b = b.valid_from or datetime.date.min, b.valid_to or datetime.date.max
    return start_a <= end_b and start_b <= end_a


def spans_on(day, weekly, exceptions_by_date, tz):
    """The openings that start on `day`: that date's exception if any, else the weekly ones."""
    exception = exceptions_by_date.get(day)
    if exception is not None:
        if exception.closed:
            return []
        return [
            make_span(day, exception.opens_at, exception.closes_at, exception.closes_next_day, tz)
        ]
    return [
        make_span(day, row.opens_at, row.closes_at, row.closes_next_day, tz)
        for row in weekly
        if row.weekday == day.weekday()
        and (row.valid_from is None or row.valid_from <= day)
        and (row.valid_to is None or day <= row.valid_to)
    ]


def merged_spans(first_day, last_day, weekly, exceptions, tz):
    """Every opening starting between the two dates, with touching ones joined."""
    by_date = {exception.date: exception for exception in exceptions}
    spans = []
    day = first_day
    while day <= last_day:
        spans.extend(spans_on(day, weekly, by_date, tz))
        day += datetime.timedelta(days=1)
    spans.sort(key=lambda span: span.start.astimezone(UTC))
    merged = []
    for span in spans:
        if merged and span.start.astimezone(UTC) <= merged[-1].end.astimezone(UTC):
            last = merged[-1]
            end = max(last.end, span.end, key=lambda moment: moment.astimezone(UTC))
            merged[-1] = Span(last.start, end)
        else:
            merged.append(span)
    return merged


@dataclass
class OpenStatus:
    """Whether a service is open at a moment, and the next change (site time zone)."""

    state: str  # "open", "closed", "always", "unknown", or a non-active service status
    now: datetime.datetime
    closes_at: datetime.datetime | None = None
    opens_at: datetime.datetime | None = None
    language_code: str | None = field(default=None, repr=False)

    @property
    def is_open(self):
        return self.state in ("open", "always")

    def describe(self):
        """The status as a reader reads it, e.g. "Open now, closes at 3:00 PM"."""
        if self.state == "always":
            return _("Open 24 hours")
        if self.state == "open":
            if self.closes_at is None:
                return _("Open now")
            return _("Open now, closes %(when)s") % {"when": self._when(self.closes_at)}
        if self.state == "closed":
            if self.opens_at is None:
                return _("Closed")
            return _("Closed, opens %(when)s") % {"when": self._when(self.opens_at)}
        if self.state == "unknown":
            return _("Opening hours not known: check before you go")
        if self.state == "temporarily closed":
            return _("Temporarily closed")
        if self.state == "inactive":
            return _("Not available at the moment")
        return _("Closed for good")

    def _when(self, moment):
        """ "at 3:00 PM", "tomorrow at 9:00 AM", "Monday at 9:00 AM" in the reader's language."""
        locale = babel_locale(self.language_code)
        time = format_time(moment.time(), self.language_code)
        days_ahead = (moment.date() - self.now.date()).days
        if days_ahead == 0:
            return _("at %(time)s") % {"time": time}
        if days_ahead == 1:
            return _("tomorrow at %(time)s") % {"time": time}
        day = babel_dates.get_day_names("wide", locale=locale)[moment.weekday()]
        if days_ahead >= 7:
            day = babel_dates.format_date(moment.date(), "full", locale=locale)
        return _("%(day)s at %(time)s") % {"day": day, "time": time}


def format_time(value, language_code=None):
    """A time of day in the reader's convention ("3:00 PM", "15:00")."""
    return babel_dates.format_time(value, "short", locale=babel_locale(language_code))


def open_status(service, weekly, exceptions, now=None, language_code=None):
    """The OpenStatus of a service (anything with status and always_open) at `now`."""
    tz = site_timezone()
    now = (now or timezone.now()).astimezone(tz)
    if service.status != "active":
        return OpenStatus(service.status, now, language_code=language_code)
    if service.always_open:
        return OpenStatus("always", now, language_code=language_code)
    if not weekly and not exceptions:
        return OpenStatus("unknown", now, language_code=language_code)
    today = now.date()
    # "tomorrow at 9:00 AM" becomes wrong at midnight, the status at the next change.
    valid_until(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(), tz))
    spans = merged_spans(
        today - datetime.timedelta(days=1),
        today + datetime.timedelta(days=LOOKAHEAD_DAYS),
        weekly,
        exceptions,
        tz,
    )
    horizon = datetime.datetime.combine(
        today + datetime.timedelta(days=LOOKAHEAD_DAYS), datetime.time(), tzinfo=tz
    )
    for span in spans:
        if span.contains(now):
            # Open for longer than we look ahead (24 hours every day): no closing to announce.
            closes = span.end.astimezone(tz) if span.end < horizon else None
            if closes is not None:
                valid_until(closes)
            return OpenStatus("open", now, closes_at=closes, language_code=language_code)
        if span.start.astimezone(UTC) > now.astimezone(UTC):
            valid_until(span.start)
            return OpenStatus(
                "closed", now, opens_at=span.start.astimezone(tz), language_code=language_code
            )
    return OpenStatus("closed", now, language_code=language_code)


def weekly_table(weekly, language_code=None, today=None):
    """Seven rows, Monday first: the day's name and its openings ("9:00 AM – 3:00 PM").

    Only the hours valid today or later are shown; a row valid for a limited
    period says so.
    """
    locale = babel_locale(language_code)
    today = today or timezone.localdate()
    names = babel_dates.get_day_names("wide", locale=locale)
    rows = []
    for weekday in range(7):
        openings = []
        for row in sorted(
            (r for r in weekly if r.weekday == weekday),
            key=lambda r: (r.valid_from or datetime.date.min, r.opens_at),
        ):
            if row.valid_to is not None and row.valid_to < today:
                continue
            opens = format_time(row.opens_at, language_code)
            text = f"{opens}–{format_time(row.closes_at, language_code)}"
            if row.opens_at == row.closes_at and row.closes_next_day:
                text = _("24 hours")
            period = _period(row, language_code, today)
            openings.append(f"{text} ({period})" if period else text)
        rows.append({"weekday": weekday, "name": names[weekday], "openings": openings})
    return rows


def _period(row, language_code, today):
    locale = babel_locale(language_code)
    start = row.valid_from if row.valid_from and row.valid_from > today else None
    end = row.valid_to

    def medium(date):
        return babel_dates.format_date(date, "medium", locale=locale)

    if start and end:
        return _("%(start)s to %(end)s") % {"start": medium(start), "end": medium(end)}
    if start:
        return _("from %(date)s") % {"date": medium(start)}
    if end:
        return _("until %(date)s") % {"date": medium(end)}
    return ""


def upcoming_exceptions(exceptions, language_code=None, today=None, days=60):
    """Dated exceptions in the next `days` days, described for readers."""
    today = today or timezone.localdate()
    locale = babel_locale(language_code)
    described = []
    if exceptions:  # the list moves on at midnight
        valid_until(
            datetime.datetime.combine(
                today + datetime.timedelta(days=1), datetime.time(), site_timezone()
            )
        )
    for exception in sorted(exceptions, key=lambda e: e.date):
        if not today <= exception.date <= today + datetime.timedelta(days=days):
            continue
        if exception.closed:
            text = _("Closed")
        else:
            text = (
                f"{format_time(exception.opens_at, language_code)}–"
                f"{format_time(exception.closes_at, language_code)}"
            )
        described.append(
            {
                "date": exception.date,
                "day": babel_dates.format_date(exception.date, "full", locale=locale),
                "text": text,
            }
        )
    return described
