"""The directory as an Open Referral HSDS 3.0 API (/api/hsds/): the routes, parameters and
page objects of the official OpenAPI document (api/schema/hsds-openapi.json).

Every service record is the one `export_hsds` writes (services.hsds.exporter builds both),
translations included as `waymark_translations` (docs/hsds.md). Only what readers can see
is here: live services, and the organizations, locations and links of live services.
"""

import json
import math
import uuid

from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse

from services.hsds import (
    ASSURER_CODE,
    ATTRIBUTE_TAXONOMY,
    CATEGORY_TAXONOMY,
    FLAG_FIELDS,
    HOTLINE_CODE,
    SLUG_CODE,
    SMS_KEYWORD_CODE,
    stable_id,
)
from services.hsds.exporter import records_for, with_record_structure
from services.hsds.records import (
    is_email,
    known_terms,
    location_record,
    organization_record,
    taxonomy_terms,
)
from services.models import Location, Organization, Service, ServiceLocation

from . import params
from .changes import changed_services, live_services
from .problems import ApiError, from_error

HSDS_VERSION = "3.0.0"
PROFILE_URL = "https://docs.openreferral.org/en/latest/hsds/schema_reference.html"
PER_PAGE, MAX_PER_PAGE = 50, 200
LIST_PARAMS = ("page", "per_page", "format", "search")
TAXONOMIES = {
    CATEGORY_TAXONOMY: (
        "Waymark categories",
        "The kinds of help readers filter Waymark's directory by.",
    ),
    ATTRIBUTE_TAXONOMY: (
        "Waymark attributes",
        "What readers can count on (free, confidential, ...) and the values Waymark keeps "
        "as attributes (web address slug, verifier, hotline, text keyword).",
    ),
}


def taxonomy_id(name):
    return stable_id("taxonomy", name)


def taxonomy_records():
    return [
        {"id": taxonomy_id(name), "name": name, "description": description, "version": "1"}
        for name, (_title, description) in TAXONOMIES.items()
    ]


# -- responses --------------------------------------------------------------------------


def json_response(data):
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, content_type="application/json")


def hsds_view(allowed):
    """Checks the parameters first; any ApiError becomes a problem+json response."""

    def decorate(view):
        def wrapped(request, *args, **kwargs):
            try:
                params.check_known(request, allowed)
                return view(request, *args, **kwargs)
            except ApiError as error:
                return from_error(error, request)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def read_format(request):
    value = request.GET.get("format", "json")
    if value != "json":
        raise ApiError(
            f"format {value!r} is not offered: this API answers in json only.", parameter="format"
        )


def paging(request):
    read_format(request)
    return (
        params.integer(request, "page", 1, minimum=1, maximum=10**6),
        params.integer(request, "per_page", PER_PAGE, minimum=1, maximum=MAX_PER_PAGE),
    )


def page_of(total, number, size):
    """(first index, HSDS page object without contents), or a 404 beyond the last page."""
    pages = max(1, math.ceil(total / size))
    if number > pages:
        raise ApiError(
            f"There is no page {number}: there are {pages} of {size}.", status=404, parameter="page"
        )
    start = (number - 1) * size
    return start, {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": max(0, min(size, total - start)),
        "first_page": number == 1,
        "last_page": number == pages,
        "empty": total == 0,
    }


def paged(request, rows, represent):
    """An HSDS page of `rows` (a queryset or list); `represent` turns the slice into records."""
    number, size = paging(request)
    total = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    start, meta = page_of(total, number, size)
    meta["contents"] = represent(rows[start : start + size])
    return json_response(meta)


def as_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# -- services -----------------------------------------------------------------------------


def term_filter(term):
    """What having the taxonomy term `term` (an id) means for a live service, or None."""
    found = known_terms().get(term)
    if found is None:
        return None
    taxonomy, code = found
    if taxonomy == CATEGORY_TAXONOMY:
        return Q(categories__code=code)
    if code in FLAG_FIELDS:
        return Q(**{FLAG_FIELDS[code]: True})
    if code == SLUG_CODE:
        return Q()
    if code == HOTLINE_CODE:
        return Q(phones__kind="hotline")
    if code == SMS_KEYWORD_CODE:
        return Q(phones__kind="text") & ~Q(phones__sms_keyword="")
    if code == ASSURER_CODE:  # written as an attribute only when it is not an e-mail address
        named = live_services().exclude(assurer="").values_list("pk", "assurer")
        return Q(pk__in=[pk for pk, assurer in named if not is_email(assurer)])
    return None


