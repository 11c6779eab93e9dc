"""The system checks that keep the layers honest: every app of ours says whether its saves are
cleaned, and services are written in exactly the site's languages."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from cms import checks, sanitize
from home.apps import HomeConfig
from home.models import TopicPage
from services.checks import check_service_languages


def test_every_app_of_ours_with_text_fields_says_whether_it_is_cleaned():
    labels = {config.label for config in checks.waymark_apps()}
    assert {"cms", "services", "home", "editorial", "reader", "staff"} <= labels
    assert checks.check_cleaning_declared() == []


@pytest.mark.django_db  # Django's checks ask SQLite whether it stores JSON
def test_an_app_that_says_nothing_fails_the_check(monkeypatch):
    monkeypatch.delattr(HomeConfig, "clean_saved_text")
    errors = checks.check_cleaning_declared()
    assert [(error.id, error.obj.label) for error in errors] == [("waymark.E001", "home")]
    assert "clean_saved_text = True" in errors[0].hint
    with pytest.raises(SystemCheckError, match=r"waymark\.E001"):
        call_command("check")


def test_apps_without_text_fields_need_not_say():
    reader = apps.get_app_config("reader")
    assert not checks.has_text_fields(reader)
    assert not hasattr(type(reader), "clean_saved_text")


def test_only_apps_that_opted_in_are_cleaned(monkeypatch):
    assert sanitize.is_cleaned(TopicPage)
    monkeypatch.setattr(HomeConfig, "clean_saved_text", False)
    assert not sanitize.is_cleaned(TopicPage)


def test_services_languages_follow_the_sites_languages():
    assert check_service_languages() == []
    with override_settings(LANGUAGES=[("en", "English"), ("es", "Español"), ("fr", "Français")]):
        errors = check_service_languages()
    assert [error.id for error in errors] == ["waymark.E002"]
    assert "makemigrations" in errors[0].hint
