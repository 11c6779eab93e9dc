"""One page's whole journey through the admin: English draft, English review, Spanish
translation, Spanish review, live Spanish page. Nobody skips a step.
"""

import polib
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Locale, WorkflowState
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)
from wagtail_localize.models import Translation

from home.models import TopicIndexPage, TopicPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

SPANISH = {
    "Night shelter": "Refugio nocturno",
    "night-shelter": "refugio-nocturno",
    "Where to sleep safely tonight.": "Dónde dormir seguro esta noche.",
    "Is there a bed tonight?": "¿Hay una cama esta noche?",
    "Call before 9 pm.": "Llame antes de las 9 de la noche.",
}


def as_user(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_editor_draft_to_live_spanish_page(client, reader, django_capture_on_commit_callbacks):
    english_index = TopicIndexPage.objects.get(locale__language_code="en")
    spanish = Locale.objects.get(language_code="es")

    # 1. The editor writes an English page and submits it to "Content review".
    as_user(client, "editor")
    form = nested_form_data(
        {
            "title": "Night shelter",
            "slug": "night-shelter",
            "summary": "Where to sleep safely tonight.",
            "body": streamfield(
                [
                    (
                        "question",
                        {
                            "question": "Is there a bed tonight?",
                            "answer": rich_text("<p>Call before 9 pm.</p>"),
                        },
                    )
                ]
            ),
            "sources": inline_formset([]),
            "last_reviewed": "2026-11-20",
            "review_interval_days": "",
            "seo_title": "",
            "search_description": "",
            "action-submit": "Submit",
        }
    )
    add = reverse("wagtailadmin_pages:add", args=("home", "topicpage", english_index.pk))
    assert client.post(add, form).status_code == 302
    page = TopicPage.objects.get(slug="night-shelter")
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    assert state.workflow.name == "Content review"
    assert not page.live
    assert reader.get("/en/topics/night-shelter/").status_code == 404

    # The editor cannot approve their own page; the Spanish reviewer cannot either.
    task_state = state.current_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    for username in ("editor", "reviewer-es"):
        as_user(client, username).post(approve, {"comment": ""})
        page.refresh_from_db()
        assert not page.live

    # 2. The English reviewer approves: the page is live in English.
    as_user(client, "reviewer").post(approve, {"comment": "Checked."})
    page.refresh_from_db()
    assert page.live
    assert reader.get("/en/topics/night-shelter/").status_code == 200

    # 3. The reviewer sends it for translation into Spanish: a draft, not live.
    submit = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(submit, {"locales": [spanish.pk]}).status_code == 302
    spanish_page = page.get_translation(spanish)
    assert not spanish_page.live

    # 4. The Spanish translator translates (download the PO file, fill it in, upload it) ...
    translation = Translation.objects.get(source__object_id=page.translation_key)
    as_user(client, "translator-es")
    po_url = reverse("wagtail_localize:download_pofile", args=[translation.pk])
    po = polib.pofile(client.get(po_url).content.decode())
    for entry in po:
        entry.msgstr = SPANISH[entry.msgid]
    upload = reverse("wagtail_localize:upload_pofile", args=[translation.pk])
    client.post(upload, {"file": SimpleUploadedFile("es.po", str(po).encode())})
    # ... and tries to publish: refused, the translation waits for the Spanish reviewer.
    edit = reverse("wagtailadmin_pages:edit", args=[spanish_page.pk])
    assert client.get(edit).status_code == 200  # the translation editor opens
    # (wagtail-localize publishes when the transaction commits: run those callbacks.)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit, {"action": "publish"})
    spanish_page.refresh_from_db()
    assert not spanish_page.live
    assert reader.get("/es/temas/refugio-nocturno/").status_code == 404

    # 5. The Spanish reviewer checks it and publishes it: live in Spanish.
    with django_capture_on_commit_callbacks(execute=True):
        as_user(client, "reviewer-es").post(edit, {"action": "publish"})
    spanish_page.refresh_from_db()
    assert spanish_page.live
    response = reader.get(spanish_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Refugio nocturno" in html and "Llame antes de las 9 de la noche." in html


def test_a_rejection_carries_the_reviewers_comment_back_to_the_author(client):
    english_index = TopicIndexPage.objects.get(locale__language_code="en")
    page = english_index.add_child(
        instance=TopicPage(title="Draft", slug="draft-to-reject", summary="S.", body=[])
    )
    editor = get_user_model().objects.get(username="editor")
    page.save_revision(user=editor)
    state = page.get_workflow().start(page, editor)
    reject = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "reject", state.current_task_state.pk],
    )
    as_user(client, "reviewer").post(reject, {"comment": "The phone number is wrong."})
    state.refresh_from_db()
    assert state.status == "needs_changes"
    task_state = state.current_task_state
    assert task_state.comment == "The phone number is wrong."
    assert state.requested_by == editor
