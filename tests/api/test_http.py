"""HTTP done properly for the APIs: validators and 304s, caching like reader pages and
forgotten on publish, gzip, open CORS for reading, a rate limit, problem+json, no cookies."""

import gzip
import json

import pytest
from django.contrib.auth import get_user_model

from tests.home.factories import TopicPageFactory, english_site, question

from .conftest import get_json, publish

pytestmark = pytest.mark.django_db

URLS = ["/api/v2/pages/", "/api/v2/changes/?locale=en", "/api/hsds/services", "/api/hsds/"]


@pytest.fixture
def topic():
    return publish(TopicPageFactory(parent=english_site(), body=[question(1)]))


@pytest.mark.parametrize("url", URLS)
def test_validators_and_304(api, topic, url, settings):
    # The feed re-sends changes younger than the settle window, so its answer (and ETag)
    # is the same from one call to the next once they are older.
    settings.WAYMARK_API_SETTLE_SECONDS = 0
    first = api.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=3600"
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    since = api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_a_publish_changes_the_etag(api, topic):
    first = api.get(f"/api/v2/pages/{topic.pk}/")
    topic.title = "New title"
    publish(topic)
    second = api.get(f"/api/v2/pages/{topic.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and json.loads(second.content)["title"] == "New title"


def test_cached_answers_are_forgotten_when_the_language_changes(
    api, topic, settings, django_capture_on_commit_callbacks
):
    settings.WAYMARK_PAGE_CACHE_SECONDS = 600
    url = "/api/v2/pages/?locale=en&type=home.TopicPage&fields=title"
    assert api.get(url)["X-Waymark-Cache"] == "miss"
    hit = api.get(url)
    assert hit["X-Waymark-Cache"] == "hit" and hit["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=hit["ETag"]).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        topic.title = "Corrected"
        publish(topic)
    fresh = api.get(url)
    assert fresh["X-Waymark-Cache"] == "miss" and "Corrected" in fresh.content.decode()


def test_gzip_when_asked(api, topic):
    response = api.get("/api/v2/changes/?locale=en", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content))["items"]
    plain = api.get("/api/v2/changes/?locale=en")
    assert not plain.has_header("Content-Encoding")


def test_cors_is_open_for_reading_without_credentials(api, topic):
    response = api.get("/api/hsds/services", HTTP_ORIGIN="https://partner.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.has_header("Access-Control-Allow-Credentials")
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    preflight = api.options(
        "/api/v2/pages/",
        HTTP_ORIGIN="https://partner.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    assert api.post("/api/v2/pages/", HTTP_ORIGIN="https://partner.example.org").status_code == 405


def test_no_cookies_even_for_staff(api, topic):
    staff = get_user_model().objects.create_superuser("boss", "boss@example.org", "x" * 16)
    api.force_login(staff)
    for url in URLS:
        response = api.get(url)
        assert not response.cookies and "Cookie" not in response.get("Vary", "")


def test_the_rate_limit_counts_uncached_requests(api, topic, settings):
    settings.WAYMARK_API_RATE_LIMIT = "3/m"
    answers = [api.get("/api/hsds/taxonomies", REMOTE_ADDR="203.0.113.9") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    assert int(limited["Retry-After"]) >= 1
    assert limited["Content-Type"] == "application/problem+json"
    assert json.loads(limited.content)["status"] == 429
    assert api.get("/api/hsds/taxonomies", REMOTE_ADDR="203.0.113.10").status_code == 200


def test_the_address_is_never_stored(api, topic, settings):
    from django.core.cache import cache

    settings.WAYMARK_API_RATE_LIMIT = "3/m"
    api.get("/api/hsds/taxonomies", REMOTE_ADDR="198.51.100.77")
    stored = " ".join(str(key) for key in cache._cache)  # locmem: every key as written
    assert "198.51.100.77" not in stored


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/v2/pages/?colour=red", 400, "colour"),
        ("/api/v2/pages/?locale=fr", 400, "locale"),
        ("/api/v2/pages/?limit=1000", 400, "limit"),
        ("/api/v2/pages/?offset=-1", 400, "offset"),
        ("/api/v2/pages/?type=auth.User", 400, "type"),
        ("/api/v2/pages/?fields=owner", 400, None),
        ("/api/v2/pages/?child_of=abc", 400, None),
        ("/api/v2/changes/?modified_after=2026-13-45", 400, "modified_after"),
        ("/api/hsds/services?modified_after=last-week", 400, "modified_after"),
        ("/api/hsds/services?page=-3", 400, "page"),
        ("/api/hsds/services?page=99", 404, "page"),
        ("/api/hsds/services?search=%00", 400, "search"),
        ("/api/v2/pages/999999/", 404, None),
        ("/api/hsds/organizations/not-an-id", 404, None),
        ("/api/nowhere/", 404, None),
    ],
)
def test_every_bad_request_is_a_problem(api, topic, url, status, parameter):
    response = api.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert problem.get("parameter") == parameter
    assert response["Cache-Control"] == "no-store"


def test_openapi_documents_are_served(api):
    for url, title in (
        ("/api/v2/openapi.json", "Waymark content API"),
        ("/api/hsds/openapi.json", "Waymark directory (Open Referral HSDS 3.0)"),
    ):
        document = get_json(api, url)
        assert document["openapi"].startswith("3.") and document["info"]["title"] == title
