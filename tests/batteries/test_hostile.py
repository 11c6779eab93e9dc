"""Hostile requests get an answer, never a 500: odd paths, queries, headers, methods and forms,
sent at every kind of reader URL, the feedback form and the APIs (issue 19: this held over
10,500 requests by hand; the battery keeps it holding). Each answer is judged by its status."""

import itertools
import random

import pytest
from django.test import Client

from tests.batteries.payloads import PAYLOADS

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

URLS = [
    "/",
    "/es/",
    "/ar/",
    "/es/temas/",
    "/es/temas/denunciar/",
    "/en/topics/reporting/",
    "/es/servicios/",
    "/es/servicios/human-trafficking-hotline/",
    "/es/search/",
    "/es/offline/",
    "/es/offline.json",
    "/es/search-index.json",
    "/sw.js",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/api/v2/pages/",
    "/api/v2/changes/",
    "/api/hsds/services",
]
QUERIES = [
    {"q": "x" * 5000},
    {"q": "\x00\x01\x7f"},
    {"q": "%", "page": "-1"},
    {"page": "99999999999999999999"},
    {"page": "abc", "category": "../../etc/passwd"},
    {"category": "health", "open": "yes", "language": "zz", "q": "ayuda"},
    {"locale": "es", "limit": "1e9", "offset": "-5"},
    {"cursor": "not-a-cursor", "modified_after": "yesterday"},
    {"fields": "*,-*,body(" * 20},
    {"q": "' OR 1=1 --"},
    {"q": 'ayuda"', "search": 'ayuda" OR (x'},  # full-text search syntax
    {"search": "NEAR(a b) * ^ : - +", "q": "a AND OR NOT"},
    {"q": "ayuda", "q2": "ayuda", "utm_source": "x"},
    *({"q": payload} for payload in PAYLOADS.values()),
]
# Query strings no client library would build: broken UTF-8, a lone surrogate, bare %.
RAW_QUERIES = ["q=%ED%A0%80", "q=%FF%FE&page=%", "q=%%%%", "&&&=&=", "q=" + "%C3" * 500]
HEADERS = [
    {"HTTP_HOST": "evil.example"},
    {"HTTP_HOST": "localhost:99999"},
    {"HTTP_ACCEPT_LANGUAGE": "ar;q=abc, *;q=-1, " + "x" * 2000},
    {"HTTP_COOKIE": "sessionid=" + "A" * 4000 + "; csrftoken=\x00"},
    {"HTTP_IF_NONE_MATCH": '"' + "x" * 3000},
    {"HTTP_IF_MODIFIED_SINCE": "not a date"},
    {"HTTP_RANGE": "bytes=99999999-0"},
    {"HTTP_X_FORWARDED_FOR": "not-an-address, ::::, 999.1.1.1"},
    {"HTTP_X_FORWARDED_PROTO": "gopher"},
    {"HTTP_ACCEPT_ENCODING": "gzip;q=2, br, x" * 100},
    {"HTTP_USER_AGENT": "\u202e" * 500},
    {"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "cross-site"},
]
METHODS = ["get", "head", "post", "put", "delete", "patch", "options", "trace"]
FORMS = [
    {},
    {"message": "x" * 100_000},
    {"message": "Wrong number.", "page": "not-a-number", "path": "//evil.example/"},
    {"message": "Wrong number.", "page": "999999999", "path": "/es/"},
    {"message": PAYLOADS["script"], "contact": PAYLOADS["attribute"], "website": ""},
    {"message": "Hi", "website": "http://spam.example/"},  # the honeypot
    {"message": ["a", "b"], "path": ["/es/", "/en/"]},
]


@pytest.fixture
def anyone():
    return Client(raise_request_exception=False)


def answered(response):
    return response.status_code < 500


def test_odd_queries_and_headers_at_every_kind_of_url(anyone):
    chooser = random.Random(19)  # noqa: S311 (a reproducible sample, not a secret)
    pairs = list(itertools.product(URLS, QUERIES))
    failures = []
    for url, query in pairs:
        response = anyone.get(url, query)
        if not answered(response):
            failures.append((url, query, response.status_code))
    for url, raw in itertools.product(URLS, RAW_QUERIES):
        response = anyone.get(url, QUERY_STRING=raw)
        if not answered(response):
            failures.append((url, raw, response.status_code))
    for url, headers in itertools.product(URLS, HEADERS):
        query = chooser.choice(QUERIES)
        response = anyone.get(url, query, **headers)
        if not answered(response) and not (
            headers.get("HTTP_HOST", "").startswith(("evil", "localhost:99999"))
            and response.status_code == 400
        ):
            failures.append((url, headers, response.status_code))
    assert failures == []
    sent = len(pairs) + len(URLS) * (len(RAW_QUERIES) + len(HEADERS))
    assert sent >= 700


def test_every_method_at_every_kind_of_url(anyone):
    failures = [
        (method, url, response.status_code)
        for method, url in itertools.product(METHODS, URLS)
        if not answered(response := getattr(anyone, method)(url))
    ]
    assert failures == []


@pytest.mark.parametrize("language", ["es", "ar", "ht"])
def test_odd_forms_to_the_feedback_form_and_search(anyone, language):
    failures = []
    for form in FORMS:
        for url in (f"/{language}/feedback/", f"/{language}/search/"):
            response = anyone.post(url, form, HTTP_ORIGIN="null")
            if not answered(response):
                failures.append((url, form.keys(), response.status_code))
    # A body that is not a form at all.
    for content_type, body in (
        ("application/json", b'{"message": '),
        ("multipart/form-data; boundary=x", b"--x\r\nbroken"),
        ("application/x-www-form-urlencoded", b"%ff%fe=%00&" * 1000),
    ):
        response = anyone.post(f"/{language}/feedback/", body, content_type=content_type)
        if not answered(response):
            failures.append((content_type, response.status_code))
    assert failures == []
