"""Waymark's services written as HSDS 3.0 records (the JSON form), and their comparable state.

The export writes from here; the import compares what a file asks for with
`service_state` so that a service whose data is unchanged is left alone.
"""

import datetime
from functools import cache

from babel import Locale as BabelLocale
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation

from services.models import Category

from . import (
    ASSURER_CODE,
    ATTRIBUTE_TAXONOMY,
    ATTRIBUTE_TERMS,
    CATEGORY_TAXONOMY,
    FLAG_FIELDS,
    HOTLINE_CODE,
    SLUG_CODE,
    SMS_KEYWORD_CODE,
    TRANSLATED_FIELDS,
    TRANSLATIONS_KEY,
    address_id,
    attribute_id,
    term_id,
)

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# The service fields an HSDS record carries (review_interval_days has no HSDS counterpart).
STATE_FIELDS = (
    *TRANSLATED_FIELDS,
    "slug",
    "status",
    "url",
    "email",
    "minimum_age",
    "maximum_age",
    *FLAG_FIELDS.values(),
    "assured_date",
    "assurer",
)
ORGANIZATION_FIELDS = ("name", "description", "website", "email")
LOCATION_FIELDS = (
    "name",
    "address_1",
    "address_2",
    "city",
    "state_province",
    "postal_code",
    "country",
    "latitude",
    "longitude",
)


# -- Waymark's taxonomies ------------------------------------------------------


def category_terms():
    """(code, English name) of every category, in their order."""
    with translation.override("en"):
        return [(code, str(label)) for code, label in Category.Code.choices]


def taxonomy_terms():
    """Every term of Waymark's two taxonomies, as HSDS taxonomy_term objects (fresh copies)."""
    return [dict(term) for term in _taxonomy_terms()]


@cache
def _taxonomy_terms():
    terms = [
        taxonomy_term(CATEGORY_TAXONOMY, code, name, f"Waymark category: {name}.")
        for code, name in category_terms()
    ]
    terms += [
        taxonomy_term(ATTRIBUTE_TAXONOMY, code, name, description)
        for code, (name, description) in ATTRIBUTE_TERMS.items()
    ]
    return tuple(terms)


def taxonomy_term(taxonomy, code, name, description):
    """One HSDS taxonomy_term of Waymark's own."""
    return {
        "id": term_id(taxonomy, code),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": taxonomy,
        "language": "en",
    }


@cache
def known_terms():
    """term id -> (taxonomy, code), to recognise Waymark's terms given by id only."""
    return {term["id"]: (term["taxonomy"], term["code"]) for term in _taxonomy_terms()}


@cache
def _terms_by_code():
    return {(term["taxonomy"], term["code"]): term for term in _taxonomy_terms()}


def attribute(link_id, link_entity, taxonomy, code, value=None):
    """An HSDS attribute giving the service or phone `link_id` one of Waymark's terms."""
    term = dict(_terms_by_code()[(taxonomy, code)])
    record = {
        "id": attribute_id(link_id, taxonomy, code),
        "link_id": link_id,
        "link_entity": link_entity,
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }
    if value is not None:
        record["value"] = value
    return record


# -- formatting ------------------------------------------------------------------


def hhmm(value):
    """A time of day as HSDS writes it in Waymark's files (HH:MM)."""
    return value.strftime("%H:%M")


def coordinate(value):
    """A stored coordinate (Decimal) as a JSON number."""
    return None if value is None else float(value)


def language_name(code):
    """A language's English name, as HSDS `languages[].name` has it."""
    return BabelLocale("en").languages.get(code, code)


def is_email(value):
    """Whether a verifier is written as an e-mail address."""
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def compact(record):
    """The record without empty optional values (HSDS has no nulls)."""
    return {key: value for key, value in record.items() if value not in (None, "")}


def ordered(rows):
    """Child rows in the order editors gave them."""
    return sorted(
        rows,
        key=lambda row: (
            row.sort_order is not None,
            row.sort_order if row.sort_order is not None else 0,
            row.pk or 0,
        ),
    )


