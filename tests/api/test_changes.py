"""The changes feed keeps an app's offline copy in step: everything from empty, then only what
changed since the cursor, with what was unpublished, deleted or made private to remove."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from api.models import ChangeEvent
from tests.home.factories import TopicPageFactory, english_site, question
from tests.services.factories import make_service

from .conftest import get_json, publish

pytestmark = pytest.mark.django_db


def feed(api, query="", status=200):
    return get_json(api, f"/api/v2/changes/?locale=en{query}", status=status)


@pytest.fixture
def site(settings):
    settings.WAYMARK_API_SETTLE_SECONDS = 0  # no overlap, so each answer is exact
    index = english_site()
    pages = [publish(TopicPageFactory(parent=index, body=[question(n)])) for n in range(3)]
    service = make_service("Free testing")
    return index, pages, service


def ids(data, kind):
    return [item["id"] for item in data["items"] if item["kind"] == kind]


def test_from_empty_everything_live_comes_in_one_request(api, site):
    index, pages, service = site
    data = feed(api)
    assert set(ids(data, "page")) >= {page.pk for page in pages} | {index.pk}
    assert ids(data, "service") == [str(service.translation_key)]
    assert data["removed"] == [] and data["meta"]["has_more"] is False
    topic = next(item for item in data["items"] if item["id"] == pages[0].pk)
    assert topic["page"]["body"][0]["type"] == "question"


def test_after_one_change_one_record(api, site):
    _index, pages, _service = site
    cursor = feed(api)["meta"]["cursor"]
    assert feed(api, f"&cursor={cursor}")["items"] == []
    pages[1].title = "Changed"
    publish(pages[1])
    data = feed(api, f"&cursor={cursor}")
    assert [(item["kind"], item["id"]) for item in data["items"]] == [("page", pages[1].pk)]
    assert data["items"][0]["page"]["title"] == "Changed" and data["removed"] == []
    assert feed(api, f"&cursor={data['meta']['cursor']}")["items"] == []


def test_unpublished_deleted_and_private_pages_are_removals(api, site):
    _index, pages, service = site
    cursor = feed(api)["meta"]["cursor"]
    pages[0].unpublish()
    deleted_pk = pages[1].pk
    pages[1].delete()
    PageViewRestriction.objects.create(page=pages[2], restriction_type="login")
    service.unpublish()
    data = feed(api, f"&cursor={cursor}")
    assert data["items"] == []
    removed = {(entry["kind"], entry["id"]) for entry in data["removed"]}
    assert removed == {
        ("page", pages[0].pk),
        ("page", deleted_pk),
        ("page", pages[2].pk),
        ("service", str(service.translation_key)),
    }


def test_republished_after_removal_comes_back(api, site):
    _index, pages, _service = site
    cursor = feed(api)["meta"]["cursor"]
    pages[0].unpublish()
    publish(pages[0])
    data = feed(api, f"&cursor={cursor}")
    assert ids(data, "page") == [pages[0].pk] and data["removed"] == []


def test_an_organization_edit_sends_its_services_again(api, site):
    _index, _pages, service = site
    cursor = feed(api)["meta"]["cursor"]
    service.organization.name = "Renamed clinic"
    service.organization.save()
    data = feed(api, f"&cursor={cursor}")
    assert ids(data, "service") == [str(service.translation_key)]
    assert data["items"][0]["service"]["organization"]["name"] == "Renamed clinic"


def test_paging_with_the_cursor_reaches_everything_once(api, site):
    _index, pages, service = site
    seen, cursor, calls = [], "", 0
    while True:
        data = feed(api, f"&limit=2{'&cursor=' + cursor if cursor else ''}")
        calls += 1
        seen += [(item["kind"], item["id"]) for item in data["items"]]
        cursor = data["meta"]["cursor"]
        if not data["meta"]["has_more"]:
            break
    assert len(seen) == len(set(seen))
    assert {("page", page.pk) for page in pages} | {
        ("service", str(service.translation_key))
    } <= set(seen)
    assert calls == -(-len(seen) // 2)


def test_changes_within_the_settle_window_are_sent_again(api, settings):
    settings.WAYMARK_API_SETTLE_SECONDS = 30
    page = publish(TopicPageFactory(parent=english_site(), body=[question(1)]))
    cursor = feed(api)["meta"]["cursor"]
    assert page.pk in ids(feed(api, f"&cursor={cursor}"), "page")  # a late commit is not lost


def test_modified_after_is_an_alternative_to_the_cursor(api, site):
    _index, pages, _service = site
    moment = timezone.now()
    publish(pages[2])
    data = feed(api, f"&modified_after={moment.isoformat().replace('+00:00', 'Z')}")
    assert ids(data, "page") == [pages[2].pk]


@pytest.mark.parametrize(
    ("query", "status", "parameter"),
    [
        ("&cursor=nonsense", 400, "cursor"),
        ("&modified_after=yesterday", 400, "modified_after"),
        ("&limit=0", 400, "limit"),
        ("&limit=ten", 400, "limit"),
        ("&since=2026-01-01", 400, "since"),
    ],
)
def test_bad_parameters_are_problems(api, query, status, parameter):
    data = feed(api, query, status=status)
    assert data["status"] == status and data["parameter"] == parameter and data["detail"]


def test_a_cursor_belongs_to_its_language(api, site):
    cursor = feed(api)["meta"]["cursor"]
    data = get_json(api, f"/api/v2/changes/?locale=es&cursor={cursor}", status=400)
    assert "en" in data["detail"]


def test_a_cursor_older_than_the_record_asks_for_a_full_sync(api, settings):
    settings.WAYMARK_API_CHANGES_KEEP_DAYS = 1
    old = (timezone.now() - datetime.timedelta(days=2)).isoformat().replace("+00:00", "Z")
    assert feed(api, f"&modified_after={old}", status=410)["status"] == 410


def test_old_events_are_forgotten(api, settings, site):
    _index, pages, _service = site
    settings.WAYMARK_API_CHANGES_KEEP_DAYS = 1
    ChangeEvent.objects.create(
        kind="page",
        reason="deleted",
        translation_key=pages[0].translation_key,
        page_id=999,
        language_code="en",
        at=timezone.now() - datetime.timedelta(days=3),
    )
    pages[0].unpublish()
    assert not ChangeEvent.objects.filter(page_id=999).exists()
