"""Dates and numbers written out in the reader's language, through Babel."""

import datetime

from babel import Locale, dates, numbers
from django.utils import timezone, translation

# CLDR ships only placeholder month and day names for Haitian Creole ("M11"),
# so we supply the real ones; everything else still comes from Babel.
HAITIAN_CREOLE = {
    "months": [
        "janvye",
        "fevriye",
        "mas",
        "avril",
        "me",
        "jen",
        "jiyè",
        "out",
        "septanm",
        "oktòb",
        "novanm",
        "desanm",
    ],
    # Babel numbers weekdays from Monday (0) to Sunday (6).
    "days": ["lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch"],
    "date_formats": {"full": "EEEE d MMMM y", "long": "d MMMM y", "medium": "d MMM y"},
}


def supplement_babel_locales():
    """Fill the gaps in Babel's Haitian Creole data (idempotent).

    Haitian Creole inherits these tables from CLDR's root locale, which other
    locales share (Arabic's short month names among them), so each table is
    replaced by a new one rather than changed in place.
    """
    data = Locale.parse("ht")._data
    names = {
        "months": dict(enumerate(HAITIAN_CREOLE["months"], start=1)),
        "days": dict(enumerate(HAITIAN_CREOLE["days"])),
    }
    for section, replacement in names.items():
        existing = data[section]
        table = {}
        for context in ("format", "stand-alone"):
            widths = {width: dict(existing[context][width]) for width in existing[context]}
            widths["wide"] = dict(replacement)
            widths["abbreviated"] = dict(replacement)
            table[context] = widths
        data[section] = table
    formats = {length: data["date_formats"][length] for length in data["date_formats"]}
    for length, pattern in HAITIAN_CREOLE["date_formats"].items():
        formats[length] = dates.parse_pattern(pattern)
    data["date_formats"] = formats


def babel_locale(language_code=None):
    """The Babel locale for a Django language code (the active one by default)."""
    code = (language_code or translation.get_language() or "en").replace("-", "_")
    return Locale.parse(code)


def format_date_long(value, language_code=None):
    """A date written out in full, e.g. "26 de noviembre de 2026"."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return dates.format_date(value, "long", locale=babel_locale(language_code))


def format_moment(value, language_code=None):
    """A moment as a date written out and a time, joined as the language joins them, in the
    site's time zone ("7 de diciembre de 2026, 18:00", "7 ديسمبر 2026، 6:00 م")."""
    locale = babel_locale(language_code)
    local = timezone.localtime(value)
    pattern = str(locale.datetime_formats["medium"]).replace("'", "")
    time = dates.format_time(local.time(), "short", locale=locale)
    return pattern.replace("{1}", format_date_long(local.date(), language_code)).replace(
        "{0}", time
    )


def format_number(value, language_code=None):
    """A number with the reader's digit grouping and decimal sign."""
    return numbers.format_decimal(value, locale=babel_locale(language_code))
