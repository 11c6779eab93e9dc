"""The HSDS 3.0 API serves the records export_hsds writes, paged and filtered as Open
Referral's OpenAPI document says, and its answers validate against the official schemas."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator

from api.openapi import CONTENT_DOCUMENT, HSDS_DOCUMENT
from services.hsds.exporter import service_records
from services.hsds.records import taxonomy_terms
from tests.services.factories import LocationFactory, make_service, translate_service
from tests.services.test_hsds import build_directory

from .conftest import get_json, locale

pytestmark = pytest.mark.django_db


def validator(document, name):
    spec = json.loads(document.read_text("utf-8"))
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    )


def assert_valid(data, name, document=HSDS_DOCUMENT):
    errors = sorted(validator(document, name).iter_errors(data), key=str)
    assert not errors, [f"{list(error.absolute_path)}: {error.message}" for error in errors[:5]]


def page_items(api, url):
    data = get_json(api, url)
    assert {"total_items", "total_pages", "page_number", "size", "contents"} <= set(data)
    return data["contents"]


def test_full_records_are_the_exported_records(api, django_capture_on_commit_callbacks):
    build_directory(django_capture_on_commit_callbacks)
    exported = {record["id"]: record for record in service_records()}
    served = page_items(api, "/api/hsds/services?full=true&per_page=200")
    assert {record["id"]: record for record in served} == exported
    for key, record in exported.items():
        assert get_json(api, f"/api/hsds/services/{key}") == record
        assert_valid(record, "service")
    assert any("waymark_translations" in record for record in served)


def test_lists_show_one_to_one_fields_and_minimal_only_ids_and_dates(api):
    service = make_service("Walk-in clinic", categories=["health"])
    listed = page_items(api, "/api/hsds/services")[0]
    assert listed["id"] == str(service.translation_key) and listed["name"] == "Walk-in clinic"
    assert "phones" not in listed and listed["organization"]["name"]
    assert_valid(listed, "service_list")
    minimal = page_items(api, "/api/hsds/services?minimal=true")[0]
    assert set(minimal) == {"id", "name", "status", "last_modified"}


def test_drafts_and_unpublished_services_are_not_served(api):
    locale("es")
    make_service("Live one")
    hidden = make_service("Not yet", live=False)
    translate_service(make_service("Translated"), "es", live=False, name="Borrador")
    served = page_items(api, "/api/hsds/services?full=true")
    assert [record["name"] for record in served] == ["Live one", "Translated"]
    assert "Borrador" not in json.dumps(served)
    get_json(api, f"/api/hsds/services/{hidden.translation_key}", status=404)


def test_filters(api):
    legal = make_service("Legal aid", categories=["legal"], free=True)
    health = make_service("Clinic", categories=["health"], description="Tests and care")
    terms = {term["code"]: term["id"] for term in taxonomy_terms()}

    def names(query):
        return [record["name"] for record in page_items(api, f"/api/hsds/services?{query}")]

    assert names(f"taxonomy_term_id={terms['legal']}") == ["Legal aid"]
    assert names(f"taxonomy_term_id={terms['free']}") == ["Legal aid"]
    assert names("taxonomy_term_id=not-a-term") == []
    assert names("search=care") == ["Clinic"]
    assert names(f"organization_id={health.organization.hsds_id}") == ["Clinic"]
    assert names("organization_id=nobody") == []
    taxonomies = page_items(api, "/api/hsds/taxonomies")
    category = next(t["id"] for t in taxonomies if t["name"] == "waymark-category")
    assert set(names(f"taxonomy_id={category}")) == {"Legal aid", "Clinic"}
    assert legal.pk  # both live


def test_modified_after(api):
    make_service("Old")
    data = page_items(api, "/api/hsds/services?minimal=true")
    moment = data[0]["last_modified"]
    assert [r["name"] for r in page_items(api, f"/api/hsds/services?modified_after={moment}")] == [
        "Old"
    ]
    assert page_items(api, "/api/hsds/services?modified_after=2999-01-01T00:00:00Z") == []


def test_paging_and_bad_pages(api):
    for n in range(3):
        make_service(f"Service {n}")
    data = get_json(api, "/api/hsds/services?per_page=2&page=2")
    assert (data["total_items"], data["total_pages"], data["page_number"], data["size"]) == (
        3,
        2,
        2,
        1,
    )
    assert data["last_page"] and not data["first_page"]
    for query, status in (
        ("page=3&per_page=2", 404),
        ("page=0", 400),
        ("page=two", 400),
        ("per_page=201", 400),
        ("format=ndjson", 400),
        ("full=maybe", 400),
        ("proximity=5", 400),
        ("page=1&page=2", 400),
    ):
        problem = get_json(api, f"/api/hsds/services?{query}", status=status)
        assert problem["status"] == status and problem["detail"]


def test_organizations_taxonomies_and_locations(api):
    place = LocationFactory(postal_code="06854")
    service = make_service("Clinic", locations=[place])
    make_service("Hidden", live=False)
    organizations = page_items(api, "/api/hsds/organizations")
    assert [org["name"] for org in organizations] == [service.organization.name]
    assert_valid(organizations[0], "organization_list")
    full = get_json(
        api, f"/api/hsds/organizations/{service.organization.hsds_id}?full_service=true"
    )
    assert full["services"] == service_records()
    assert_valid(full, "organization")
    terms = page_items(api, "/api/hsds/taxonomy_terms?per_page=200")
    assert terms == taxonomy_terms()
    assert get_json(api, f"/api/hsds/taxonomy_terms/{terms[0]['id']}") == terms[0]
    links = page_items(api, "/api/hsds/service_at_locations?full=true&postcode=06854")
    assert [(link["service_id"], link["location"]["name"]) for link in links] == [
        (str(service.translation_key), place.name)
    ]
    assert page_items(api, "/api/hsds/service_at_locations?postcode=99999") == []
    assert get_json(api, f"/api/hsds/service_at_locations/{links[0]['id']}") == links[0]
    index = get_json(api, "/api/hsds/")
    assert index["version"] == "3.0.0" and index["openapi_url"].endswith("/api/hsds/openapi.json")


def queries(api, url):
    with CaptureQueriesContext(connection) as captured:
        get_json(api, url)
    return len(captured)


def test_list_queries_do_not_grow_with_page_size(api):
    locale("es")
    for n in range(12):
        service = make_service(
            f"Service {n}", categories=["legal"], languages=["es"], locations=[LocationFactory()]
        )
        translate_service(service, "es", name=f"Servicio {n}")
    for url in (
        "/api/hsds/services?per_page={n}",
        "/api/hsds/services?full=true&per_page={n}",
        "/api/hsds/services?minimal=true&per_page={n}",
        "/api/hsds/organizations?full=true&per_page={n}",
        "/api/hsds/service_at_locations?full=true&per_page={n}",
    ):
        small, large = queries(api, url.format(n=2)), queries(api, url.format(n=12))
        assert small == large, f"{url}: {small} queries for 2 records, {large} for 12"


@pytest.mark.demo
def test_the_demo_directory_is_served_as_exported_and_valid(api):
    served = page_items(api, "/api/hsds/services?full=true&per_page=200")
    assert served == service_records()
    for record in served:
        assert_valid(record, "service")
    for name, url in (
        ("organization_list", "/api/hsds/organizations?per_page=200"),
        ("service_at_location", "/api/hsds/service_at_locations?full=true&per_page=200"),
    ):
        for item in page_items(api, url):
            assert_valid(item, name)


@pytest.mark.demo
@pytest.mark.parametrize("code", ["en", "es", "ar"])
def test_the_demo_pages_and_feed_validate_against_the_content_document(api, code):
    listed = get_json(api, f"/api/v2/pages/?locale={code}&limit=100")
    for item in listed["items"]:
        assert_valid(get_json(api, item["meta"]["detail_url"]), "Page", CONTENT_DOCUMENT)
    feed = get_json(api, f"/api/v2/changes/?locale={code}")
    assert_valid(feed, "Changes", CONTENT_DOCUMENT)
    assert not feed["meta"]["has_more"]
