"""Staff pages at scale: "Due for review", "Translation status", "High-risk changes" and each
role's dashboard cost the same number of queries with a few pages as with many more.

Time is measured on PostgreSQL at 10,000 pages (`manage.py bench_staff`); here the query
bound is held: lists are filtered, counted and paged in the database, and only the page
shown is loaded.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.functions import Mod
from django.test.utils import CaptureQueriesContext

from bench.content import SLUG_PREFIX, grow_to
from editorial import translation_status
from editorial.models import HighRiskChange
from home.models import TopicPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

DUE = "/admin/reports/due-for-review/"
STATUS = "/admin/reports/translation-status/"
HIGH_RISK = "/admin/reports/high-risk-changes/"
PAGES = {
    "admin": [
        "/admin/",
        DUE,
        f"{DUE}?language=es&overdue=on",
        f"{DUE}?p=2",
        STATUS,
        f"{STATUS}?status=changes_pending",
        f"{STATUS}?language=pt&kind=page&p=2",
        HIGH_RISK,
        f"{HIGH_RISK}?language=es&p=2",
    ],
    "editor": ["/admin/", DUE, f"{DUE}?p=2", STATUS, f"{STATUS}?language=es&status=in_progress"],
    "translator-es": ["/admin/", DUE, f"{DUE}?language=es", STATUS, f"{STATUS}?p=2"],
    "reviewer-es": ["/admin/", DUE, STATUS, f"{STATUS}?status=changes_pending", HIGH_RISK],
}


def long_lists(per_language):
    """Generated pages, as years of editing leave them: every one overdue for review, a third
    of the translations with changes not yet published, and a high-risk change to each."""
    grow_to(5 * per_language, log=lambda _line: None)
    generated = TopicPage.objects.filter(slug__startswith=SLUG_PREFIX)
    generated.update(last_reviewed=datetime.date(2020, 1, 1))
    TopicPage.objects.filter(
        pk__in=generated.exclude(locale__language_code="en")
        .annotate(third=Mod("pk", 3))
        .filter(third=0)
        .values("pk")
    ).update(has_unpublished_changes=True)
    admin = get_user_model().objects.get(username="admin")
    recorded = set(HighRiskChange.objects.values_list("object_id", flat=True))
    HighRiskChange.objects.bulk_create(
        HighRiskChange(
            kind=HighRiskChange.Kind.PAGE,
            object_id=str(page.pk),
            title=page.title,
            locale_id=page.locale_id,
            changes=[{"what": "phone", "where": "Hotline", "old": "1", "new": "2"}],
            proposed_by=admin,
            approved_by=admin,
        )
        for page in generated
        if str(page.pk) not in recorded
    )


def queries(client, url):
    client.get(url)  # warm: what a session caches after its first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def costs(client):
    found = {}
    for username, urls in PAGES.items():
        client.force_login(get_user_model().objects.get(username=username))
        found.update({f"{username} {url}": queries(client, url) for url in urls})
    return found


def test_no_staff_page_costs_more_queries_as_content_grows(client):
    long_lists(per_language=60)
    few = costs(client)
    long_lists(per_language=200)
    many = costs(client)
    # Not more: a page of a report that mixes pages and services reads each kind, a query or
    # two more than a page of one kind, and longer lists push services to later pages.
    assert {url: n for url, n in many.items() if n > few[url]} == {}


# One kind a page, so that a longer page is the only difference.
ROWS = {
    "admin": [
        f"{DUE}?kind=page",
        f"{DUE}?kind=service",
        f"{STATUS}?kind=page",
        f"{STATUS}?kind=service",
        f"{STATUS}?kind=page&status=changes_pending",
        f"{STATUS}?kind=page&language=pt",
        HIGH_RISK,
    ],
    "translator-es": [f"{DUE}?kind=page", f"{STATUS}?kind=page", f"{STATUS}?kind=service"],
    "reviewer-es": [f"{STATUS}?kind=page&status=changes_pending", HIGH_RISK],
}


def test_a_longer_page_of_a_report_costs_no_more_queries(client, monkeypatch):
    """No query per row shown: five rows a page cost what fifty do."""
    from editorial import views

    long_lists(per_language=60)
    reports = (views.DueForReviewView, views.TranslationStatusView, views.HighRiskChangesView)

    def measure(per_page):
        for view in reports:
            monkeypatch.setattr(view, "per_page", per_page)
        cost, rows = {}, {}
        for username, urls in ROWS.items():
            client.force_login(get_user_model().objects.get(username=username))
            for url in urls:
                cost[f"{username} {url}"] = queries(client, url)
                rows[f"{username} {url}"] = client.get(url).content.decode().count("<tr")
        return cost, rows

    (short, short_rows), (long, long_rows) = measure(5), measure(50)
    assert {url: n for url, n in long_rows.items() if n <= short_rows[url]} == {}
    assert {url: n for url, n in long.items() if n != short[url]} == {}


def overdue(pages):
    today = datetime.date.today()
    return [page for page in pages if page.next_review_due is None or page.next_review_due < today]


def test_the_reports_come_in_pages_and_the_dashboard_counts_everything(client):
    long_lists(per_language=60)
    client.force_login(get_user_model().objects.get(username="translator-es"))
    # What the dashboard and the report count, counted here from the pages themselves.
    overdue_es = len(overdue(TopicPage.objects.live().filter(locale__language_code="es")))
    assert 50 < overdue_es <= 100
    report = client.get(DUE, {"language": "es", "kind": "page", "overdue": "on"})
    html = report.content.decode()
    assert html.count("<td>Topic page</td>") == 50  # a page of fifty
    assert "Page 1 of 2" in html
    last = client.get(DUE, {"language": "es", "kind": "page", "overdue": "on", "p": 2})
    assert last.content.decode().count("<td>Topic page</td>") == overdue_es - 50
    dashboard = client.get("/admin/").content.decode()
    # The translator opens every Spanish page, and no English one: all overdue Spanish pages.
    assert f"{overdue_es} items are overdue for review." in dashboard
    # The dashboard counts every source's status at once (`statuses`); `matrix` decides
    # them row by row, for the report (`rows`): both by `status_of`, to the same counts.
    pending = sum(
        row["cells"][0]["status"] == translation_status.CHANGES_PENDING
        for row in translation_status.matrix(codes=["es"])
    )
    assert pending > 20
    assert f"Changes pending: {pending}</a>" in dashboard
    # The report filters by status over every source, then loads the page shown: the same
    # rows as deciding each row's cells for the report.
    client.force_login(get_user_model().objects.get(username="admin"))
    every = translation_status.matrix()
    assert len(every) > 50
    assert "Page 1 of 2" in client.get(STATUS).content.decode()
    for status in translation_status.LABELS:
        expected = [
            str(row["source"])
            for row in every
            if any(cell["status"] == status for cell in row["cells"])
        ]
        html = client.get(STATUS, {"status": status}).content.decode()
        shown = html.count('class="translation-status ') // 4  # a cell a language
        assert shown == min(len(expected), 50), status
        assert ("Page 1 of" in html) == (len(expected) > 50), status