def filtered_services(request, with_search=True):
    """Live source services matching the HSDS filters, with `changed_at`, in id order."""
    services = changed_services(params.moment(request, "modified_after"))
    search = params.text(request, "search") if with_search else ""
    if search:
        words = Service.objects.filter(live=True).filter(
            Q(name__icontains=search)
            | Q(description__icontains=search)
            | Q(eligibility_description__icontains=search)
        )
        services = services.filter(
            Q(translation_key__in=words.values("translation_key"))
            | Q(organization__name__icontains=search)
        )
    term = params.text(request, "taxonomy_term_id")
    if term:
        condition = term_filter(term)
        services = services.filter(condition) if condition is not None else services.none()
    taxonomy = params.text(request, "taxonomy_id")
    if taxonomy:
        if taxonomy == taxonomy_id(CATEGORY_TAXONOMY):
            services = services.filter(categories__isnull=False)
        elif taxonomy != taxonomy_id(ATTRIBUTE_TAXONOMY):  # every service has its slug
            services = services.none()
    organization = params.text(request, "organization_id")
    if organization:
        services = services.filter(organization__hsds_id=as_uuid(organization) or uuid.UUID(int=0))
    return services.distinct().order_by("pk")


def list_form(record):
    """A service as HSDS lists show it: only its one-to-one fields (no arrays)."""
    return {key: value for key, value in record.items() if not isinstance(value, list)}


def minimal_form(service):
    return {
        "id": str(service.translation_key),
        "name": service.name,
        "status": service.status,
        "last_modified": service.changed_at.isoformat().replace("+00:00", "Z"),
    }


SERVICE_FILTERS = ("taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after")


@hsds_view((*LIST_PARAMS, *SERVICE_FILTERS, "minimal", "full"))
def services(request):
    """Live services, paged; full records with ?full=true, id, name, status and the time of
    the last change with ?minimal=true."""
    minimal = params.boolean(request, "minimal")
    full = params.boolean(request, "full")
    if minimal and full:
        raise ApiError("Ask for minimal or full records, not both.", parameter="minimal")
    rows = filtered_services(request)

    def represent(chunk):
        if minimal:
            return [minimal_form(service) for service in chunk]
        records = records_for(list(with_record_structure(chunk)))
        return records if full else [list_form(record) for record in records]

    return paged(request, rows, represent)


@hsds_view(())
def service(request, id):
    """One live service, the full record export_hsds writes."""
    key = as_uuid(id)
    found = list(with_record_structure(live_services().filter(translation_key=key))) if key else []
    if not found:
        raise ApiError(f"There is no live service {id!r}.", status=404)
    return json_response(records_for(found)[0])


# -- organizations ---------------------------------------------------------------------------


def listed_organizations():
    """Organizations with at least one live service (the others are nowhere on the site)."""
    return Organization.objects.filter(
        pk__in=live_services().exclude(organization=None).values("organization_id")
    ).order_by("name", "pk")


def organizations_in_full(organizations, full_service):
    """Each organization with its services (id and name, or full records) and its locations."""
    organizations = list(organizations)
    ids = [organization.pk for organization in organizations]
    by_org = {}
    services_qs = live_services().filter(organization_id__in=ids).order_by("pk")
    if full_service:
        services_qs = with_record_structure(services_qs)
        rows = list(services_qs)
        shown = dict(zip((row.pk for row in rows), records_for(rows), strict=True))
    else:
        rows = list(services_qs.only("pk", "translation_key", "name", "status", "organization_id"))
        shown = {
            row.pk: {"id": str(row.translation_key), "name": row.name, "status": row.status}
            for row in rows
        }
    for row in rows:
        by_org.setdefault(row.organization_id, []).append(shown[row.pk])
    locations = {}
    used = ServiceLocation.objects.filter(service__in=live_services()).values("location_id")
    for location in (
        Location.objects.filter(organization_id__in=ids, pk__in=used)
        .select_related("organization")
        .order_by("name", "pk")
    ):
        locations.setdefault(location.organization_id, []).append(location_record(location))
    return [
        {
            **organization_record(organization),
            "services": by_org.get(organization.pk, []),
            "locations": locations.get(organization.pk, []),
        }
        for organization in organizations
    ]


