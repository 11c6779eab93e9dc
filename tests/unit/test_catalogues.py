"""Every interface string is translated in all four languages; compiled files are current."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

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
