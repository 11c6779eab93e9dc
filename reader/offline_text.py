"""What the service worker and the offline script write, in each reader language, made here.

Scripts on the phone cannot format dates and sizes themselves: `Intl` has no Haitian
Creole data (it falls back to French or English). So the server hands the worker, for
every language, the interface strings it shows (through gettext) and the pieces Babel
formats dates, times and numbers with (month names, the date and time pattern, the
decimal and group signs, the kilobyte and megabyte patterns), and the worker only fills
them in. The same Babel data that formats the server's own dates, so both agree.
"""

import re

from babel import dates, numbers
from django.utils import translation
from django.utils.translation import gettext as _

from cms.formatting import babel_locale

# A saved copy older than this is marked: the number in it may have changed since.
STALE_DAYS = 7

FIELD = re.compile(r"%\((\w+)\)s")


def datetime_pattern(locale):
    """Babel's long date and short time, joined as the locale joins them, as "{d} {MMMM}..."."""
    joined = (
        dates.get_datetime_format("long", locale=locale)
        .replace("'", "")
        .replace("{1}", dates.get_date_format("long", locale=locale).pattern)
        .replace("{0}", dates.get_time_format("short", locale=locale).pattern)
    )
    pattern = dates.parse_pattern(joined).format
    return FIELD.sub(r"{\1}", pattern).replace("%%", "%")


def unit_pattern(locale, unit):
    """ "{0} kB" and the like, in the locale's own words and order."""
    patterns = locale._data["unit_patterns"].get(unit, {}).get("short", {})
    return patterns.get("other") or patterns.get("one") or "{0} " + unit.split("-")[-1]


def formats(code):
    """What the worker needs to write a date, a time, a count and a size as Babel would."""
    locale = babel_locale(code)
    periods = locale.day_periods["format"]["abbreviated"]
    return {
        "months": [locale.months["format"]["wide"][month] for month in range(1, 13)],
        "monthsShort": [locale.months["format"]["abbreviated"][month] for month in range(1, 13)],
        "days": [locale.days["format"]["wide"][day] for day in range(7)],
        "am": periods.get("am", "AM"),
        "pm": periods.get("pm", "PM"),
        "pattern": datetime_pattern(locale),
        "decimal": numbers.get_decimal_symbol(locale),
        "group": numbers.get_group_symbol(locale),
        "digits": "".join(numbers.format_decimal(digit, locale=locale) for digit in range(10)),
        "kB": unit_pattern(locale, "digital-kilobyte"),
        "MB": unit_pattern(locale, "digital-megabyte"),
    }


def messages(code):
    """The worker's own sentences, in one language."""
    with translation.override(code):
        return {
            "stale": _(
                "This copy was saved more than a week ago: check the number before you call."
            ),
            "hours": _("Open or closed now? Check the opening hours before you go."),
            "offline": _("You are offline, and this page is not saved on this phone."),
        }


def worker_text(codes):
    """Every language's sentences and formats, by language code."""
    return {code: {"formats": formats(code), **messages(code)} for code in codes}