# -- records ---------------------------------------------------------------------


def organization_record(organization):
    """An HSDS organization (description is required by HSDS, so it is always written)."""
    return {
        "id": str(organization.hsds_id),
        "name": organization.name,
        "description": organization.description,
        **compact({"website": organization.website, "email": organization.email}),
    }


def location_record(location):
    """An HSDS physical location with its one physical address."""
    location_id = str(location.hsds_id)
    address = {
        "id": address_id(location_id),
        "address_1": location.address_1,
        "address_2": location.address_2,
        "city": location.city,
        "state_province": location.state_province,
        "postal_code": location.postal_code,
        "country": location.country,
        "address_type": "physical",
    }
    address = {
        key: value
        for key, value in address.items()
        if value != "" or key in ("postal_code", "country")  # required by HSDS
    }
    record = {"id": location_id, "location_type": "physical", "name": location.name}
    if location.organization_id:
        record["organization_id"] = str(location.organization.hsds_id)
    if location.latitude is not None and location.longitude is not None:
        record["latitude"] = coordinate(location.latitude)
        record["longitude"] = coordinate(location.longitude)
    record["addresses"] = [address]
    return record


def phone_record(phone):
    """An HSDS phone; a hotline and a text keyword are attributes of the phone."""
    phone_id = str(phone.hsds_id)
    kind = {"hotline": "voice"}.get(phone.kind, phone.kind)
    record = {"id": phone_id, "number": phone.number, "type": kind}
    if phone.extension:
        record["extension"] = int(phone.extension)
    attributes = []
    if phone.kind == "hotline":
        attributes.append(attribute(phone_id, "phone", ATTRIBUTE_TAXONOMY, HOTLINE_CODE))
    if phone.sms_keyword:
        attributes.append(
            attribute(phone_id, "phone", ATTRIBUTE_TAXONOMY, SMS_KEYWORD_CODE, phone.sms_keyword)
        )
    if attributes:
        record["attributes"] = attributes
    return record


def weekly_record(row):
    """An HSDS weekly schedule for one opening on one weekday."""
    return compact(
        {
            "id": str(row.hsds_id),
            "freq": "WEEKLY",
            "byday": WEEKDAY_CODES[row.weekday],
            "opens_at": hhmm(row.opens_at),
            "closes_at": hhmm(row.closes_at),
            "valid_from": row.valid_from.isoformat() if row.valid_from else None,
            "valid_to": row.valid_to.isoformat() if row.valid_to else None,
        }
    )


def exception_record(row):
    """An HSDS schedule for one date: special hours, or closed all day when it has no times."""
    day = row.date.isoformat()
    record = {"id": str(row.hsds_id), "dtstart": day, "valid_from": day, "valid_to": day}
    if not row.closed and row.opens_at is not None and row.closes_at is not None:
        record["opens_at"] = hhmm(row.opens_at)
        record["closes_at"] = hhmm(row.closes_at)
    return record


def weekly_sort_key(row):
    return (
        row.weekday,
        row.opens_at,
        row.valid_from or datetime.date.min,
        row.valid_to or datetime.date.max,
        str(row.hsds_id),
    )


def exception_sort_key(row):
    return (row.date, str(row.hsds_id))


def service_attributes(service, service_id):
    """The categories, yes/no features, slug and (non-e-mail) verifier as HSDS attributes."""
    attributes = []
    codes = {category.code for category in service.categories.all()}
    for code, _name in category_terms():
        if code in codes:
            attributes.append(attribute(service_id, "service", CATEGORY_TAXONOMY, code))
    for code, field in FLAG_FIELDS.items():
        if getattr(service, field):
            attributes.append(attribute(service_id, "service", ATTRIBUTE_TAXONOMY, code))
    attributes.append(attribute(service_id, "service", ATTRIBUTE_TAXONOMY, SLUG_CODE, service.slug))
    if service.assurer and not is_email(service.assurer):
        attributes.append(
            attribute(service_id, "service", ATTRIBUTE_TAXONOMY, ASSURER_CODE, service.assurer)
        )
    return attributes


