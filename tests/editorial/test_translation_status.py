"""Translations that fell behind their source are flagged to translators and to readers."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import (
    String,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from cms import languages
from editorial import translation_status
from home.models import TopicPage
from services.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def english(slug):
    return TopicPage.objects.get(slug=slug, locale__language_code="en")


def statuses(source, user=None):
    return {code: cell["status"] for code, cell in cells(source, user).items()}


def cells(source, user=None):
    rows = translation_status.matrix(user=user)
    row = next(row for row in rows if row["source"].pk == source.pk and row["kind"] == kind(source))
    return {cell["code"]: cell for cell in row["cells"]}


def kind(source):
    return "service" if isinstance(source, Service) else "page"


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
    translation_source, _created = TranslationSource.update_or_create_from_instance(source)
    # Published with the new title untranslated: Spanish readers would read English words.
    with django_capture_on_commit_callbacks(execute=True):
        translation_source.create_or_update_translation(spanish_locale, publish=True, fallback=True)
    assert cells(source)["es"]["status"] == "in_progress"
    assert cells(source)["es"]["left"] == 1
    # Translated and published again: current.
    title = String.objects.get(data="How to report concerns (updated)")
    segment = StringSegment.objects.get(source=translation_source, string=title)
    StringTranslation.objects.create(
        translation_of=title,
        locale=spanish_locale,
        context=segment.context,
        data="Cómo denunciar (actualizado)",
    )
    with django_capture_on_commit_callbacks(execute=True):
        translation_source.create_or_update_translation(spanish_locale, publish=True, fallback=True)
    assert statuses(source)["es"] == "up_to_date"
    assert statuses(source)["pt"] == "outdated"
    spanish = source.get_translation(spanish_locale)
    assert "Es posible que esta" not in reader.get(spanish.url).content.decode()


def test_a_live_translation_with_a_draft_has_changes_pending_until_submitted():
    source = english("reporting")
    spanish = source.get_translation(Locale.objects.get(language_code="es"))
    spanish.title = "Borrador"
    spanish.save_revision()
    assert statuses(source)["es"] == "changes_pending"


def test_a_translators_edits_to_a_live_translation_are_changes_pending():
    source = english("reporting")
    spanish = source.get_translation(Locale.objects.get(language_code="es"))
    translation = Translation.objects.get(
        source__object_id=source.translation_key, target_locale=spanish.locale
    )
    string = StringTranslation.objects.filter(
        locale=spanish.locale,
        translation_of__in=StringSegment.objects.filter(source=translation.source).values("string"),
    ).first()
    string.data += " (corregido)"
    string.save()
    assert statuses(source)["es"] == "changes_pending"


def test_a_new_translation_is_in_progress_with_the_strings_left_not_awaiting_review(client):
    source = english("visitors")
    arabic = Locale.objects.get(language_code="ar")
    TranslationSource.update_or_create_from_instance(source)[0].create_or_update_translation(
        arabic, publish=False, fallback=True
    )
    Translation.objects.get_or_create(
        source=TranslationSource.objects.get(object_id=source.translation_key),
        target_locale=arabic,
        defaults={"enabled": True},
    )
    cell = cells(source)["ar"]
    assert cell["status"] == "in_progress"
    assert cell["left"] > 0
    assert f"{cell['left']} strings left" in cell["label"]


def test_a_submitted_translation_awaits_review():
    source = english("reporting")
    spanish = source.get_translation(Locale.objects.get(language_code="es"))
    translator = get_user_model().objects.get(username="translator-es")
    spanish.save_revision(user=translator)
    spanish.get_workflow().start(spanish, translator)
    assert statuses(source)["es"] == "awaiting_review"


def test_each_cell_links_to_the_next_step_for_the_person_looking():
    translator = get_user_model().objects.get(username="translator-es")
    legal = cells(english("legal-work"), translator)
    assert legal["es"]["url"] == reverse(
        "wagtailadmin_pages:edit",
        args=[english("legal-work").get_translation(Locale.objects.get(language_code="es")).pk],
    )
    assert (
        "submit/page"
        in cells(english("legal-work"), get_user_model().objects.get(username="admin"))["pt"]["url"]
    )
    assert legal["pt"]["url"] == ""  # a Spanish translator starts no Portuguese translation


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


def test_a_translators_dashboard_says_what_waits_in_their_language(client):
    change_and_publish(english("trafficking"), "Trafficking (updated)")
    client.force_login(get_user_model().objects.get(username="translator-es"))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Your translations" in html
    assert "?language=es&amp;status=outdated" in html
    client.force_login(get_user_model().objects.get(username="editor"))
    assert "Your translations" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_dashboards_kept_counts_follow_every_change_at_once(django_capture_on_commit_callbacks):
    """The dashboard's counts are kept between views: a draft, a translator's edit and a
    publish each show in the next view's counts."""

    def fresh():
        return translation_status._counts(["es"], ("page", "service"))

    source = english("reporting")
    spanish = source.get_translation(Locale.objects.get(language_code="es"))
    before = translation_status.counts(["es"])
    assert before == fresh()
    spanish.title = "Borrador"
    spanish.save_revision()  # a draft: no log entry, a revision
    after_draft = translation_status.counts(["es"])
    assert after_draft != before
    assert after_draft["es"].get("changes_pending", 0) == before["es"].get("changes_pending", 0) + 1
    string = StringTranslation.objects.filter(locale=spanish.locale).first()
    string.data += " (corregido)"
    string.save()
    assert translation_status.counts(["es"]) == fresh()
    change_and_publish(english("visitors"), "Visitors (updated)")
    after_publish = translation_status.counts(["es"])
    assert after_publish == fresh()
    assert after_publish["es"].get("outdated", 0) == after_draft["es"].get("outdated", 0) + 1
