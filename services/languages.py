"""Languages a service's staff speak: ISO 639 codes, named in the reader's own language."""

from functools import cache

from babel import Locale
from django.conf import settings

from cms.formatting import babel_locale


@cache
def _known_codes():
    names = Locale("en").languages
    return sorted(
        code for code in names if code.isalpha() and code.islower() and len(code) in (2, 3)
    )


def language_choices():
    """(code, English name) for every ISO 639-1/639-3 language CLDR names, common ones first."""
    names = Locale("en").languages
    common = [code for code in settings.WAYMARK_COMMON_LANGUAGES if code in names]
    rest = [code for code in _known_codes() if code not in common]
    return [(code, f"{names[code]} ({code})") for code in [*common, *rest]]


@cache
def _known_set():
    return frozenset(_known_codes())


def is_known(code):
    """Whether a code is one we can name (ISO 639-1 or 639-3, as CLDR knows them)."""
    return code in _known_set()


def language_name(code, language_code=None):
    """A language's name in the reader's language ("inglés"), else in English, else its code."""
    for locale in (babel_locale(language_code), Locale("en")):
        name = locale.languages.get(code)
        if name:
            return name
    return code
