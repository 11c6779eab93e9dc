"""The changes feed keeps records between clients, and never one that a publish changed.

Every syncing app asks with a cursor of its own; the records in the answers are the same,
so they are kept (api.records). What readers of the feed must never get is a kept record
after a change to it: a corrected hotline number must reach the next sync at once, in the
service's own record and in every page that lists the service.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from services.models import Service
from tests.home.factories import TopicPageFactory, english_site
from tests.services.factories import make_service, translate_service

from .conftest import get_json, publish, translate_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings):
    settings.WAYMARK_API_SETTLE_SECONDS = 0
    settings.WAYMARK_API_RECORD_CACHE_SECONDS = 600


@pytest.fixture
def spanish_topic(kept):
    """A Spanish topic page whose "get help" block lists a hotline (translated too)."""
    hotline = make_service("Crisis line", phones=(("hotline", "+18005550100", ""),))
    page = TopicPageFactory(
        parent=english_site(),
        body=[
            {"type": "services", "value": {"heading": "", "category": "", "services": [hotline.pk]}}
        ],
    )
    spanish = translate_page(publish(page), "es")
    translate_service(hotline, "es", name="Línea de crisis")
    return spanish, hotline


def sync(api, limit=100):
    """A full sync from empty, as a new app install makes it: {(kind, id): record}."""
    data = get_json(api, f"/api/v2/changes/?locale=es&limit={limit}")
    assert data["meta"]["has_more"] is False
    return {(item["kind"], item["id"]): item[item["kind"]] for item in data["items"]}


def listed(records, page):
    block = records[("page", page.pk)]["body"][0]["value"]
    return [(s["name"], [p["number"] for p in s["phones"]]) for s in block["services"]]


def publish_service(service, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        for name, value in changes.items():
            setattr(service, name, value)
        service.save_revision().publish()


def test_a_second_client_gets_the_same_records_from_a_few_queries(api, spanish_topic):
    first = sync(api)
    # Another app asks another URL (so no whole answer is kept for it).
    with CaptureQueriesContext(connection) as rendered_again:
        second = sync(api, limit=99)
    assert second == first
    # The feed's own questions (what changed, Last-Modified), none per record.
    assert len(rendered_again) <= 8


def test_a_corrected_hotline_number_reaches_the_next_sync_at_once(
    api, spanish_topic, django_capture_on_commit_callbacks
):
    page, hotline = spanish_topic
    before = sync(api)
    assert listed(before, page) == [("Línea de crisis", ["+18005550100"])]
    phone = hotline.phones.first()
    phone.number = "+18005550199"
    publish_service(hotline, django_capture_on_commit_callbacks, phones=[phone])
    after = sync(api)
    # The page did not change, but the number it lists did.
    assert listed(after, page) == [("Línea de crisis", ["+18005550199"])]
    record = after[("service", str(hotline.translation_key))]
    assert [phone["number"] for phone in record["phones"]] == ["+18005550199"]


def test_a_translated_service_name_reaches_the_pages_that_list_it(
    api, spanish_topic, django_capture_on_commit_callbacks
):
    page, hotline = spanish_topic
    sync(api)
    spanish = Service.objects.get(
        translation_key=hotline.translation_key, locale__language_code="es"
    )
    publish_service(spanish, django_capture_on_commit_callbacks, name="Línea de crisis 24 h")
    assert listed(sync(api), page) == [("Línea de crisis 24 h", ["+18005550100"])]


def test_records_asked_on_another_host_carry_that_hosts_addresses(api, spanish_topic):
    page, _hotline = spanish_topic
    sync(api)
    data = get_json(api, "/api/v2/changes/?locale=es&limit=100", HTTP_HOST="127.0.0.1")
    record = next(item["page"] for item in data["items"] if item["id"] == page.pk)
    english = record["meta"]["translations"][0]
    assert english["locale"] == "en"
    assert english["detail_url"].startswith("http://127.0.0.1/api/v2/pages/")


def test_without_the_cache_records_are_rendered_the_same(api, spanish_topic, settings):
    kept = sync(api)
    settings.WAYMARK_API_RECORD_CACHE_SECONDS = 0
    assert sync(api) == kept