@hsds_view((*LIST_PARAMS, "full", "full_service"))
def organizations(request):
    """Organizations of live services, paged; with their services and locations on ?full=true."""
    full = params.boolean(request, "full")
    full_service = params.boolean(request, "full_service")
    rows = listed_organizations()
    search = params.text(request, "search")
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(description__icontains=search))

    def represent(chunk):
        if full or full_service:
            return organizations_in_full(chunk, full_service)
        return [organization_record(organization) for organization in chunk]

    return paged(request, rows, represent)


@hsds_view(("full_service",))
def organization(request, id):
    """One organization of live services, with its services and locations."""
    full_service = params.boolean(request, "full_service")
    key = as_uuid(id)
    found = listed_organizations().filter(hsds_id=key) if key else []
    if not found:
        raise ApiError(f"There is no organization {id!r} with a live service.", status=404)
    return json_response(organizations_in_full(found, full_service)[0])


# -- taxonomies ---------------------------------------------------------------------------


def searched(records, search, fields):
    needle = search.casefold()
    return [
        record
        for record in records
        if any(needle in str(record.get(field, "")).casefold() for field in fields)
    ]


@hsds_view(LIST_PARAMS)
def taxonomies(request):
    """Waymark's two taxonomies."""
    rows = taxonomy_records()
    search = params.text(request, "search")
    if search:
        rows = searched(rows, search, ("name", "description"))
    return paged(request, rows, list)


@hsds_view(())
def taxonomy(request, id):
    for record in taxonomy_records():
        if record["id"] == id:
            return json_response(record)
    raise ApiError(f"There is no taxonomy {id!r}.", status=404)


@hsds_view((*LIST_PARAMS, "taxonomy_id", "top_only", "parent_id"))
def taxonomy_terms_view(request):
    """Every term of Waymark's taxonomies (they are flat: no term has a parent)."""
    params.boolean(request, "top_only")  # every term is at the top
    rows = taxonomy_terms()
    search = params.text(request, "search")
    if search:
        rows = searched(rows, search, ("name", "code", "description"))
    wanted = params.text(request, "taxonomy_id")
    if wanted:
        rows = [row for row in rows if taxonomy_id(row["taxonomy"]) == wanted]
    if params.text(request, "parent_id"):
        rows = []
    return paged(request, rows, list)


@hsds_view(())
def taxonomy_term(request, id):
    for record in taxonomy_terms():
        if record["id"] == id:
            return json_response(record)
    raise ApiError(f"There is no taxonomy term {id!r}.", status=404)


# -- services at locations -------------------------------------------------------------------


def link_record(link, full):
    record = {
        "id": str(link.hsds_id),
        "service_id": str(link.service.translation_key),
        "location_id": str(link.location.hsds_id),
    }
    if full:
        record["location"] = location_record(link.location)
    return record


def links_of(services):
    return ServiceLocation.objects.filter(service__in=services).select_related(
        "service", "location__organization"
    )


@hsds_view((*LIST_PARAMS, *SERVICE_FILTERS, "full", "postcode"))
def service_at_locations(request):
    """Where each live service is delivered, paged; with the location on ?full=true."""
    full = params.boolean(request, "full")
    search = params.text(request, "search")
    services_q = filtered_services(request, with_search=False)
    links = links_of(services_q.values("pk")).order_by("pk")
    if search:
        links = links.filter(
            Q(location__name__icontains=search)
            | Q(location__address_1__icontains=search)
            | Q(location__city__icontains=search)
            | Q(service__name__icontains=search)
        )
    postcode = params.text(request, "postcode")
    if postcode:
        links = links.filter(location__postal_code__iexact=postcode)
    return paged(request, links, lambda chunk: [link_record(link, full) for link in chunk])


@hsds_view(())
def service_at_location(request, id):
    key = as_uuid(id)
    link = links_of(live_services()).filter(hsds_id=key).first() if key else None
    if link is None:
        raise ApiError(f"There is no service at location {id!r}.", status=404)
    return json_response(link_record(link, full=True))


# -- about ------------------------------------------------------------------------------


@hsds_view(())
def index(request):
    """What this API is: its HSDS version, profile and OpenAPI document."""
    return json_response(
        {
            "version": HSDS_VERSION,
            "profile": PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("api_hsds_openapi")),
        }
    )


def not_found(request):
    raise_404 = ApiError(
        "There is nothing at this address: see /api/v2/openapi.json and /api/hsds/openapi.json.",
        status=404,
    )
    return from_error(raise_404, request)
