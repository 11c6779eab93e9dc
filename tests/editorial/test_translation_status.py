"""Translations that fell behind their source are flagged to translators and to readers."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import TranslationSource

from cms import languages
from editorial import translation_status
from home.models import TopicPage
from services.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def english(slug):
    return TopicPage.objects.get(slug=slug, locale__language_code="en")


def statuses(source):
    row = next(row for row in translation_status.matrix() if row["source"].pk == source.pk)
    return {code: status for code, (status, _translation) in row["cells"].items()}


def change_and_publish(page, title):
    page.title = title
    page.save_revision().publish()
    return TopicPage.objects.get(pk=page.pk)


def test_demo_translations_are_up_to_date_or_missing(reader):
    assert statuses(english("reporting")) == dict.fromkeys(languages.translations(), "up_to_date")
    assert statuses(english("legal-work")) == {
        "es": "up_to_date",
        "pt": "missing",
        "ht": "missing",
        "ar": "missing",
    }
    html = reader.get(
        english("reporting").get_translation(Locale.objects.get(language_code="es")).url
    )
    assert "may be out of date" not in html.content.decode()


def test_a_changed_source_marks_its_translations_outdated_for_readers_too(reader):
    source = change_and_publish(english("reporting"), "How to report concerns (updated)")
    assert statuses(source) == dict.fromkeys(languages.translations(), "outdated")
    spanish = source.get_translation(Locale.objects.get(language_code="es"))
    html = reader.get(spanish.url).content.decode()
    assert "Es posible que esta traducción no esté actualizada" in html
    assert f'href="{source.url}" hreflang="en"' in html
    # The English page itself carries no notice.
    assert "may be out of date" not in reader.get(source.url).content.decode()


def test_syncing_the_translation_makes_it_current_again(reader, django_capture_on_commit_callbacks):
    source = change_and_publish(english("reporting"), "How to report concerns (updated)")
    spanish_locale = Locale.objects.get(language_code="es")
    with django_capture_on_commit_callbacks(execute=True):
        translation_source, _created = TranslationSource.update_or_create_from_instance(source)
        translation_source.create_or_update_translation(spanish_locale, publish=True, fallback=True)
    assert statuses(source)["es"] == "up_to_date"
    assert statuses(source)["pt"] == "outdated"
    spanish = source.get_translation(spanish_locale)
    assert "Es posible que esta" not in reader.get(spanish.url).content.decode()


def test_a_translation_with_unpublished_changes_awaits_review():
    source = english("reporting")
    spanish = source.get_translation(Locale.objects.get(language_code="es"))
    spanish.title = "Borrador"
    spanish.save_revision()
    assert statuses(source)["es"] == "awaiting_review"


def test_services_have_a_row_too():
    source = Service.objects.sources().get(slug="text-a-tip")
    assert statuses(source) == {
        "es": "up_to_date",
        "pt": "missing",
        "ht": "missing",
        "ar": "missing",
    }


def test_translation_status_report_filters_by_type_and_status(client):
    client.force_login(get_user_model().objects.get(username="translator-es"))
    change_and_publish(english("trafficking"), "Trafficking (updated)")
    url = reverse("waymark_translation_status")
    html = client.get(url, {"kind": "page", "status": "outdated"}).content.decode()
    assert "Trafficking (updated)" in html
    assert "Legal work" not in html and "Text-a-Tip" not in html
    services = client.get(url, {"kind": "service"}).content.decode()
    assert "Text-a-Tip" in services
