"""Editors keep services current in the admin: clear validation, review before readers see it."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from services.models import Category, Service
from tests.services.factories import OrganizationFactory, make_service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def user(username):
    return get_user_model().objects.get(username=username)


def service_form(**overrides):
    """POST data for the service edit form: a valid service unless overridden."""
    data = {
        "name": "Walk-in testing",
        "slug": "walk-in-testing",
        "organization": OrganizationFactory().pk,
        "status": "active",
        "alert": "",
        "description": "Free tests without an appointment.",
        "eligibility_description": "",
        "minimum_age": "",
        "maximum_age": "",
        "application_process": "",
        "fees_description": "",
        "phones": inline_formset(
            [{"kind": "voice", "number": "(203) 854-3011", "extension": "", "sms_keyword": ""}]
        ),
        "url": "",
        "email": "",
        "service_locations": inline_formset([]),
        "always_open": "",
        "opening_hours": inline_formset(
            [
                {
                    "weekday": "0",
                    "opens_at": "09:00",
                    "closes_at": "15:00",
                    "closes_next_day": "",
                    "valid_from": "",
                    "valid_to": "",
                }
            ]
        ),
        "exceptions": inline_formset([]),
        "free": "on",
        "languages": inline_formset([{"code": "es"}]),
        "sources": inline_formset([]),
        "assured_date": "",
        "assurer": "",
        "review_interval_days": "",
    }
    data.update(overrides)
    data = nested_form_data(data)
    data["categories"] = [str(Category.objects.get(code="health").pk)]
    return data


ADD_URL = reverse("wagtailsnippets_services_service:add") + "?locale=en"


def test_editor_saves_a_valid_service_as_a_draft_with_numbers_in_e164(client):
    client.force_login(user("editor"))
    response = client.post(ADD_URL, service_form())
    assert response.status_code == 302, response.context["form"].errors
    service = Service.objects.get(slug="walk-in-testing")
    assert not service.live
    assert service.phones.get().number == "+12038543011"
    assert list(service.categories.values_list("code", flat=True)) == ["health"]
    assert service.languages.get().code == "es"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {
                "phones": inline_formset(
                    [{"kind": "voice", "number": "(203) 854-30", "sms_keyword": ""}]
                )
            },
            "not a valid phone number",
        ),
        (
            {
                "phones": inline_formset(
                    [{"kind": "voice", "number": "(203) 854-3011", "sms_keyword": "HELLO"}]
                )
            },
            "only makes sense for a text line",
        ),
        (
            {
                "opening_hours": inline_formset(
                    [{"weekday": "0", "opens_at": "15:00", "closes_at": "09:00"}]
                )
            },
            "closes before it opens",
        ),
        (
            {
                "opening_hours": inline_formset(
                    [
                        {"weekday": "2", "opens_at": "09:00", "closes_at": "13:00"},
                        {"weekday": "2", "opens_at": "12:00", "closes_at": "17:00"},
                    ]
                )
            },
            "overlap with Wednesday 09:00–13:00",
        ),
        (
            {
                "exceptions": inline_formset(
                    [{"date": "2026-12-25", "closed": "on"}, {"date": "2026-12-25", "closed": "on"}]
                )
            },
            "already an exception for this date",
        ),
        ({"minimum_age": "18", "maximum_age": "16"}, "below the minimum age"),
        ({"no_police": "on", "police": "on"}, "cannot be the police and have no police"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(client, change, message):
    client.force_login(user("editor"))
    response = client.post(ADD_URL, service_form(**change))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Service.objects.filter(slug="walk-in-testing").exists()


def test_a_service_cannot_start_in_a_translation_language(client):
    client.force_login(user("admin"))
    url = reverse("wagtailsnippets_services_service:add") + "?locale=es"
    response = client.post(url, service_form())
    assert response.status_code == 200
    assert "Create the service in English first" in response.content.decode()


def test_services_go_through_review_before_readers_see_them(client):
    client.force_login(user("editor"))
    response = client.post(ADD_URL, service_form(**{"action-submit": "Submit"}))
    assert response.status_code == 302
    service = Service.objects.get(slug="walk-in-testing")
    state = WorkflowState.objects.get(base_content_type__model="service", object_id=str(service.pk))
    assert state.status == "in_progress" and not service.live
    # The editor cannot publish.
    client.post(
        reverse("wagtailsnippets_services_service:edit", args=[service.pk]),
        service_form(**{"action-publish": "Publish"}),
    )
    service.refresh_from_db()
    assert not service.live
    # The reviewer approves: the service is live.
    client.force_login(user("reviewer"))
    task_state = state.current_task_state
    response = client.post(
        reverse(
            "wagtailsnippets_services_service:workflow_action",
            args=[service.pk, "approve", task_state.pk],
        ),
        {"comment": "Checked by phone."},
    )
    assert response.status_code in (200, 302)
    service.refresh_from_db()
    assert service.live


def test_listing_searches_filters_and_exports(client):
    make_service("Zebra crossing clinic", categories=["health"], free=True)
    make_service("Legal clinic", categories=["legal"])
    client.force_login(user("admin"))
    index = reverse("wagtailsnippets_services_service:list")
    html = client.get(index, {"q": "zebra", "locale": "en"}).content.decode()
    assert "Zebra crossing clinic" in html and "Legal clinic" not in html
    legal = Category.objects.get(code="legal").pk
    html = client.get(index, {"categories": legal, "locale": "en"}).content.decode()
    assert "Legal clinic" in html and "Zebra crossing clinic" not in html
    export = client.get(index, {"export": "csv", "locale": "en"})
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode()
    assert body.splitlines()[0].startswith("Name,Slug,Organization,Status")
    assert "Zebra crossing clinic" in body


def test_preview_shows_the_edited_words_over_the_saved_phones_and_hours():
    service = make_service(
        "Preview clinic", phones=[("voice", "+12038543011", "")], always_open=True
    )
    service.name = "Preview clinic (edited)"
    response = service.make_preview_request()
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview clinic (edited)</h1>" in html
    assert 'href="tel:+12038543011"' in html and "Open 24 hours" in html


def test_translators_edit_a_spanish_service_in_the_translation_editor(client):
    service = Service.objects.sources().get(slug="health-department-testing")
    spanish = Service.objects.get(
        translation_key=service.translation_key, locale__language_code="es"
    )
    client.force_login(user("admin"))
    response = client.get(reverse("wagtailsnippets_services_service:edit", args=[spanish.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pruebas" in html  # the Spanish words, ready to edit
