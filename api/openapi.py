"""The APIs' OpenAPI documents, committed under api/schema/ and served as they are."""

from functools import cache
from pathlib import Path

from django.http import HttpResponse

from .hsds import hsds_view

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
CONTENT_DOCUMENT = SCHEMA_DIR / "content-openapi.json"
HSDS_DOCUMENT = SCHEMA_DIR / "hsds-openapi.json"


@cache
def _read(path):
    return path.read_bytes()


@hsds_view(())
def content_openapi(request):
    """The content API's OpenAPI 3.1 document."""
    return HttpResponse(_read(CONTENT_DOCUMENT), content_type="application/json")


@hsds_view(())
def hsds_openapi(request):
    """Open Referral's HSDS 3.0 OpenAPI document, filled in for Waymark, its schemas bundled."""
    return HttpResponse(_read(HSDS_DOCUMENT), content_type="application/json")
