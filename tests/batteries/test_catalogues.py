"""Every interface string is translated in all four languages; compiled files are current."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from cms.checks import waymark_apps

LANGUAGES = ["es", "pt", "ht", "ar"]


def catalogue(code):
    return Path(settings.BASE_DIR) / "locale" / code / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_is_complete(code):
    po = polib.pofile(str(catalogue(code)))
    assert po.metadata["Language"] == code
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_is_compiled_and_current(code):
    po, mo = catalogue(code), catalogue(code).with_suffix(".mo")
    assert mo.exists(), "run manage.py compile_translations"
    assert mo.stat().st_mtime >= po.stat().st_mtime


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("es", "Salir de esta página"),
        ("pt", "Sair desta página"),
        ("ht", "Kite paj sa a"),
        ("ar", "اخرج من هذه الصفحة"),
    ],
)
def test_exit_control_is_translated_at_run_time(code, expected):
    with translation.override(code):
        assert translation.gettext("Exit this page") == expected


def source_strings():
    """Every translatable string in our Python code and templates, as makemessages finds them.

    Pure Python (Django's templatize and Babel's extractor), so the check needs
    no GNU gettext on the machine that runs it.
    """
    import io

    from babel.messages.extract import extract_python
    from django.utils.translation.template import templatize

    keywords = {
        "_": None,
        "gettext": None,
        "gettext_lazy": None,
        "ngettext": (1, 2),
        "ngettext_lazy": (1, 2),
        "pgettext": ((1, "c"), 2),
        "pgettext_lazy": ((1, "c"), 2),
        "npgettext": ((1, "c"), 2, 3),
    }
    found = set()
    for config in waymark_apps():  # every app of ours, so a new one cannot be left out
        for path in sorted(Path(config.path).rglob("*")):
            if "migrations" in path.parts or path.suffix not in (".py", ".html", ".txt", ".xml"):
                continue
            text = path.read_text(encoding="utf-8")
            if path.suffix != ".py":
                # Indentation means nothing in a template, but Python's tokenizer minds it.
                text = templatize(text, origin=str(path))
                text = "\n".join(line.lstrip() for line in text.splitlines())
            for _line, _function, message, _comments in extract_python(
                io.BytesIO(text.encode()), keywords.keys(), [], {}
            ):
                messages = message if isinstance(message, tuple) else (message,)
                if messages and messages[0]:
                    found.add(messages[0])
    return found


def test_catalogues_are_current_with_the_code():
    # A new or changed string in code or a template must be extracted and translated.
    strings = source_strings()
    assert "Is something wrong on this page?" in strings  # the extractor sees templates
    assert "Open now, closes %(when)s" in strings  # and Python code
    for code in LANGUAGES:
        po = polib.pofile(str(catalogue(code)))
        translated = {entry.msgid for entry in po if entry.translated() and not entry.obsolete}
        missing = sorted(strings - translated)
        assert missing == [], f"{code}: run makemessages and translate: {missing[:5]}"