def service_record(service, translations=None):
    """The full HSDS record of a source-language service (live row or a revision's object)."""
    service_id = str(service.translation_key)
    record = {
        "id": service_id,
        "name": service.name,
        "description": service.description,
        "status": service.status,
        **compact(
            {
                "eligibility_description": service.eligibility_description,
                "application_process": service.application_process,
                "fees_description": service.fees_description,
                "alert": service.alert,
                "url": service.url,
                "email": service.email,
                "minimum_age": service.minimum_age,
                "maximum_age": service.maximum_age,
                "assured_date": service.assured_date.isoformat() if service.assured_date else None,
                "assurer_email": service.assurer if is_email(service.assurer) else None,
            }
        ),
    }
    if service.organization_id:
        record["organization_id"] = str(service.organization.hsds_id)
        record["organization"] = organization_record(service.organization)
    record["phones"] = [phone_record(phone) for phone in ordered(service.phones.all())]
    record["schedules"] = [
        weekly_record(row) for row in sorted(service.opening_hours.all(), key=weekly_sort_key)
    ] + [exception_record(row) for row in sorted(service.exceptions.all(), key=exception_sort_key)]
    record["service_at_locations"] = [
        {"id": str(link.hsds_id), "location": location_record(link.location)}
        for link in ordered(service.service_locations.all())
    ]
    record["languages"] = [
        {"id": str(row.hsds_id), "code": row.code, "name": language_name(row.code)}
        for row in ordered(service.languages.all())
    ]
    record["attributes"] = service_attributes(service, service_id)
    if translations:
        record[TRANSLATIONS_KEY] = translations
    return record


def translation_words(translated):
    """The words of a translated service row, empty ones left out."""
    return {
        field: getattr(translated, field)
        for field in TRANSLATED_FIELDS
        if getattr(translated, field)
    }


# -- comparable state ------------------------------------------------------------


def _text(value):
    return "" if value is None else str(value)


def phone_key(row):
    return (_text(row.hsds_id), row.kind, row.number, row.extension or "", row.sms_keyword or "")


def hours_key(row):
    return (
        _text(row.hsds_id),
        row.weekday,
        _text(row.opens_at),
        _text(row.closes_at),
        bool(row.closes_next_day),
        _text(row.valid_from),
        _text(row.valid_to),
    )


def exception_key(row):
    return (
        _text(row.hsds_id),
        _text(row.date),
        bool(row.closed),
        _text(row.opens_at),
        _text(row.closes_at),
        bool(row.closes_next_day),
    )


def state(fields, organization_id, categories, phones, hours, exceptions, links, languages):
    """What a service holds, in a form two versions can be compared in."""
    return {
        "fields": {name: fields[name] for name in STATE_FIELDS},
        "organization": _text(organization_id) or None,
        "categories": sorted(categories),
        "phones": [phone_key(row) for row in phones],
        "opening_hours": sorted(hours_key(row) for row in hours),
        "exceptions": sorted(exception_key(row) for row in exceptions),
        "locations": [(_text(hsds_id), _text(location_id)) for hsds_id, location_id in links],
        "languages": [(_text(row.hsds_id), row.code) for row in languages],
    }


def service_state(service):
    """The comparable state of a service object (live row or a revision's object)."""
    return state(
        fields={name: getattr(service, name) for name in STATE_FIELDS},
        organization_id=service.organization.hsds_id if service.organization_id else None,
        categories=[category.code for category in service.categories.all()],
        phones=ordered(service.phones.all()),
        hours=list(service.opening_hours.all()),
        exceptions=list(service.exceptions.all()),
        links=[
            (link.hsds_id, link.location.hsds_id)
            for link in ordered(service.service_locations.all())
        ],
        languages=ordered(service.languages.all()),
    )


def organization_state(organization):
    return {name: getattr(organization, name) for name in ORGANIZATION_FIELDS}


def location_state(location):
    values = {name: getattr(location, name) for name in LOCATION_FIELDS}
    values["organization"] = (
        str(location.organization.hsds_id) if location.organization_id else None
    )
    return values
