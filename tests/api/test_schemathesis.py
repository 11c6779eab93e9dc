"""A client no one here wrote: Schemathesis generates requests from both OpenAPI documents
(valid ones and broken ones) and checks every answer: never a 5xx, the status, content
type, headers and body as the document says.

Each operation that takes parameters gets at least MIN_REQUESTS generated requests against
the demo, in process through the WSGI application (the same middleware as production); one
without parameters (the HSDS index) has a single valid request, sent a few times.
"""

from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "api" / "schema"
MIN_REQUESTS = 300
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
SENT = Counter()
WITHOUT_PARAMETERS = set()


def in_test_transaction(handler):
    """The WSGI application as Django's test client runs it: the end of a request must not
    close the test's database connection (on PostgreSQL that ends the test's transaction)."""

    def application(environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            result = handler(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        return [body]

    return application


def load(name):
    schema = schemathesis.openapi.from_path(SCHEMAS / name)
    schema.app = in_test_transaction(get_wsgi_application())
    return schema


content = load("content-openapi.json")
hsds = load("hsds-openapi.json")

pytestmark = [pytest.mark.demo, pytest.mark.django_db]
generated = settings(
    max_examples=MIN_REQUESTS,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@pytest.fixture(scope="module", autouse=True)
def _enough_requests():
    yield
    print("\nSchemathesis requests per operation:")
    for label, count in sorted(SENT.items()):
        print(f"  {count:5d}  {label}")
    short = {
        label: count
        for label, count in SENT.items()
        if count < MIN_REQUESTS and label not in WITHOUT_PARAMETERS
    }
    assert not short, f"fewer than {MIN_REQUESTS} generated requests: {short}"


def call(case):
    SENT[case.operation.label] += 1
    if not list(case.operation.iter_parameters()):
        WITHOUT_PARAMETERS.add(case.operation.label)
    # The in-process client does not decompress; gzip has tests of its own (test_http.py).
    case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})


@content.parametrize()
@generated
def test_content_api(case):
    call(case)


@hsds.parametrize()
@generated
def test_hsds_api(case):
    call(case)
