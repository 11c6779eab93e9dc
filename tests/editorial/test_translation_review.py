"""Translation review through the admin, as each role does it: a translator submits, the
language's reviewer approves or asks for changes, and nobody else puts words live."""

import json
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Locale, Page, TaskState, WorkflowState
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from cms.translating import translate_object
from home.models import TopicPage
from services.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def as_user(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def spanish_reporting():
    return TopicPage.objects.get(locale__language_code="es", slug="denunciar")


def translation_for(obj):
    return Translation.objects.get(
        source__object_id=obj.translation_key, target_locale=obj.locale, enabled=True
    )


def translate_one_string(translation, new_text):
    """What the translator types into one string of wagtail-localize's editor."""
    segment = StringSegment.objects.filter(source=translation.source).order_by("order").first()
    row = StringTranslation.objects.get(
        translation_of_id=segment.string_id,
        context_id=segment.context_id,
        locale=translation.target_locale,
    )
    row.data = new_text
    row.save()
    return segment.string.data


def refused(response):
    """The admin's answer to a refused action: back to the dashboard, with the reason."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def editor_props(response):
    html = response.content.decode()
    start = html.index('class="js-translation-editor" data-props="') + len(
        'class="js-translation-editor" data-props="'
    )
    return json.loads(unescape(html[start : html.index('"', start)]))


def test_the_translator_submits_and_the_reviewer_of_the_language_approves(
    client, reader, django_capture_on_commit_callbacks
):
    page = spanish_reporting()
    live_title = page.title
    translation = translation_for(page)
    translate_one_string(translation, "Cómo denunciar (revisado)")
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])

    response = as_user(client, "translator-es").get(edit)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Submit for review" in html
    props = editor_props(response)
    assert props["perms"]["canPublish"] is False
    assert props["links"]["convertToAliasUrl"] is None

    submit = reverse("waymark_submit_translation_for_review", args=[translation.pk])
    assert client.post(submit).status_code == 302
    page.refresh_from_db()
    assert page.title == live_title  # readers still get the approved text
    assert live_title in reader.get(page.url).content.decode()
    state = WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(page.pk), status="in_progress"
    )
    assert state.workflow.name == "Translation review (Español)"
    assert state.requested_by.username == "translator-es"
    reviewer_es = get_user_model().objects.get(username="reviewer-es")
    assert TaskState.objects.reviewable_by(reviewer_es).filter(workflow_state=state).exists()
    reviewer_en = get_user_model().objects.get(username="reviewer")
    assert not TaskState.objects.reviewable_by(reviewer_en).filter(workflow_state=state).exists()

    # The translator cannot approve their own work, and neither can the English reviewer.
    approve = reverse("waymark_approve_translation", args=[translation.pk])
    for username in ("translator-es", "reviewer"):
        as_user(client, username).post(approve)
        page.refresh_from_db()
        assert page.title == live_title

    with django_capture_on_commit_callbacks(execute=True):
        as_user(client, "reviewer-es").post(approve)
    page.refresh_from_db()
    state.refresh_from_db()
    assert state.status == "approved"
    assert page.live_revision.user.username == "reviewer-es"
    assert "Cómo denunciar (revisado)" in reader.get(page.url).content.decode()


def test_a_reviewer_asks_for_changes_and_the_comment_reaches_the_translator(client, mailoutbox):
    page = spanish_reporting()
    translation = translation_for(page)
    as_user(client, "translator-es").post(
        reverse("waymark_submit_translation_for_review", args=[translation.pk])
    )
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    reject = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "reject", state.current_task_state.pk]
    )
    as_user(client, "reviewer-es").post(reject, {"comment": "Falta el número de la línea."})
    state.refresh_from_db()
    assert state.status == "needs_changes"
    assert any("translator-es@example.org" in message.to for message in mailoutbox)

    html = (
        as_user(client, "translator-es")
        .get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        .content.decode()
    )
    assert "Falta el número de la línea." in html
    assert "Submit the changes for review" in html
    client.post(reverse("waymark_submit_translation_for_review", args=[translation.pk]))
    state.refresh_from_db()
    assert state.status == "in_progress"


def test_convert_to_alias_is_for_the_languages_reviewers_only(client, reader):
    page = spanish_reporting()
    convert = reverse("wagtail_localize:convert_to_alias", args=[page.pk])
    response = as_user(client, "translator-es").post(convert)
    assert refused(response)
    page.refresh_from_db()
    assert page.alias_of_id is None
    assert "Cómo denunciar" in reader.get(page.url).content.decode()

    response = as_user(client, "reviewer-es").post(convert)
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.alias_of_id is not None


def test_sync_publishes_nothing_for_someone_who_cannot_publish_every_language(client):
    english = TopicPage.objects.get(locale__language_code="en", slug="reporting")
    english.title = "How to report (new)"
    english.save_revision(user=get_user_model().objects.get(username="reviewer")).publish()
    spanish = spanish_reporting()
    spanish_title = spanish.title
    source = Translation.objects.get(pk=translation_for(spanish).pk).source
    update = reverse("wagtail_localize:update_translations", args=[source.pk])

    as_user(client, "reviewer")
    assert "publish_translations" not in client.get(update).content.decode()
    assert refused(client.post(update, {"publish_translations": "on"}))
    spanish.refresh_from_db()
    assert spanish.title == spanish_title

    assert client.post(update, {}).status_code == 302  # a plain sync is fine
    spanish.refresh_from_db()
    assert spanish.title == spanish_title  # ... and changes nothing readers see


def test_a_translator_starts_translations_into_their_own_language_only(client):
    english = TopicPage.objects.get(locale__language_code="en", slug="visitors")
    submit = reverse("wagtail_localize:submit_page_translation", args=[english.pk])
    html = as_user(client, "translator-es").get(submit).content.decode()
    arabic = Locale.objects.get(language_code="ar")
    assert f'value="{arabic.pk}"' not in html
    response = client.post(submit, {"locales": [arabic.pk]})
    assert response.status_code == 200  # the form refuses it
    assert not english.get_translations().filter(locale=arabic).exists()


class EveryString:
    """A catalogue that has an (Arabic) translation for every string."""

    def get(self, msgid, default=""):
        return f"ترجمة: {msgid}"


def test_a_translator_cannot_work_on_another_languages_service(client):
    english = Service.objects.get(locale__language_code="en", slug="human-trafficking-hotline")
    service = translate_object(english, Locale.objects.get(language_code="ar"), EveryString())
    translation = translation_for(service)
    for name in ("download_pofile", "stop_translation"):
        url = reverse(f"wagtail_localize:{name}", args=[translation.pk])
        assert refused(as_user(client, "translator-es").get(url))
    spanish = Service.objects.get(locale__language_code="es", slug="human-trafficking-hotline")
    url = reverse("wagtail_localize:download_pofile", args=[translation_for(spanish).pk])
    assert client.get(url).status_code == 200


def test_a_service_translation_goes_through_the_service_review(
    client, django_capture_on_commit_callbacks
):
    service = Service.objects.get(locale__language_code="es", slug="human-trafficking-hotline")
    translation = translation_for(service)
    translate_one_string(translation, "Línea nacional (revisada)")
    live_name = service.name
    as_user(client, "translator-es").post(
        reverse("waymark_submit_translation_for_review", args=[translation.pk])
    )
    service.refresh_from_db()
    assert service.live and service.name == live_name
    state = WorkflowState.objects.get(object_id=str(service.pk), status="in_progress")
    assert state.workflow.name == "Service review"
    with django_capture_on_commit_callbacks(execute=True):
        as_user(client, "reviewer-es").post(
            reverse("waymark_approve_translation", args=[translation.pk])
        )
    service.refresh_from_db()
    assert service.live and "revisada" in (service.name + service.description)


def test_a_translator_brings_an_outdated_translation_up_to_date_as_a_draft(client, reader):
    english = TopicPage.objects.get(locale__language_code="en", slug="reporting")
    english.summary = "A new English summary."
    english.save_revision(user=get_user_model().objects.get(username="reviewer")).publish()
    spanish = spanish_reporting()
    revisions = spanish.revisions.count()
    live_summary = spanish.summary
    translation = translation_for(spanish)
    as_user(client, "translator-es").post(
        reverse("waymark_bring_translation_up_to_date", args=[translation.pk])
    )
    spanish.refresh_from_db()
    assert spanish.revisions.count() == revisions + 1
    assert spanish.summary == live_summary
    assert Page.objects.get(pk=spanish.pk).specific.summary == live_summary
    draft = spanish.get_latest_revision_as_object()
    assert draft.summary == "A new English summary."  # untranslated: the source's words


def test_a_translation_that_cannot_be_saved_is_refused_with_the_reason_not_a_500(
    client, monkeypatch
):
    # What the page's own validation refuses (the walk in the side-door battery met a
    # translated slug with spaces, which now becomes a slug as wagtail-localize makes it).
    from django.core.exceptions import ValidationError

    def refuse(self, *args, **kwargs):
        raise ValidationError({"title": ["This field cannot be blank."]})

    monkeypatch.setattr(TopicPage, "save_revision", refuse)
    page = spanish_reporting()
    translation = translation_for(page)
    response = as_user(client, "translator-es").post(
        reverse("waymark_submit_translation_for_review", args=[translation.pk]), follow=True
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "cannot be saved until it is corrected: title: This field cannot be blank." in html
    assert not WorkflowState.objects.filter(object_id=str(page.pk), status="in_progress").exists()


def test_a_translations_high_risk_record_names_everyone_who_had_a_hand_in_it(
    client, django_capture_on_commit_callbacks
):
    from editorial import translation_review
    from editorial.models import HighRiskChange
    from tests.home.factories import TopicPageFactory, contact, english_index

    users = {name: get_user_model().objects.get(username=name) for name in ("editor", "reviewer")}
    page = TopicPageFactory(parent=english_index(), slug="hotline-attribution", body=[contact(1)])
    page.save_revision(user=users["reviewer"]).publish()
    spanish = translate_object(
        TopicPage.objects.get(pk=page.pk), Locale.objects.get(language_code="es"), EveryString()
    )
    # The editor changes the number; the English reviewer approves it.
    page = TopicPage.objects.get(pk=page.pk)
    page.body[0].value["phone"] = "+12035550123"
    page.save_revision(user=users["editor"])
    page.get_workflow().start(page, users["editor"])
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        as_user(client, "reviewer").post(
            reverse(
                "wagtailadmin_pages:workflow_action",
                args=[page.pk, "approve", state.current_task_state.pk],
            ),
            {"comment": ""},
        )
    english_change = HighRiskChange.objects.filter(object_id=str(page.pk)).first()  # newest
    assert (english_change.proposed_by, english_change.approved_by) == (
        users["editor"],
        users["reviewer"],
    )
    # The Spanish translator brings the translation up to date and submits it; the Spanish
    # reviewer approves it.
    translator = get_user_model().objects.get(username="translator-es")
    spanish = Page.objects.get(pk=spanish.pk).specific
    translation_review.bring_up_to_date(translator, spanish)
    translation_review.submit_for_review(translator, spanish)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(client, "reviewer-es").post(
            reverse("waymark_approve_translation", args=[translation_for(spanish).pk])
        )
    spanish_change = HighRiskChange.objects.filter(object_id=str(spanish.pk)).first()
    assert spanish_change.proposed_by == translator
    assert spanish_change.approved_by.username == "reviewer-es"
    assert spanish_change.source_change == english_change
    html = as_user(client, "admin").get(reverse("waymark_high_risk_changes")).content.decode()
    assert "Translated from a change in English proposed by editor, approved by reviewer" in html
    # A translation is not "approved by the person who proposed it".
    only_self = client.get(reverse("waymark_high_risk_changes"), {"unreviewed": "on"})
    assert "hotline-attribution" not in only_self.content.decode()
