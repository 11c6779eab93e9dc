"""High-risk changes: a changed number, keyword or link, or any change to a reporting service, is
shown to the reviewer before approval, recorded with who proposed and who approved it, and
e-mailed to the reviewers of every language whose readers see it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from cms.highrisk import describe
from cms.models import ReaderSettings
from editorial.models import HighRiskChange
from home.models import TopicPage
from services.models import Location, Organization, Service, ServicePhone
from tests.home.factories import TopicPageFactory, english_index
from tests.services.factories import (
    LocationFactory,
    OrganizationFactory,
    make_service,
    translate_service,
)

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def user(username):
    return get_user_model().objects.get(username=username)


def submit(obj, editor):
    """The editor saves a draft and submits it for review; returns the task state to act on."""
    obj.save_revision(user=editor)
    return obj.get_workflow().start(obj, editor).current_task_state


def approve_service(client, service, task_state, username="reviewer"):
    client.force_login(user(username))
    url = reverse(
        "wagtailsnippets_services_service:workflow_action",
        args=[service.pk, "approve", task_state.pk],
    )
    return client.post(url, {"comment": "Checked."})


def high_risk_mail():
    """The high-risk notices sent (Wagtail's own workflow e-mails left aside)."""
    return [m for m in mail.outbox if "/admin/reports/high-risk-changes/" in m.body]


def recipients():
    return sorted(address for message in high_risk_mail() for address in message.to)


def published_service(**kwargs):
    service = make_service(**kwargs)
    service.save_revision(user=user("admin")).publish(user=user("admin"))
    mail.outbox.clear()
    HighRiskChange.objects.all().delete()
    return service


def test_a_new_hotline_number_is_shown_to_the_reviewer_then_recorded_and_emailed(
    client, django_capture_on_commit_callbacks
):
    service = published_service(
        name="Crisis line", phones=(("hotline", "+12038543011", ""),), categories=["health"]
    )
    spanish = translate_service(service, "es", name="Línea de crisis")
    spanish.save_revision(user=user("admin")).publish(user=user("admin"))
    mail.outbox.clear()
    HighRiskChange.objects.all().delete()

    # An editor swaps the hotline's number and submits the change.
    draft = service.get_latest_revision_as_object()
    draft.phones = [ServicePhone(kind="hotline", number="+12035550123")]
    task_state = submit(draft, user("editor"))
    assert not HighRiskChange.objects.exists()  # nothing is recorded before it is live

    # The reviewer opening the task sees the old and the new number side by side.
    client.force_login(user("reviewer"))
    html = client.get(reverse("wagtailsnippets_services_service:edit", args=[service.pk]))
    html = html.content.decode()
    assert "This draft changes how readers reach help." in html
    assert "(203) 854-3011" in html and "(203) 555-0123" in html

    with django_capture_on_commit_callbacks(execute=True):
        approve_service(client, service, task_state)
    service.refresh_from_db()
    assert service.phones.get().number == "+12035550123"

    change = HighRiskChange.objects.get()
    assert change.kind == "service" and change.title == "Crisis line"
    assert change.proposed_by == user("editor") and change.approved_by == user("reviewer")
    assert change.changes == [
        {
            "what": "phone",
            "where": "hotline",
            "old": "hotline: (203) 854-3011",
            "new": "hotline: (203) 555-0123",
        }
    ]
    # Spanish readers see the English service's phones, so Spanish reviewers hear too.
    assert recipients() == ["reviewer-es@example.org", "reviewer@example.org"]
    assert change.notified == 2
    body = high_risk_mail()[0].body
    assert "Phone number (Hotline): Hotline: (203) 854-3011 → Hotline: (203) 555-0123" in body
    assert "Proposed by: editor" in body and "Approved by: reviewer" in body


def test_text_keywords_websites_and_emails_are_high_risk_too(django_capture_on_commit_callbacks):
    service = published_service(
        name="Tip line",
        phones=(("text", "847411", "NORWALKPD"),),
        url="https://example.org/tips",
        email="tips@example.org",
    )
    draft = service.get_latest_revision_as_object()
    draft.phones = [
        ServicePhone(kind="text", number="847411", sms_keyword="OTHER", hsds_id=phone.hsds_id)
        for phone in draft.phones.all()
    ]
    draft.url = "https://example.net/tips"
    draft.email = "tips@example.net"
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision(user=user("admin")).publish(user=user("admin"))
    change = HighRiskChange.objects.get()
    assert [(item["what"], item["old"], item["new"]) for item in change.changes] == [
        ("keyword", "NORWALKPD", "OTHER"),
        ("url", "https://example.org/tips", "https://example.net/tips"),
        ("email", "tips@example.org", "tips@example.net"),
    ]
    # An administrator who publishes their own change approved it themselves.
    assert change.proposed_by == change.approved_by == user("admin")


def test_ordinary_changes_are_not_high_risk(django_capture_on_commit_callbacks):
    service = published_service(name="Food bank", categories=["housing"])
    draft = service.get_latest_revision_as_object()
    draft.description = "Now with fresh vegetables."
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision(user=user("admin")).publish(user=user("admin"))
    assert not HighRiskChange.objects.exists() and not high_risk_mail()


def test_any_change_to_a_reporting_service_is_high_risk_in_its_own_language(
    django_capture_on_commit_callbacks,
):
    service = published_service(name="Report a crime", categories=["reporting"])
    spanish = translate_service(service, "es", name="Denunciar un delito")
    spanish.save_revision(user=user("admin")).publish(user=user("admin"))
    HighRiskChange.objects.all().delete()
    mail.outbox.clear()

    draft = spanish.get_latest_revision_as_object()
    draft.description = "No llame a este número."
    draft.save_revision(user=user("translator-es"))
    with django_capture_on_commit_callbacks(execute=True):
        draft.get_latest_revision().publish(user=user("reviewer-es"))
    change = HighRiskChange.objects.get()
    assert change.reporting and change.locale.language_code == "es"
    assert change.proposed_by == user("translator-es")
    assert change.approved_by == user("reviewer-es")
    assert [item["where"] for item in change.changes] == ["description"]
    # A translation's words reach only its own readers: only the Spanish reviewers hear.
    assert recipients() == ["reviewer-es@example.org"]


def page_with(body):
    page = TopicPageFactory(parent=english_index(), body=body)
    page.save_revision(user=user("admin")).publish(user=user("admin"))
    HighRiskChange.objects.all().delete()
    mail.outbox.clear()
    return TopicPage.objects.get(pk=page.pk)


def call(label, phone, **extra):
    return {
        "type": "contact",
        "value": {"kind": "call", "label": label, "phone": phone, "keyword": "", "url": ""} | extra,
    }


def test_a_pages_contact_number_and_its_links_are_high_risk(
    client, django_capture_on_commit_callbacks
):
    page = page_with(
        [
            call("Police (non-emergency)", "+12038543000"),
            {"type": "text", "value": '<p>See <a href="https://ct.gov/help">the state</a>.</p>'},
        ]
    )
    draft = page.get_latest_revision_as_object()
    contact, text = draft.body[0], draft.body[1]
    contact.value["phone"] = "+12035550199"
    text.value.source = '<p>See <a href="https://evil.example/help">the state</a>.</p>'
    task_state = submit(draft, user("editor"))

    client.force_login(user("reviewer"))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "(203) 854-3000" in html and "(203) 555-0199" in html
    assert "https://evil.example/help" in html

    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(approve, {"comment": ""})
    change = HighRiskChange.objects.get()
    assert change.kind == "page" and change.locale.language_code == "en"
    assert [(item["what"], item["where"], item["old"], item["new"]) for item in change.changes] == [
        ("phone", "Police (non-emergency)", "call: (203) 854-3000", "call: (203) 555-0199"),
        ("link", "Text", "https://ct.gov/help", "https://evil.example/help"),
    ]
    assert change.proposed_by == user("editor") and change.approved_by == user("reviewer")
    # An English page is read in English: the English reviewers hear.
    assert recipients() == ["reviewer@example.org"]


def test_the_editor_sees_no_warning_for_a_harmless_draft(client):
    page = page_with([call("Helpline", "+12038543000")])
    draft = page.get_latest_revision_as_object()
    draft.summary = "A better summary."
    draft.save_revision(user=user("editor"))
    client.force_login(user("editor"))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "This draft changes how readers reach help." not in html


def test_the_emergency_number_setting_is_high_risk_and_everyone_hears(
    client, django_capture_on_commit_callbacks
):
    admin = user("admin")
    client.force_login(admin)
    reader_settings = ReaderSettings.objects.get()
    url = reverse("wagtailsettings:edit", args=["cms", "readersettings", reader_settings.site_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "emergency_number": "912",
                "exit_url": reader_settings.exit_url,
                "show_sample_notice": "on",
            },
        )
    assert response.status_code == 302
    change = HighRiskChange.objects.get()
    assert change.kind == "settings" and change.locale is None
    assert change.changes == [
        {"what": "phone", "where": "emergency_number", "old": "911", "new": "912"}
    ]
    assert change.proposed_by == change.approved_by == admin
    assert recipients() == ["reviewer-es@example.org", "reviewer@example.org"]


def test_an_import_that_changes_a_number_is_recorded_with_no_one_to_hold_to_account(
    django_capture_on_commit_callbacks,
):
    service = make_service(name="Imported line", phones=(("voice", "+12038543011", ""),))
    service.save_revision().publish()  # first publish by a command: nothing to compare
    assert not HighRiskChange.objects.exists()
    draft = service.get_latest_revision_as_object()
    draft.phones = [ServicePhone(kind="voice", number="+12035550100")]
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()
    change = HighRiskChange.objects.get()
    assert change.proposed_by is None and change.approved_by is None
    assert "Approved by: no one (an import or a command)" in high_risk_mail()[0].body


def test_the_report_lists_changes_with_who_proposed_and_who_approved(
    client, django_capture_on_commit_callbacks
):
    page = page_with([call("Helpline", "+12038543000")])
    service = published_service(name="Shelter line", phones=(("hotline", "+12038543011", ""),))
    draft = service.get_latest_revision_as_object()
    draft.phones = [ServicePhone(kind="hotline", number="+12035550123")]
    task_state = submit(draft, user("editor"))
    with django_capture_on_commit_callbacks(execute=True):
        approve_service(client, service, task_state)
    draft = page.get_latest_revision_as_object()
    draft.body[0].value["phone"] = "+12035550199"
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision(user=user("admin")).publish(user=user("admin"))

    report = reverse("waymark_high_risk_changes")
    client.force_login(user("reviewer-es"))
    html = client.get(report).content.decode()
    assert "Shelter line" in html and page.title in html
    assert "Phone number (Hotline)" in html
    assert "(203) 854-3011" in html and "(203) 555-0123" in html
    assert "editor" in html and "the same person" in html  # the admin approved their own
    only_self_approved = client.get(report, {"unreviewed": "on"}).content.decode()
    assert page.title in only_self_approved and "Shelter line" not in only_self_approved
    spanish_only = client.get(report, {"language": "es"}).content.decode()
    assert "Shelter line" not in spanish_only

    # Readers of the report: reviewers and administrators; editors and translators are refused.
    for username in ("editor", "translator-es"):
        client.force_login(user(username))
        refused = client.get(report)
        assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    client.force_login(user("admin"))
    assert client.get(report).status_code == 200


def test_reviewers_read_the_notice_and_the_report_in_their_admin_language(
    client, django_capture_on_commit_callbacks
):
    reviewer = user("reviewer-es")
    profile = UserProfile.get_for_user(reviewer)
    profile.preferred_language = "es"
    profile.save()
    service = published_service(name="Línea", phones=(("hotline", "+12038543011", ""),))
    translate_service(service, "es").save_revision(user=user("admin")).publish()
    draft = service.get_latest_revision_as_object()
    draft.phones = [ServicePhone(kind="hotline", number="+12035550123")]
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision(user=user("admin")).publish(user=user("admin"))

    (spanish,) = [m for m in high_risk_mail() if m.to == ["reviewer-es@example.org"]]
    assert "Número de teléfono (Línea de ayuda)" in spanish.body
    (english,) = [m for m in high_risk_mail() if m.to == ["reviewer@example.org"]]
    assert "Phone number (Hotline)" in english.body
    client.force_login(reviewer)
    html = client.get(reverse("waymark_high_risk_changes")).content.decode()
    assert "Número de teléfono (Línea de ayuda)" in html


def test_demo_content_starts_with_no_high_risk_changes():
    # load_demo publishes dozens of numbers: that is where the demo starts, not a change.
    assert not HighRiskChange.objects.exists()


def test_a_mail_server_outage_neither_blocks_publishing_nor_hides_the_change(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.editorial.test_high_risk.RefusingBackend"
    service = published_service(name="Outage line", phones=(("hotline", "+12038543011", ""),))
    draft = service.get_latest_revision_as_object()
    draft.phones = [ServicePhone(kind="hotline", number="+12035550123")]
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision(user=user("admin")).publish(user=user("admin"))
    service.refresh_from_db()
    assert service.phones.get().number == "+12035550123"  # live, whatever the mail server says
    change = HighRiskChange.objects.get()
    assert change.notice_failed and change.notified == 0
    client.force_login(user("reviewer"))
    html = client.get(reverse("waymark_high_risk_changes")).content.decode()
    assert "Not sent: the mail server failed" in html


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_a_translations_high_risk_change_is_marked_in_the_translation_editor(client):
    page = page_with([call("Helpline", "+12038543000")])
    spanish = page.copy_for_translation(Locale.objects.get(language_code="es"))
    spanish.save_revision(user=user("admin")).publish(user=user("admin"))
    draft = TopicPage.objects.get(pk=spanish.pk).get_latest_revision_as_object()
    draft.body[0].value["phone"] = "+12035550199"
    draft.save_revision(user=user("translator-es"))
    client.force_login(user("reviewer-es"))
    response = client.get(reverse("wagtailadmin_pages:edit", args=[spanish.pk]), follow=True)
    html = response.content.decode()
    assert "This draft changes how readers reach help." in html
    assert "(203) 854-3000" in html and "(203) 555-0199" in html


def test_the_reviewers_dashboard_warns_before_anyone_approves_from_it(client):
    """Wagtail's dashboard can approve without opening the editor: the warning is there too."""
    service = published_service(name="Dashboard line", phones=(("hotline", "+12038543011", ""),))
    draft = service.get_latest_revision_as_object()
    draft.phones = [ServicePhone(kind="hotline", number="+12035550123")]
    submit(draft, user("editor"))
    client.force_login(user("reviewer"))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "High-risk changes awaiting your review" in html
    assert "Dashboard line" in html and "(203) 555-0123" in html
    # Those who cannot approve it (the editor, the Spanish reviewer) get no such panel.
    for username in ("editor", "reviewer-es"):
        client.force_login(user(username))
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "High-risk changes awaiting your review" not in html


def test_stored_values_are_put_in_words_only_where_they_are_codes():
    keyword = {"what": "keyword", "where": "Tip line", "old": "legal", "new": "yes"}
    assert describe(keyword) == ("Text keyword", "Tip line", "legal", "yes")
    listed = {"what": "category", "where": "Get help", "old": "legal", "new": "health"}
    assert describe(listed)[2:] == ("Legal help", "Health")
    phone = {"what": "phone", "where": "hotline", "old": "", "new": "text: 847411"}
    assert describe(phone) == ("Phone number", "Hotline", "", "Text (SMS): 847411")


def test_each_reviewer_is_sent_a_link_they_can_open(django_capture_on_commit_callbacks):
    service = Service.objects.get(locale__language_code="en", slug="human-trafficking-hotline")
    phone = service.phones.first()
    phone.number = "+18005550100"
    phone.save()
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision(user=user("reviewer")).publish(user=user("reviewer"))
    messages = {message.to[0]: message.body for message in high_risk_mail()}
    spanish = Service.objects.get(locale__language_code="es", slug="human-trafficking-hotline")
    english_edit = reverse("wagtailsnippets_services_service:edit", args=[service.pk])
    spanish_edit = reverse("wagtailsnippets_services_service:edit", args=[spanish.pk])
    assert english_edit in messages["reviewer@example.org"]
    assert spanish_edit in messages["reviewer-es@example.org"]
    assert english_edit not in messages["reviewer-es@example.org"]


def location_form(location, **changes):
    data = {
        "name": location.name,
        "organization": location.organization_id or "",
        "address_1": location.address_1,
        "address_2": location.address_2,
        "city": location.city,
        "state_province": location.state_province,
        "postal_code": location.postal_code,
        "country": location.country,
        "latitude": "",
        "longitude": "",
    }
    return {**data, **changes}


def test_editors_and_translators_cannot_change_a_place_readers_see(client):
    """A location or organization has no draft: a change is live in every language at once,
    so only reviewers make it (editors may add new ones, seen only through a reviewed service)."""
    location = LocationFactory(address_1="137 East Ave")
    organization = OrganizationFactory(website="https://example.org/")
    for username in ("editor", "translator-es", "reviewer-es"):
        client.force_login(user(username))
        url = reverse("wagtailsnippets_services_location:edit", args=[location.pk])
        response = client.post(url, location_form(location, address_1="1 Elsewhere Road"))
        assert response.status_code in (302, 403), username
        assert Location.objects.get(pk=location.pk).address_1 == "137 East Ave", username
        url = reverse("wagtailsnippets_services_organization:edit", args=[organization.pk])
        client.post(url, {"name": organization.name, "website": "https://evil.example/"})
        assert Organization.objects.get(pk=organization.pk).website == "https://example.org/"
    client.force_login(user("editor"))
    assert client.get(reverse("wagtailsnippets_services_location:add")).status_code == 200


def test_a_reviewers_new_address_is_recorded_and_emailed_to_every_language(
    client, django_capture_on_commit_callbacks
):
    location = LocationFactory(name="Clinic", address_1="137 East Ave")
    client.force_login(user("reviewer"))
    url = reverse("wagtailsnippets_services_location:edit", args=[location.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, location_form(location, address_1="1 Elsewhere Road"))
    assert response.status_code == 302
    change = HighRiskChange.objects.get()
    assert change.kind == "location" and change.locale is None
    assert change.proposed_by == change.approved_by == user("reviewer")
    assert [(item["what"], item["old"], item["new"]) for item in change.changes] == [
        ("address", "137 East Ave, Norwalk, CT 06851", "1 Elsewhere Road, Norwalk, CT 06851")
    ]
    assert recipients() == ["reviewer-es@example.org", "reviewer@example.org"]
    body = high_risk_mail()[0].body
    assert "137 East Ave, Norwalk, CT 06851 → 1 Elsewhere Road, Norwalk, CT 06851" in body
    # The report lists it, with a link to the location.
    html = client.get(reverse("waymark_high_risk_changes")).content.decode()
    assert "1 Elsewhere Road" in html and url in html
    # A new name alone is not high-risk.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, location_form(Location.objects.get(pk=location.pk), name="Clinic B"))
    assert HighRiskChange.objects.count() == 1


def test_an_organizations_new_website_is_recorded(client, django_capture_on_commit_callbacks):
    organization = OrganizationFactory(website="https://example.org/", email="a@example.org")
    client.force_login(user("admin"))
    url = reverse("wagtailsnippets_services_organization:edit", args=[organization.pk])
    data = {"name": organization.name, "description": "", "email": "a@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "website": "https://example.net/"})
    change = HighRiskChange.objects.get()
    assert change.kind == "organization"
    assert change.changes == [
        {
            "what": "url",
            "where": "website",
            "old": "https://example.org/",
            "new": "https://example.net/",
        }
    ]
