"""Errors as RFC 9457 problem details (application/problem+json), the one error shape of the
APIs: a bad parameter, a missing record, too many requests, a method that is not offered."""

import json

from django.http import HttpResponse

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    410: "Gone",
    429: "Too many requests",
    500: "Internal server error",
}


class ApiError(Exception):
    """A request the API refuses, with what to change (`detail`) and, for a parameter, its name."""

    def __init__(self, detail, status=400, parameter=None, headers=None):
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.parameter = parameter
        self.headers = headers or {}


def problem(status, detail, instance=None, parameter=None, headers=None):
    """A problem+json response."""
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status}
    body["detail"] = detail
    if instance:
        body["instance"] = instance
    if parameter:
        body["parameter"] = parameter
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_error(error, request):
    return problem(
        error.status, error.detail, request.path, parameter=error.parameter, headers=error.headers
    )
