"""Open now / closed, in the site's time zone: weekdays, past midnight, DST changes, holidays."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from services.hours import open_status, overlapping, weekly_table
from services.models import ScheduleException
from tests.services.factories import hours

NEW_YORK = ZoneInfo("America/New_York")
UTC = datetime.UTC
WEEKDAYS_9_TO_3 = [hours(day, "09:00", "15:00") for day in range(5)]


def at(text, tz=NEW_YORK):
    """An aware moment from "2026-11-23 10:00" (local wall time by default)."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=tz)


def service(status="active", always_open=False):
    return SimpleNamespace(status=status, always_open=always_open)


def status_text(weekly, moment, exceptions=(), language="en", **kwargs):
    with translation.override(language):
        text = open_status(
            service(**kwargs), weekly, list(exceptions), now=moment, language_code=language
        ).describe()
    # CLDR puts a narrow no-break space before AM/PM.
    return text.replace("\u202f", " ")


def closed_on(date):
    return ScheduleException(date=datetime.date.fromisoformat(date), closed=True)


def special(date, opens, closes, next_day=False):
    return ScheduleException(
        date=datetime.date.fromisoformat(date),
        closed=False,
        opens_at=datetime.time.fromisoformat(opens),
        closes_at=datetime.time.fromisoformat(closes),
        closes_next_day=next_day,
    )


# 2026-11-23 is a Monday; 2026-11-26 (Thanksgiving) a Thursday.
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-23 10:00", "Open now, closes at 3:00 PM"),
        ("2026-11-23 08:59", "Closed, opens at 9:00 AM"),
        ("2026-11-23 15:00", "Closed, opens tomorrow at 9:00 AM"),
        ("2026-11-27 16:00", "Closed, opens Monday at 9:00 AM"),
        ("2026-11-28 12:00", "Closed, opens Monday at 9:00 AM"),
    ],
)
def test_weekday_hours_say_when_it_closes_or_opens(moment, expected):
    assert status_text(WEEKDAYS_9_TO_3, at(moment)) == expected


def test_the_answer_is_given_in_the_site_time_zone_whatever_the_clock():
    # 15:30 UTC is 10:30 in Norwalk in November.
    assert status_text(WEEKDAYS_9_TO_3, at("2026-11-23 15:30", UTC)).startswith("Open now")


def test_hours_past_midnight_keep_it_open_into_the_next_day():
    friday_night = [hours(4, "22:00", "02:00", next_day=True)]
    assert status_text(friday_night, at("2026-11-27 23:00")) == (
        "Open now, closes tomorrow at 2:00 AM"
    )
    assert status_text(friday_night, at("2026-11-28 01:30")) == "Open now, closes at 2:00 AM"
    assert status_text(friday_night, at("2026-11-28 02:00")).startswith("Closed, opens Friday")


def test_sunday_night_runs_into_monday_morning():
    sunday_night = [hours(6, "20:00", "06:00", next_day=True)]
    assert status_text(sunday_night, at("2026-11-23 05:00")) == "Open now, closes at 6:00 AM"


def test_back_to_back_openings_read_as_one():
    split = [hours(0, "09:00", "12:00"), hours(0, "12:00", "17:00")]
    assert status_text(split, at("2026-11-23 11:00")) == "Open now, closes at 5:00 PM"


def test_open_all_night_across_the_spring_dst_change():
    # Clocks go from 2:00 to 3:00 on Sunday 8 March 2026.
    saturday_night = [hours(5, "22:00", "04:00", next_day=True)]
    assert status_text(saturday_night, at("2026-03-08 03:30")) == "Open now, closes at 4:00 AM"
    status = open_status(service(), saturday_night, [], now=at("2026-03-08 03:30"))
    assert status.closes_at.astimezone(UTC) == datetime.datetime(2026, 3, 8, 8, 0, tzinfo=UTC)
    # 06:30 UTC on the Saturday is 01:30 local (EST): before the opening.
    assert status_text(saturday_night, at("2026-03-07 06:30", UTC)).startswith("Closed")


def test_morning_hours_follow_the_wall_clock_after_each_dst_change():
    sundays = [hours(6, "09:00", "12:00")]
    # 13:30 UTC is 09:30 EDT on 8 March (open), 08:30 EST on 1 March (closed).
    assert status_text(sundays, at("2026-03-08 13:30", UTC)).startswith("Open now")
    assert status_text(sundays, at("2026-03-01 13:30", UTC)).startswith("Closed, opens at 9")
    # Clocks go back on Sunday 1 November 2026: 13:30 UTC is 08:30 EST (closed).
    assert status_text(sundays, at("2026-11-01 13:30", UTC)).startswith("Closed, opens at 9")
    assert status_text(sundays, at("2026-11-01 14:30", UTC)).startswith("Open now")


