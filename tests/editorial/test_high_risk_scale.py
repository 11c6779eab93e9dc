"""The dashboard's "High-risk changes awaiting your review" at scale: the same number of
queries for two drafts in review as for twelve, and the same items as reading each draft on
its own (`content_object`, `get_latest_revision_as_object()`, `pending_changes`).
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.blocks.list_block import ListValue
from wagtail.models import TaskState

from cms.highrisk import describe, pending_changes
from editorial import highrisk
from editorial.models import HighRiskChange
from home.models import TopicPage
from services.models import ServicePhone
from tests.home.factories import TopicPageFactory, english_index
from tests.services.factories import make_service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def user(username):
    return get_user_model().objects.get(username=username)


def submit(obj):
    obj.save_revision(user=user("editor"))
    obj.get_workflow().start(obj, user("editor"))


def published(obj):
    obj.save_revision(user=user("admin")).publish(user=user("admin"))
    return type(obj).objects.get(pk=obj.pk)


def a_page(n, service):
    """A page whose contact number and chosen service change, and whose links do."""
    page = published(
        TopicPageFactory(
            parent=english_index(),
            title=f"Scale page {n}",
            body=[
                {
                    "type": "contact",
                    "value": {
                        "kind": "call",
                        "label": "Helpline",
                        "phone": "+12038543000",
                        "keyword": "",
                        "url": "",
                    },
                },
                {"type": "services", "value": {"heading": "", "category": "", "services": []}},
                {"type": "text", "value": '<p><a href="https://ct.gov/help">Help</a></p>'},
            ],
        )
    )
    draft = page.get_latest_revision_as_object()
    draft.body[0].value["phone"] = f"+1203555{n:04d}"
    get_help = draft.body[1]
    get_help.value["services"] = ListValue(
        get_help.block.child_blocks["services"], values=[service]
    )
    draft.body[2].value.source = f'<p><a href="https://example.org/{n}">Help</a></p>'
    submit(draft)


def a_service(n):
    """A service whose hotline number changes; every third one reporting, its words too."""
    reporting = n % 3 == 0
    service = published(
        make_service(
            name=f"Scale service {n}",
            phones=(("hotline", "+12038543011", ""),),
            categories=["reporting"] if reporting else [],
        )
    )
    draft = service.get_latest_revision_as_object()
    draft.phones = [ServicePhone(kind="hotline", number=f"+1203556{n:04d}")]
    draft.description = f"Changed {n}."
    submit(draft)
    return service


def a_harmless_draft(n):
    """A draft in review that changes nothing readers act on: not listed."""
    page = published(TopicPageFactory(parent=english_index(), title=f"Harmless {n}"))
    draft = page.get_latest_revision_as_object()
    draft.summary = "A better summary."
    submit(draft)


def awaiting(count, start):
    """`count` more high-risk services in review, a page that changes too for every other
    one, and a harmless draft. From `start`=2 on, each batch has a reporting service."""
    for n in range(start, start + count):
        service = a_service(n)
        if n % 2:
            a_page(n, service)
    a_harmless_draft(start)


def one_by_one(reviewer, limit=20):
    """The panel's items read as before: each draft and its live version on its own."""
    states = (
        TaskState.objects.reviewable_by(reviewer)
        .filter(status=TaskState.STATUS_IN_PROGRESS)
        .select_related("workflow_state")
        .order_by("-started_at")[:limit]
    )
    finder = AdminURLFinder()
    items = []
    for state in states:
        obj = state.workflow_state.content_object
        if obj is None:
            continue
        draft = obj.get_latest_revision_as_object()
        changes = [describe(change) for change in pending_changes(draft)]
        if changes:
            items.append(
                {"title": str(draft), "edit_url": finder.get_edit_url(obj), "changes": changes}
            )
    return items


def dashboard_queries(client, monkeypatch):
    """Queries of the dashboard's high-risk panel, as the dashboard builds it (the other
    panels are Wagtail's and other apps'), and the dashboard's HTML."""
    panel = []
    awaiting_review = highrisk.awaiting_review

    def measured(user, *args, **kwargs):
        with CaptureQueriesContext(connection) as captured:
            items = awaiting_review(user, *args, **kwargs)
        panel.append(len(captured))
        return items

    monkeypatch.setattr(highrisk, "awaiting_review", measured)
    client.get(reverse("wagtailadmin_home"))  # warm: what a session caches after its first
    response = client.get(reverse("wagtailadmin_home"))
    monkeypatch.setattr(highrisk, "awaiting_review", awaiting_review)
    assert response.status_code == 200
    return panel[-1], response.content.decode()


def test_the_high_risk_panel_costs_the_same_for_two_drafts_in_review_as_for_twelve(
    client, monkeypatch
):
    HighRiskChange.objects.all().delete()
    reviewer = user("reviewer")
    client.force_login(reviewer)

    awaiting(2, start=2)
    few = highrisk.awaiting_review(reviewer)
    assert few == one_by_one(reviewer)
    assert len(few) >= 2
    few_queries, html = dashboard_queries(client, monkeypatch)
    assert "High-risk changes awaiting your review" in html

    awaiting(10, start=4)
    many = highrisk.awaiting_review(reviewer)
    assert many == one_by_one(reviewer)
    assert len(many) >= 12
    many_queries, html = dashboard_queries(client, monkeypatch)
    titles = [item["title"] for item in many]
    assert "Harmless 2" not in titles and "Harmless 4" not in titles
    assert {"Scale page 11", "Scale service 11", "Scale service 12"} <= set(titles)
    # What each kind shows: the page's new number, chosen service and link; the service's
    # new hotline; a reporting service's changed words.
    page = next(item for item in many if item["title"] == "Scale page 11")
    assert page["edit_url"] == reverse(
        "wagtailadmin_pages:edit", args=[TopicPage.objects.get(title="Scale page 11").pk]
    )
    assert sorted(change[0] for change in page["changes"]) == [
        "Link in text",
        "Phone number",
        "Service linked",
    ]
    reporting = next(item for item in many if item["title"] == "Scale service 12")
    assert "Reporting service" in [change[0] for change in reporting["changes"]]
    assert "Scale service 11" in html and "(203) 556-0011" in html

    assert many_queries == few_queries
