"""The site's languages in one place: which is the source, which are translations, which read
right to left, and what each is called.

Everything comes from `settings.LANGUAGES`, `LANGUAGE_CODE` and `LANGUAGES_BIDI`, read when
asked (so a test's `override_settings` holds), never copied into another list.
"""

from django.conf import settings


def source():
    """The language content is written in first (English); every translation starts from it."""
    return settings.LANGUAGE_CODE


def codes():
    """Every reader language, source first as in settings: ["en", "es", "pt", "ht", "ar"]."""
    return [code for code, _name in settings.LANGUAGES]


def translations():
    """The languages content is translated into."""
    return [code for code in codes() if code != source()]


def names():
    """Each language's name in its own language, by code."""
    return dict(settings.LANGUAGES)


def is_known(code):
    """Whether `code` is one of the reader languages."""
    return code in codes()


def is_source(code):
    return code == source()


def is_rtl(code):
    """Whether the language is written right to left (Arabic)."""
    return (code or "").split("-", 1)[0] in settings.LANGUAGES_BIDI


def direction(code):
    """The `dir` attribute for text in this language: "rtl" or "ltr"."""
    return "rtl" if is_rtl(code) else "ltr"