def test_a_holiday_closure_replaces_that_days_hours():
    thanksgiving = [closed_on("2026-11-26")]
    weekly = [hours(day, "09:00", "15:00") for day in range(7)]
    assert status_text(weekly, at("2026-11-26 10:00"), thanksgiving) == (
        "Closed, opens tomorrow at 9:00 AM"
    )
    assert status_text(weekly, at("2026-11-25 16:00"), thanksgiving) == (
        "Closed, opens Friday at 9:00 AM"
    )


def test_special_hours_on_a_date_replace_the_weekly_ones():
    short_day = [special("2026-11-24", "10:00", "12:00")]
    assert status_text(WEEKDAYS_9_TO_3, at("2026-11-24 09:30"), short_day) == (
        "Closed, opens at 10:00 AM"
    )
    assert status_text(WEEKDAYS_9_TO_3, at("2026-11-24 11:00"), short_day) == (
        "Open now, closes at 12:00 PM"
    )
    assert status_text(WEEKDAYS_9_TO_3, at("2026-11-24 13:00"), short_day).startswith("Closed")


def test_a_closure_does_not_cut_short_the_night_before():
    friday_night = [hours(4, "22:00", "02:00", next_day=True)]
    assert status_text(friday_night, at("2026-11-28 01:00"), [closed_on("2026-11-28")]) == (
        "Open now, closes at 2:00 AM"
    )


def test_a_long_closure_points_to_the_next_opening_date():
    weekly = [hours(0, "09:00", "15:00")]
    closed_week = [closed_on("2026-11-30"), closed_on("2026-12-07")]
    assert status_text(weekly, at("2026-11-24 10:00"), closed_week) == (
        "Closed, opens Monday, December 14, 2026 at 9:00 AM"
    )


def test_hours_only_apply_within_their_dates():
    summer = [hours(0, "09:00", "15:00", valid_from=datetime.date(2026, 6, 1))]
    summer[0].valid_to = datetime.date(2026, 8, 31)
    assert status_text(summer, at("2026-07-06 10:00")).startswith("Open now")
    assert status_text(summer, at("2026-11-23 10:00")) == "Closed"


def test_hotlines_and_statuses_say_what_they_are():
    assert status_text([], at("2026-11-23 03:00"), always_open=True) == "Open 24 hours"
    assert status_text([], at("2026-11-23 10:00")) == "Opening hours not known: check before you go"
    assert status_text(WEEKDAYS_9_TO_3, at("2026-11-23 10:00"), status="temporarily closed") == (
        "Temporarily closed"
    )
    every_day = [hours(day, "00:00", "00:00", next_day=True) for day in range(7)]
    assert status_text(every_day, at("2026-11-23 03:00")) == "Open now"


def test_times_and_days_are_written_the_readers_way():
    spanish = status_text(WEEKDAYS_9_TO_3, at("2026-11-27 16:00"), language="es")
    assert "lunes" in spanish and "9:00" in spanish
    arabic = status_text(WEEKDAYS_9_TO_3, at("2026-11-23 10:00"), language="ar")
    assert "3:00" in arabic and "م" in arabic
    haitian = status_text(WEEKDAYS_9_TO_3, at("2026-11-27 16:00"), language="ht")
    assert "lendi" in haitian
    table = weekly_table(WEEKDAYS_9_TO_3, "es", datetime.date(2026, 11, 23))
    assert table[0]["name"] == "lunes" and table[0]["openings"] == ["9:00–15:00"]
    assert table[6]["openings"] == []


def test_closing_before_opening_is_refused_with_a_way_out():
    row = hours(0, "15:00", "09:00")
    with pytest.raises(ValidationError) as error:
        row.clean()
    assert "past midnight" in str(error.value)
    hours(0, "22:00", "02:00", next_day=True).clean()
    with pytest.raises(ValidationError):
        hours(0, "09:00", "15:00", next_day=True).clean()


def test_overlapping_hours_are_found_including_across_sunday_night():
    assert overlapping([hours(0, "09:00", "12:00"), hours(0, "11:00", "15:00")])
    assert not overlapping([hours(0, "09:00", "12:00"), hours(0, "12:00", "15:00")])
    assert overlapping([hours(6, "22:00", "03:00", next_day=True), hours(0, "02:00", "05:00")])
    winter = hours(0, "09:00", "12:00", valid_to=datetime.date(2026, 3, 31))
    summer = hours(0, "10:00", "15:00", valid_from=datetime.date(2026, 4, 1))
    assert not overlapping([winter, summer])


def test_exceptions_need_times_unless_closed():
    with pytest.raises(ValidationError):
        ScheduleException(date=datetime.date(2026, 12, 25), closed=False).clean()
    with pytest.raises(ValidationError):
        ScheduleException(
            date=datetime.date(2026, 12, 25), closed=True, opens_at=datetime.time(9)
        ).clean()
    special("2026-12-24", "09:00", "12:00").clean()
