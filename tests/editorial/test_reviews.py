"""Review dates: what is due, confirming an unchanged item, the dashboard and the reminders."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Locale, PageLogEntry

from editorial.reviews import review_items
from home.models import TopicPage
from services.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def login(client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return user


def test_report_lists_overdue_pages_and_never_verified_services(client):
    login(client, "reviewer")
    html = client.get(reverse("waymark_due_for_review"), {"overdue": "on"}).content.decode()
    # The demo's medical-care page was last reviewed on 15 March 2026 (180 days).
    title = TopicPage.objects.get(slug="medical-care", locale__language_code="en").title
    assert title in html
    assert "Free STI testing" in html  # a service never verified
    spanish = client.get(
        reverse("waymark_due_for_review"), {"language": "es", "kind": "page", "overdue": "on"}
    ).content.decode()
    assert "Free STI testing" not in spanish
    english = TopicPage.objects.get(slug="medical-care", locale__language_code="en")
    assert english.get_translation(Locale.objects.get(language_code="es")).title in spanish


def test_review_items_filter_by_language_type_and_overdue():
    everything = review_items(overdue_only=True)
    assert {item.kind for item in everything} == {"page", "service"}
    assert {item.language for item in everything if item.kind == "service"} == {"en"}
    pages = review_items(language="es", kind="page", overdue_only=True)
    assert pages and all(item.kind == "page" and item.language == "es" for item in pages)
    assert all(item.overdue for item in everything)


def test_reviewer_confirms_an_unchanged_page_and_its_dates_move_on(client, reader):
    page = TopicPage.objects.get(slug="medical-care", locale__language_code="en")
    reviewer = login(client, "reviewer")
    response = client.post(reverse("waymark_confirm_review", args=["page", page.pk]))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.last_reviewed == timezone.localdate()
    assert page.next_review_due == timezone.localdate() + datetime.timedelta(days=180)
    assert page.live and not page.has_unpublished_changes
    assert page.live_revision.as_object().last_reviewed == timezone.localdate()
    entry = PageLogEntry.objects.filter(page=page, action="waymark.review_confirmed").get()
    assert entry.user == reviewer and entry.timestamp.date() == timezone.now().date()
    html = reader.get(page.url).content.decode()
    assert timezone.localdate().strftime("%Y-%m-%d") in html


def test_only_the_items_reviewers_can_confirm(client):
    page = TopicPage.objects.get(slug="medical-care", locale__language_code="en")
    before = page.last_reviewed
    for username in ("editor", "reviewer-es", "translator-es"):
        login(client, username)
        client.post(reverse("waymark_confirm_review", args=["page", page.pk]))
        page.refresh_from_db()
        assert page.last_reviewed == before, username


def test_a_page_with_pending_changes_is_not_confirmed(client):
    page = TopicPage.objects.get(slug="medical-care", locale__language_code="en")
    before = page.last_reviewed
    page.title = "A pending change"
    page.save_revision()
    login(client, "reviewer")
    response = client.post(reverse("waymark_confirm_review", args=["page", page.pk]), follow=True)
    assert "unpublished changes" in response.content.decode()
    page.refresh_from_db()
    assert page.last_reviewed == before


def test_a_services_details_are_verified_once_on_the_english_service(client, reader):
    spanish = Service.objects.get(slug="health-department-testing", locale__language_code="es")
    english = spanish.structure
    login(client, "reviewer-es")
    client.post(reverse("waymark_confirm_review", args=["service", spanish.pk]))
    english.refresh_from_db()
    assert english.assured_date is None  # phones and hours are checked by English reviewers
    login(client, "reviewer")
    client.post(reverse("waymark_confirm_review", args=["service", spanish.pk]))
    english.refresh_from_db()
    assert english.assured_date == timezone.localdate()
    assert english.assurer == "reviewer@example.org"
    assert english.live_revision.as_object().assured_date == timezone.localdate()
    html = reader.get("/es/servicios/health-department-testing/").content.decode()
    assert "Próxima verificación" in html or "Next check due" in html


def test_dashboard_panel_counts_the_overdue_items_each_person_can_open(client):
    for username in ("editor", "translator-es"):
        user = login(client, username)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        finder = AdminURLFinder(user)
        mine = [item for item in review_items(overdue_only=True) if finder.get_edit_url(item.obj)]
        assert 0 < len(mine) < len(review_items(overdue_only=True))
        expected = "1 item is" if len(mine) == 1 else f"{len(mine)} items are"
        assert f"{expected} overdue for review." in html


def test_review_reminders_send_one_digest_per_owner():
    users = get_user_model().objects
    editor, reviewer = users.get(username="editor"), users.get(username="reviewer")
    TopicPage.objects.update(owner=None)
    english = TopicPage.objects.filter(locale__language_code="en")
    long_ago = datetime.date(2020, 1, 1)
    english.filter(slug__in=["the-law", "trafficking"]).update(owner=editor, last_reviewed=long_ago)
    english.filter(slug="medical-care").update(owner=reviewer)
    call_command("review_reminders", stdout=StringIO())
    assert sorted(message.to[0] for message in mail.outbox) == [editor.email, reviewer.email]
    digest = next(message for message in mail.outbox if message.to == [editor.email])
    assert "2 item(s) overdue" in digest.subject
    titles = english.filter(slug__in=["the-law", "trafficking"]).values_list("title", flat=True)
    assert all(title in digest.body for title in titles)
    assert "http://testserver/admin/pages/" in digest.body


def test_only_reviewers_of_an_item_are_offered_to_confirm_it(client):
    url = reverse("waymark_due_for_review")
    english = TopicPage.objects.filter(locale__language_code="en")
    english.update(last_reviewed=datetime.date(2020, 1, 1))
    confirm = reverse("waymark_confirm_review", args=["page", english.first().pk])
    login(client, "reviewer")
    assert confirm in client.get(url).content.decode()
    for username in ("editor", "translator-es", "reviewer-es"):
        login(client, username)
        assert confirm not in client.get(url).content.decode(), username


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("waymark_due_for_review", "Due for review"),
        ("waymark_translation_status", "Translation status"),
        ("waymark_high_risk_changes", "High-risk changes"),
    ],
)
def test_each_report_is_headed_with_its_own_name(client, url_name, heading):
    login(client, "admin")
    html = client.get(reverse(url_name)).content.decode()
    breadcrumbs = html[html.index("data-w-breadcrumbs") : html.index("</header>")]
    assert heading in breadcrumbs  # shown, not only the screen reader's heading
