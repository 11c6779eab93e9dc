"""The content API shows exactly what a reader can see: live public pages, per language, with
their translations, blocks, review dates and sources; never drafts, private pages or staff."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from api.representation import raw_stream
from tests.home.factories import TopicPageFactory, english_site, question
from tests.services.factories import make_service

from .conftest import get_json, publish, translate_page

pytestmark = pytest.mark.django_db


def topic_with(index, body, **fields):
    return publish(TopicPageFactory(parent=index, body=body, **fields))


def detail(api, page):
    return get_json(api, f"/api/v2/pages/{page.pk}/")


def test_a_topic_page_reads_as_structured_blocks(api):
    index = english_site()
    police = make_service("Police line", phones=(("text", "+12035551234", "TIP"),))
    page = topic_with(
        index,
        [
            question(1),
            {
                "type": "callout",
                "value": {"kind": "warning", "title": "Careful", "text": "<p>Hi</p>"},
            },
            {
                "type": "contact",
                "value": {
                    "kind": "text",
                    "label": "Text us",
                    "phone": "+12038543011",
                    "keyword": "HELP NOW",
                    "url": "",
                    "note": "24 hours",
                },
            },
            {
                "type": "contact",
                "value": {
                    "kind": "text",
                    "label": "Tip line",
                    "service": police.pk,
                    "phone": "",
                    "keyword": "",
                    "url": "",
                    "note": "",
                },
            },
            {"type": "text", "value": "<p>More.</p>"},
        ],
    )
    body = detail(api, page)["body"]
    assert [block["type"] for block in body] == [
        "question",
        "callout",
        "contact",
        "contact",
        "text",
    ]
    assert body[0]["value"] == {
        "question": "Question number 1?",
        "answer": "<p>Answer number 1.</p>",
    }
    assert body[1]["value"] == {"kind": "warning", "title": "Careful", "text": "<p>Hi</p>"}
    typed = body[2]["value"]
    assert typed["href"] == "sms:+12038543011?body=HELP%20NOW"
    assert typed["display_phone"] == "(203) 854-3011" and typed["note"] == "24 hours"
    assert typed["service"] is None
    chosen = body[3]["value"]
    assert chosen["href"] == "sms:+12035551234?body=TIP" and chosen["keyword"] == "TIP"
    assert chosen["service"]["id"] == str(police.translation_key)
    assert chosen["service"]["detail_url"].endswith(f"/api/hsds/services/{police.translation_key}")
    assert body[4]["value"] == "<p>More.</p>"


def test_a_call_contact_is_a_tel_link(api):
    page = topic_with(
        english_site(),
        [
            {
                "type": "contact",
                "value": {
                    "kind": "call",
                    "label": "Call",
                    "phone": "+12038543011",
                    "keyword": "",
                    "url": "",
                    "note": "",
                },
            }
        ],
    )
    assert detail(api, page)["body"][0]["value"]["href"] == "tel:+12038543011"


def test_get_help_lists_the_services_the_reader_page_lists(api):
    index = english_site()
    make_service("Legal clinic", categories=["legal"])
    make_service("Legal hotline", categories=["legal"], phones=(("hotline", "+18883737888", ""),))
    make_service("Closed legal help", categories=["legal"], status="defunct")
    make_service("Unpublished legal help", categories=["legal"], live=False)
    make_service("Health", categories=["health"])
    chosen = make_service("Chosen one")
    page = topic_with(
        index,
        [
            {
                "type": "services",
                "value": {"heading": "Legal help", "category": "legal", "services": []},
            },
            {"type": "services", "value": {"heading": "", "category": "", "services": [chosen.pk]}},
        ],
    )
    first, second = (block["value"] for block in detail(api, page)["body"])
    assert first["heading"] == "Legal help" and first["category"] == "legal"
    assert [service["name"] for service in first["services"]] == ["Legal clinic", "Legal hotline"]
    hotline = first["services"][1]["phones"][0]
    assert hotline == {
        "kind": "hotline",
        "number": "+18883737888",
        "display": "(888) 373-7888",
        "keyword": "",
        "href": "tel:+18883737888",
    }
    assert [service["name"] for service in second["services"]] == ["Chosen one"]


def test_review_dates_and_sources_are_shown(api):
    page = TopicPageFactory(
        parent=english_site(), last_reviewed=datetime.date(2026, 3, 1), review_interval_days=30
    )
    page.sources.create(
        title="Connecticut statutes",
        url="https://www.cga.ct.gov/",
        accessed=datetime.date(2026, 2, 1),
    )
    publish(page)
    data = detail(api, page)
    assert data["last_reviewed"] == "2026-03-01" and data["next_review_due"] == "2026-03-31"
    assert data["sources"] == [
        {
            "title": "Connecticut statutes",
            "url": "https://www.cga.ct.gov/",
            "accessed": "2026-02-01",
        }
    ]


def test_translations_are_linked_and_locale_filters(api):
    page = topic_with(english_site(), [question(1)], title="The law")
    spanish = translate_page(page, "es")
    spanish.title = "La ley"
    publish(spanish)
    data = detail(api, spanish)
    assert data["meta"]["locale"] == "es"
    links = data["meta"]["translations"]
    assert [(link["id"], link["locale"], link["title"]) for link in links] == [
        (page.pk, "en", "The law")
    ]
    listed = get_json(api, "/api/v2/pages/?locale=es")["items"]
    assert {item["meta"]["locale"] for item in listed} == {"es"}
    assert spanish.pk in [item["id"] for item in listed] and page.pk not in [
        item["id"] for item in listed
    ]


def test_drafts_never_show(api):
    index = english_site()
    page = topic_with(index, [question(1)], title="Published title", summary="Published summary")
    page.title, page.summary = "Draft title", "Draft summary"
    page.save_revision()  # waiting for review
    unpublished = TopicPageFactory(parent=index, live=False, title="Never published")
    data = detail(api, page)
    assert data["title"] == "Published title" and data["summary"] == "Published summary"
    listed = get_json(api, "/api/v2/pages/?type=home.TopicPage&fields=*")
    text = str(listed)
    assert "Draft" not in text and "Never published" not in text
    get_json(api, f"/api/v2/pages/{unpublished.pk}/", status=404)


def test_private_pages_never_show_even_to_staff(api):
    index = english_site()
    secret = topic_with(index, [question(1)], title="Staff only")
    below = topic_with(index, [question(2)], title="Open")
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.LOGIN)
    PageViewRestriction.objects.create(
        page=index, restriction_type=PageViewRestriction.PASSWORD, password="letmein1234"
    )
    staff = get_user_model().objects.create_superuser("boss", "boss@example.org", "x" * 16)
    api.force_login(staff)
    listed = get_json(api, "/api/v2/pages/")["items"]
    assert secret.pk not in [item["id"] for item in listed]
    assert below.pk not in [item["id"] for item in listed]  # under the password-protected index
    get_json(api, f"/api/v2/pages/{secret.pk}/", status=404)
    get_json(api, f"/api/v2/pages/find/?html_path={secret.url}", status=404)


def test_no_staff_names_and_no_write_routes(api):
    index = english_site()
    staff = get_user_model().objects.create_user("editor-jo", "jo@example.org", "x" * 16)
    page = TopicPageFactory(parent=index, owner=staff)
    page.save_revision(user=staff).publish()
    text = get_json(api, f"/api/v2/pages/{page.pk}/").__repr__()
    assert "editor-jo" not in text and "jo@example.org" not in text
    for field in (
        "owner",
        "locked_by",
        "latest_revision",
        "draft_title",
        "has_unpublished_changes",
    ):
        get_json(api, f"/api/v2/pages/{page.pk}/?fields={field}", status=400)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api, method)(f"/api/v2/pages/{page.pk}/")
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD, OPTIONS"
    for path in ("/api/v2/pages/1/action/publish/", "/api/v2/pages/1/copy/", "/api/v3/pages/"):
        assert api.post(path).status_code == 405
        assert api.get(path).status_code == 404


def test_find_redirects_to_the_page(api):
    page = topic_with(english_site(), [question(1)])
    response = api.get(f"/api/v2/pages/find/?html_path={page.url}")
    assert response.status_code == 302
    assert f"/api/v2/pages/{page.pk}/" in response["Location"]


def queries(api, url):
    with CaptureQueriesContext(connection) as captured:
        get_json(api, url)
    return len(captured)


def many_topics(index, count):
    chosen = make_service(f"Service {count}")
    body = [
        question(1),
        {
            "type": "contact",
            "value": {
                "kind": "call",
                "label": "Call",
                "service": chosen.pk,
                "phone": "",
                "keyword": "",
                "url": "",
                "note": "",
            },
        },
        {"type": "services", "value": {"heading": "", "category": "legal", "services": []}},
        {"type": "services", "value": {"heading": "", "category": "", "services": [chosen.pk]}},
    ]
    for _ in range(count):
        page = TopicPageFactory(parent=index, body=body)
        page.sources.create(title="A source", url="https://example.org/")
        translate_page(publish(page), "es")


LISTS = [
    "/api/v2/pages/?limit={n}",
    "/api/v2/pages/?type=home.TopicPage&fields=*&limit={n}",
    "/api/v2/pages/?locale=es&type=home.TopicPage&fields=*&limit={n}",
    "/api/v2/changes/?locale=es&limit={n}",
]


def test_list_queries_do_not_grow_with_page_size(api):
    index = english_site()
    make_service("Legal clinic", categories=["legal"])
    many_topics(index, 12)
    for url in LISTS:
        # Five records already hold every kind (home, index, topics, services); then more.
        small, large = queries(api, url.format(n=5)), queries(api, url.format(n=14))
        assert small == large, f"{url}: {small} queries for 5 records, {large} for 14"


def test_a_page_type_whose_body_is_not_blocks_is_listed_without_blocks():
    """A page type of another app may name a rich-text field `body` (the benchmark's baseline
    page does): the content API reads no blocks from it instead of failing the whole list."""
    assert raw_stream(SimpleNamespace(body="<p>Plain rich text</p>"), "body") == []
    assert raw_stream(SimpleNamespace(), "help_links") == []
