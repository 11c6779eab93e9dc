"""Checks HSDS service records (HSDS schema and Waymark's rules) and turns them into plans.

Nothing here writes. `validate_records` reads every record, reports each
problem as `file, record, field: reason` and each skipped part of HSDS as a
counted warning, and returns an ImportPlan that the importer applies only when
there is no problem at all.
"""

import datetime
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.utils import timezone
from django.utils.text import slugify
from jsonschema import Draft202012Validator, FormatChecker
from wagtail_localize.strings import StringValue

from cms import languages
from cms.fields import web_address
from cms.phones import normalize_phone
from services.hours import overlapping, validate_span
from services.languages import is_known
from services.models import (
    Category,
    Location,
    OpeningHours,
    Organization,
    ScheduleException,
    Service,
    ServiceLanguage,
    ServicePhone,
)

from . import (
    ASSURER_CODE,
    ATTRIBUTE_TAXONOMY,
    CATEGORY_TAXONOMY,
    FLAG_FIELDS,
    HOTLINE_CODE,
    SCHEMA_DIR,
    SLUG_CODE,
    SMS_KEYWORD_CODE,
    TRANSLATED_FIELDS,
    TRANSLATIONS_KEY,
)
from .records import WEEKDAY_CODES, known_terms, state

TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
TIME_ZONE_SUFFIX = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TRUE_VALUES = {"", "true", "yes", "1"}
FALSE_VALUES = {"false", "no", "0"}
MAX_SMALL_INT = 32767

# Keys read from each kind of HSDS object; the other keys, when not empty, are
# reported as skipped. Link keys (service_id, ...) only say where a row belongs.
SERVICE_KEYS = {
    "id",
    "organization_id",
    "name",
    "description",
    "url",
    "email",
    "status",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "alert",
    "phones",
    "schedules",
    "service_at_locations",
    "languages",
    "organization",
    "attributes",
    TRANSLATIONS_KEY,
}
ORGANIZATION_KEYS = {"id", "name", "description", "email", "website"}
PHONE_KEYS = {
    "id",
    "number",
    "extension",
    "type",
    "attributes",
    "service_id",
    "location_id",
    "organization_id",
    "contact_id",
    "service_at_location_id",
}
SCHEDULE_KEYS = {
    "id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "valid_from",
    "valid_to",
    "dtstart",
    "freq",
    "interval",
    "byday",
    "opens_at",
    "closes_at",
}
LINK_KEYS = {"id", "service_id", "location_id", "location"}
LOCATION_KEYS = {
    "id",
    "location_type",
    "organization_id",
    "name",
    "latitude",
    "longitude",
    "addresses",
}
ADDRESS_KEYS = {
    "id",
    "location_id",
    "address_1",
    "address_2",
    "city",
    "state_province",
    "postal_code",
    "country",
    "address_type",
}
LANGUAGE_KEYS = {"id", "service_id", "location_id", "phone_id", "name", "code"}
ATTRIBUTE_KEYS = {
    "id",
    "link_id",
    "link_type",
    "link_entity",
    "taxonomy_term_id",
    "taxonomy_term",
    "value",
}


# -- reporting -------------------------------------------------------------------


def field_path(path):
    """("phones", 0, "number") -> "phones[0].number"."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(record)"


@dataclass(frozen=True)
class Problem:
    """One reason a record cannot be imported: the file, the record, the field and why."""

    file: str
    record: str
    field: str
    reason: str

    def __str__(self):
        return f"{self.file}, {self.record}, {self.field}: {self.reason}"


class Report:
    """What reading and validation found: problems stop the import; warnings count skipped parts."""

    def __init__(self):
        self.problems = []
        self.warnings = Counter()
        self._seen = set()

    def problem(self, file, record, path, reason):
        """Record a problem (the same problem twice is recorded once)."""
        where = field_path(path) if isinstance(path, tuple) else str(path)
        found = Problem(file, record, where, reason)
        if found not in self._seen:
            self._seen.add(found)
            self.problems.append(found)

    def warn(self, message, count=1):
        self.warnings[message] += count

    def warning_lines(self):
        return [f"warning ({count}): {message}" for message, count in sorted(self.warnings.items())]


class Origin:
    """Where a record came from: a JSON file, or rows of several CSV files."""

    def __init__(self, file, parts=None):
        self.file = str(file)
        self.parts = parts or {}

    def file_for(self, path):
        """The file (and CSV line) that holds the value at `path`."""
        for length in range(len(path), -1, -1):
            found = self.parts.get(tuple(path[:length]))
            if found:
                return found
        return self.file


# -- plans -----------------------------------------------------------------------


@dataclass
class ServicePlan:
    """What one valid HSDS service record asks Waymark to hold, in Waymark's own terms."""

    hsds_id: str
    label: str
    fields: dict
    organization_id: str | None
    categories: list
    phones: list
    opening_hours: list
    exceptions: list
    links: list  # (service_at_location id, location id)
    languages: list
    translations: dict = field(default_factory=dict)  # language -> expected words
    catalogues: dict = field(default_factory=dict)  # language -> {msgid: msgstr}
    slug_given: bool = False
    organization_given: bool = False

    def state(self):
        return state(
            self.fields,
            self.organization_id,
            self.categories,
            self.phones,
            self.opening_hours,
            self.exceptions,
            self.links,
            self.languages,
        )


@dataclass
class ImportPlan:
    """Everything the records ask for, checked: organizations, locations, services."""

    organizations: dict  # hsds id -> fields
    locations: dict  # hsds id -> fields (organization: hsds id or None)
    services: list


# -- schema ----------------------------------------------------------------------


@cache
def service_validator():
    """The HSDS 3.0 JSON schema of a full service record, with format checks."""
    schema = json.loads((SCHEMA_DIR / "service_with_definitions.json").read_text("utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_problems(record):
    """(path, reason) for each way the record breaks the HSDS schema."""
    found = []
    for error in service_validator().iter_errors(record):
        path = tuple(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    found.append(((*path, name), "is required by HSDS"))
        elif error.validator == "format" and error.instance == "":
            continue  # an empty optional value is treated as absent
        elif error.validator == "enum" and path[-1:] == ("freq",) and error.instance == "YEARLY":
            continue  # not HSDS 3.0, but common: skipped with a warning like MONTHLY
        else:
            found.append((path, error.message))
    return sorted(found, key=lambda item: [str(part) for part in item[0]])


# -- one record ------------------------------------------------------------------


def is_empty(value):
    return value is None or value == "" or value == [] or value == {}


def to_uuid(value):
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) else None
    except ValueError:
        return None


SKIPPED = object()  # a schedule Waymark does not keep (warned about, not a problem)


@dataclass(frozen=True)
class ScheduleSpan:
    """A schedule's opening times and validity dates, as parsed."""

    opens_at: object
    closes_at: object
    has_times: bool
    valid_from: object
    valid_to: object
    closes_next_day: bool


@dataclass
class ScheduleRows:
    """What a service's schedules become, and what is needed to report clashes between them."""

    hours: list = field(default_factory=list)
    exceptions: list = field(default_factory=list)
    seen: set = field(default_factory=set)  # schedule ids used
    dates: dict = field(default_factory=dict)  # exception date -> path
    places: dict = field(default_factory=dict)  # id(row) -> path, for overlap reports


class RecordParser:
    """Reads one HSDS service record into a ServicePlan, reporting what is wrong or skipped."""

    def __init__(self, record, origin, index, report, context):
        self.record = record
        self.origin = origin
        self.report = report
        self.context = context
        label = None
        if isinstance(record, dict):
            label = record.get("id") if isinstance(record.get("id"), str) else None
            if not label and isinstance(record.get("name"), str) and record["name"].strip():
                label = record["name"]
        self.label = f"service {label}" if label else f"record {index + 1}"
        self.organizations = []  # (id, fields, path)
        self.locations = []  # (id, fields, path)
        self.schema_paths = set()

    # reporting

    def problem(self, path, reason, schema=False):
        """Report a problem; Waymark's own check of a field the schema rejected is noise."""
        path = tuple(path)
        if schema:
            self.schema_paths.add(path)
        elif path in self.schema_paths:
            return
        self.report.problem(self.origin.file_for(path), self.label, path, str(reason))

    def warn(self, message):
        self.report.warn(message)

    def skip_unused(self, obj, used, kind):
        for key, value in obj.items():
            if key not in used and not is_empty(value):
                self.warn(f"skipped {kind}.{key}: Waymark does not use it")

    # values

    def string(self, obj, key, path, required=False, max_length=None):
        value = obj.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(path, "must be text")
            return ""
        if required and not value.strip():
            self.problem(path, "is required")
        if max_length and len(value) > max_length:
            self.problem(path, f"is longer than {max_length} characters")
        return value

    def uuid(self, obj, key, path, required=True):
        value = obj.get(key)
        if is_empty(value):
            if required:
                self.problem(path, "is required by HSDS")
            return None
        found = to_uuid(value)
        if found is None:
            self.problem(path, f"{value!r} is not a UUID")
        return found

    def url(self, obj, key, path, max_length=200):
        value = self.string(obj, key, path, max_length=max_length).strip()
        if value:
            try:
                web_address(value)
            except ValidationError:
                self.problem(path, f"{value!r} is not a web address (http:// or https://)")
        return value

    def email(self, obj, key, path):
        value = self.string(obj, key, path, max_length=254).strip()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.problem(path, f"{value!r} is not an e-mail address")
        return value

    def date(self, obj, key, path):
        value = obj.get(key)
        if is_empty(value):
            return None
        if isinstance(value, str) and DATE.match(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(path, f"{value!r} is not a date (YYYY-MM-DD)")
        return None

    def time(self, obj, key, path):
        value = obj.get(key)
        if is_empty(value):
            return None
        if not isinstance(value, str):
            self.problem(path, f"{value!r} is not a time (HH:MM)")
            return None
        match = TIME.match(value.strip())
        if not match:
            if TIME_ZONE_SUFFIX.search(value.strip()):
                self.problem(
                    path,
                    f"{value!r} has a time zone offset: give the local time in "
                    f"{settings.TIME_ZONE} as HH:MM",
                )
            else:
                self.problem(path, f"{value!r} is not a time (HH:MM or HH:MM:SS)")
            return None
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        if key == "closes_at" and (hours, minutes, seconds) == (24, 0, 0):
            return datetime.time(0, 0)  # closes at midnight: 00:00 the next day
        if hours > 23 or minutes > 59 or seconds > 59:
            self.problem(path, f"{value!r} is not a time of day")
            return None
        if seconds:
            self.problem(path, f"{value!r}: Waymark keeps hours and minutes only")
            return None
        return datetime.time(hours, minutes)

    def whole_number(self, obj, key, path, maximum=MAX_SMALL_INT):
        value = obj.get(key)
        if is_empty(value):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, f"{value!r} is not a number")
            return None
        if isinstance(value, float) and not value.is_integer():
            self.problem(path, f"{value!r} is not a whole number")
            return None
        if not 0 <= value <= maximum:
            self.problem(path, f"{value!r} is not between 0 and {maximum}")
            return None
        return int(value)

    def objects(self, obj, key, path):
        """The list of objects under `key` (problems for anything else)."""
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, "must be a list")
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                items.append((index, item))
            else:
                self.problem((*path, index), "must be an object")
        return items

    # the record

    def parse(self):
        record = self.record
        if not isinstance(record, dict):
            self.problem((), "is not an HSDS service object")
            return None
        service_id = self.uuid(record, "id", ("id",))
        fields = {}
        fields["name"] = self.string(record, "name", ("name",), required=True, max_length=200)
        description = self.string(record, "description", ("description",))
        if not description.strip():
            self.warn("services without a description: their name is used as the description")
            description = fields["name"]
        fields["description"] = description
        for name, max_length in (
            ("eligibility_description", None),
            ("application_process", None),
            ("fees_description", None),
            ("alert", 300),
        ):
            fields[name] = self.string(record, name, (name,), max_length=max_length)
        status = self.string(record, "status", ("status",), required=True)
        if status and status not in Service.Status.values:
            self.problem(
                ("status",), f"{status!r} is not one of {', '.join(Service.Status.values)}"
            )
        fields["status"] = status
        fields["url"] = self.url(record, "url", ("url",))
        fields["email"] = self.email(record, "email", ("email",))
        fields["minimum_age"] = self.whole_number(record, "minimum_age", ("minimum_age",))
        fields["maximum_age"] = self.whole_number(record, "maximum_age", ("maximum_age",))
        if (
            fields["minimum_age"] is not None
            and fields["maximum_age"] is not None
            and fields["minimum_age"] > fields["maximum_age"]
        ):
            self.problem(("maximum_age",), "is below minimum_age")
        fields["assured_date"] = self.date(record, "assured_date", ("assured_date",))
        if fields["assured_date"] and fields["assured_date"] > timezone.localdate():
            self.problem(("assured_date",), "a verification date cannot be in the future")
        assurer_email = self.email(record, "assurer_email", ("assurer_email",))

        categories, flags, slug, assurer = self.service_attributes(record)
        fields.update(flags)
        if assurer and assurer_email and assurer != assurer_email:
            self.problem(
                ("attributes",), "give the verifier either as assurer_email or as attribute assurer"
            )
        fields["assurer"] = assurer or assurer_email
        if len(fields["assurer"]) > 200:
            self.problem(("attributes",), "the verifier is longer than 200 characters")
        fields["slug"] = slug

        organization_id, organization_given = self.organization(record)
        phones = self.phones(record)
        hours, exceptions = self.schedules(record)
        links = self.links(record)
        languages = self.languages(record)
        translations, catalogues = self.translations(record, fields)
        self.skip_unused(record, SERVICE_KEYS, "service")
        if service_id is None:
            return None
        return ServicePlan(
            hsds_id=service_id,
            label=self.label,
            fields=fields,
            organization_id=organization_id,
            categories=categories,
            phones=phones,
            opening_hours=hours,
            exceptions=exceptions,
            links=links,
            languages=languages,
            translations=translations,
            catalogues=catalogues,
            slug_given=bool(slug),
            organization_given=organization_given,
        )

    # attributes

    def attribute_terms(self, obj, path, kind):
        """(taxonomy, code, value, path) of the attributes in Waymark's taxonomies."""
        found = []
        terms = known_terms()
        for index, item in self.objects(obj, "attributes", path):
            item_path = (*path, index)
            term = item.get("taxonomy_term")
            taxonomy = code = None
            if isinstance(term, dict):
                taxonomy, code = term.get("taxonomy"), term.get("code")
            if taxonomy is None:
                term_id = item.get("taxonomy_term_id") or (
                    term.get("id") if isinstance(term, dict) else None
                )
                taxonomy, code = terms.get(term_id, (None, None))
            if taxonomy not in (CATEGORY_TAXONOMY, ATTRIBUTE_TAXONOMY):
                self.warn(
                    f"skipped {kind} attributes of other taxonomies: Waymark cannot show them"
                )
                continue
            self.skip_unused(item, ATTRIBUTE_KEYS, "attribute")
            value = item.get("value")
            if value is not None and not isinstance(value, str):
                self.problem((*item_path, "value"), "must be text")
                value = None
            found.append((taxonomy, code, value, item_path))
        return found

    def flag(self, value, path):
        text = (value or "").strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        self.problem((*path, "value"), f"{value!r} is not yes or no (leave it empty for yes)")
        return False

    def service_attributes(self, record):
        categories = []
        flags = dict.fromkeys(FLAG_FIELDS.values(), False)
        slug = assurer = ""
        codes = set(Category.Code.values)
        for taxonomy, code, value, path in self.attribute_terms(record, ("attributes",), "service"):
            code_path = (*path, "taxonomy_term", "code")
            if taxonomy == CATEGORY_TAXONOMY:
                if code in codes:
                    if code not in categories:
                        categories.append(code)
                else:
                    self.problem(
                        code_path, f"{code!r} is not one of {', '.join(Category.Code.values)}"
                    )
            elif code in FLAG_FIELDS:
                flags[FLAG_FIELDS[code]] = self.flag(value, path)
            elif code == SLUG_CODE:
                slug = (value or "").strip()
                try:
                    validate_slug(slug)
                except ValidationError:
                    self.problem(
                        (*path, "value"),
                        f"{slug!r} is not a slug (letters, digits, hyphens, underscores)",
                    )
                if len(slug) > 100:
                    self.problem((*path, "value"), "is longer than 100 characters")
            elif code == ASSURER_CODE:
                assurer = (value or "").strip()
                if not assurer:
                    self.problem((*path, "value"), "the verifier's name is missing")
            elif code in (HOTLINE_CODE, SMS_KEYWORD_CODE):
                self.problem(code_path, f"{code!r} belongs to a phone, not to the service")
            else:
                self.problem(code_path, f"{code!r} is not a {ATTRIBUTE_TAXONOMY} code")
        if flags["no_police"] and flags["police"]:
            self.problem(
                ("attributes",), "a service cannot be the police and have no police involvement"
            )
        return categories, flags, slug, assurer

    # organization

    def organization(self, record):
        given_id = self.uuid(record, "organization_id", ("organization_id",), required=False)
        organization = record.get("organization")
        if organization is None:
            return given_id, False
        path = ("organization",)
        if not isinstance(organization, dict):
            self.problem(path, "must be an object")
            return given_id, False
        organization_id = self.uuid(organization, "id", (*path, "id"))
        if given_id and organization_id and given_id != organization_id:
            self.problem(("organization_id",), "is not the id of the organization given")
        fields = {
            "name": self.string(
                organization, "name", (*path, "name"), required=True, max_length=200
            ),
            "description": self.string(organization, "description", (*path, "description")),
            "website": self.url(organization, "website", (*path, "website")),
            "email": self.email(organization, "email", (*path, "email")),
        }
        self.skip_unused(organization, ORGANIZATION_KEYS, "organization")
        if organization_id:
            self.organizations.append((organization_id, fields, path))
        return organization_id, True

    # phones

    def phones(self, record):
        phones = []
        seen = set()
        for index, item in self.objects(record, "phones", ("phones",)):
            path = ("phones", index)
            phone_id = self.uuid(item, "id", (*path, "id"))
            kind = item.get("type") or "voice"
            kind = kind.strip().lower() if isinstance(kind, str) else kind
            if kind == "cell":
                self.warn("phones of type 'cell' are imported as voice numbers")
                kind = "voice"
            if kind not in ("voice", "text", "fax"):
                self.warn(f"skipped phones of type {kind!r}: Waymark has voice, text and fax")
                continue
            number = self.phone_number(item, path)
            extension = self.extension(item, path)
            keyword = ""
            for taxonomy, code, value, attribute_path in self.attribute_terms(
                item, (*path, "attributes"), "phone"
            ):
                code_path = (*attribute_path, "taxonomy_term", "code")
                if taxonomy == ATTRIBUTE_TAXONOMY and code == HOTLINE_CODE:
                    if kind != "voice":
                        self.problem(code_path, "only a voice number can be a hotline")
                    kind = "hotline"
                elif taxonomy == ATTRIBUTE_TAXONOMY and code == SMS_KEYWORD_CODE:
                    keyword = (value or "").strip()
                    if kind != "text":
                        self.problem(code_path, "a text keyword needs a phone of type text")
                    if not keyword or len(keyword) > 60:
                        self.problem(
                            (*attribute_path, "value"), "give the keyword (60 characters at most)"
                        )
                else:
                    self.problem(code_path, f"{code!r} does not apply to a phone")
            self.skip_unused(item, PHONE_KEYS, "phone")
            if phone_id in seen:
                self.problem((*path, "id"), "another phone of this service has the same id")
            seen.add(phone_id)
            if phone_id:
                phones.append(
                    ServicePhone(
                        hsds_id=uuid.UUID(phone_id),
                        kind=kind,
                        number=number,
                        extension=extension,
                        sms_keyword=keyword,
                    )
                )
        return phones

    def phone_number(self, item, path):
        raw = item.get("number")
        if not isinstance(raw, str) or not raw.strip():
            self.problem((*path, "number"), "is required")
            return ""
        # Some directories quote the number inside the string, e.g. "\"+44 1234 234567\"".
        cleaned = raw.strip().strip("\"'“”‘’").strip()
        try:
            return normalize_phone(cleaned)
        except ValidationError as exc:
            self.problem((*path, "number"), " ".join(exc.messages))
            return ""

    def extension(self, item, path):
        value = item.get("extension")
        if is_empty(value):
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip() if not isinstance(value, bool) else ""
        if not text.isdigit() or len(text) > 10:
            self.problem((*path, "extension"), f"{value!r}: an extension is up to 10 digits")
            return ""
        return text

    # schedules

    def schedules(self, record):
        """(weekly hours, dated exceptions) of a service, each problem reported by its path."""
        found = ScheduleRows()
        for index, item in self.objects(record, "schedules", ("schedules",)):
            path = ("schedules", index)
            schedule_id = self.uuid(item, "id", (*path, "id"))
            self.skip_unused(item, SCHEDULE_KEYS, "schedule")
            freq = self.schedule_freq(item, path)
            if freq is SKIPPED:
                continue
            span = self.schedule_span(item, path)
            if span is None:
                continue
            if freq == "WEEKLY":
                self.weekly_rows(item, path, schedule_id, span, found)
            else:
                self.dated_row(item, path, schedule_id, span, found)
        for row_a, row_b in overlapping(found.hours):
            self.problem(
                found.places[id(row_b)],
                f"overlaps {field_path(found.places[id(row_a)])} "
                f"({WEEKDAY_CODES[row_a.weekday]} {row_a.opens_at:%H:%M}–{row_a.closes_at:%H:%M}"
                f" and {WEEKDAY_CODES[row_b.weekday]} {row_b.opens_at:%H:%M}–"
                f"{row_b.closes_at:%H:%M})",
            )
        return found.hours, found.exceptions

    def schedule_freq(self, item, path):
        """ "WEEKLY", or None for one dated schedule; SKIPPED for what Waymark does not keep."""
        freq = item.get("freq")
        if is_empty(freq) and all(
            is_empty(item.get(key))
            for key in ("byday", "dtstart", "valid_from", "valid_to", "opens_at", "closes_at")
        ):
            self.warn("skipped schedules without days, dates or times (a description only)")
            return SKIPPED
        if freq in ("MONTHLY", "YEARLY"):
            self.warn(f"skipped schedules with freq {freq}: Waymark keeps weekly hours")
            return SKIPPED
        if freq not in (None, "", "WEEKLY"):
            self.problem((*path, "freq"), f"{freq!r} is not WEEKLY or MONTHLY")
            return SKIPPED
        interval = item.get("interval")
        if not is_empty(interval) and interval != 1:
            self.warn("skipped schedules repeating less often than every week (interval)")
            return SKIPPED
        return "WEEKLY" if freq == "WEEKLY" else None

    def schedule_span(self, item, path):
        """A schedule's times and validity dates (a ScheduleSpan), or None when unusable."""
        opens_at = self.time(item, "opens_at", (*path, "opens_at"))
        closes_at = self.time(item, "closes_at", (*path, "closes_at"))
        has_opens = not is_empty(item.get("opens_at"))
        has_closes = not is_empty(item.get("closes_at"))
        if has_opens != has_closes:
            missing = "opens_at" if has_closes else "closes_at"
            self.problem((*path, missing), "give both opens_at and closes_at, or neither")
            return None
        valid_from = self.date(item, "valid_from", (*path, "valid_from"))
        valid_to = self.date(item, "valid_to", (*path, "valid_to"))
        if valid_from and valid_to and valid_to < valid_from:
            self.problem((*path, "valid_to"), "the end date is before the start date")
        closes_next_day = opens_at is not None and closes_at is not None and closes_at <= opens_at
        for name, message in validate_span(opens_at, closes_at, closes_next_day).items():
            self.problem((*path, name), message)
        return ScheduleSpan(opens_at, closes_at, has_opens, valid_from, valid_to, closes_next_day)

    def weekly_rows(self, item, path, schedule_id, span, found):
        """One opening-hours row per day of a weekly schedule."""
        if item.get("dtstart"):
            self.warn("skipped schedule.dtstart of weekly schedules (valid_from is used)")
        days = self.weekdays(item, path)
        if not span.has_times:
            self.problem((*path, "opens_at"), "a weekly schedule needs opens_at and closes_at")
            return
        if span.opens_at is None or span.closes_at is None or schedule_id is None or not days:
            return  # already reported
        for day in days:
            if len(days) == 1:
                row_id = schedule_id
            else:
                row_id = str(uuid.uuid5(uuid.UUID(schedule_id), WEEKDAY_CODES[day]))
            if row_id in found.seen:
                self.problem((*path, "id"), "another schedule of this service has this id")
            found.seen.add(row_id)
            row = OpeningHours(
                hsds_id=uuid.UUID(row_id),
                weekday=day,
                opens_at=span.opens_at,
                closes_at=span.closes_at,
                closes_next_day=span.closes_next_day,
                valid_from=span.valid_from,
                valid_to=span.valid_to,
            )
            found.places[id(row)] = path
            found.hours.append(row)

    def dated_row(self, item, path, schedule_id, span, found):
        """The exception a dated schedule makes (one date, special hours or closed)."""
        exception = self.exception(item, path, schedule_id, span.opens_at, span.closes_at)
        if exception is None:
            return
        if schedule_id in found.seen:
            self.problem((*path, "id"), "another schedule of this service has this id")
        found.seen.add(schedule_id)
        if exception.date in found.dates:
            self.problem(
                (*path, "valid_from"),
                f"{field_path(found.dates[exception.date])} is for the same date",
            )
        found.dates[exception.date] = path
        exception.closes_next_day = span.closes_next_day
        found.exceptions.append(exception)

    def weekdays(self, item, path):
        value = item.get("byday")
        if not isinstance(value, str) or not value.strip():
            self.problem((*path, "byday"), "a weekly schedule needs its days (e.g. MO,TU)")
            return []
        days = []
        for part in value.split(","):
            code = part.strip().upper()
            if code not in WEEKDAY_CODES:
                self.problem((*path, "byday"), f"{part.strip()!r} is not one of MO … SU")
                return []
            if WEEKDAY_CODES.index(code) not in days:
                days.append(WEEKDAY_CODES.index(code))
        return days

    def exception(self, item, path, schedule_id, opens_at, closes_at):
        """A dated schedule (no freq): one date, with special hours or closed all day."""
        if not is_empty(item.get("byday")):
            self.problem((*path, "byday"), "days of the week need freq WEEKLY")
            return None
        days = {}
        for key in ("dtstart", "valid_from", "valid_to"):
            value = self.date(item, key, (*path, key))
            if value:
                days[key] = value
        if not days:
            self.problem(
                (*path, "dtstart"),
                "a schedule without freq is one date: give dtstart, valid_from and valid_to",
            )
            return None
        if len(set(days.values())) > 1:
            self.problem(
                (*path, "valid_to"),
                "a schedule without freq is one date: dtstart, valid_from and valid_to must agree",
            )
            return None
        closed = is_empty(item.get("opens_at"))
        if schedule_id is None or (not closed and (opens_at is None or closes_at is None)):
            return None  # already reported
        return ScheduleException(
            hsds_id=uuid.UUID(schedule_id),
            date=next(iter(days.values())),
            closed=closed,
            opens_at=opens_at,
            closes_at=closes_at,
        )

    # locations

    def links(self, record):
        links = []
        seen = set()
        for index, item in self.objects(record, "service_at_locations", ("service_at_locations",)):
            path = ("service_at_locations", index)
            link_id = self.uuid(item, "id", (*path, "id"))
            self.skip_unused(item, LINK_KEYS, "service_at_location")
            location = item.get("location")
            if isinstance(location, dict):
                location_id = self.location(location, (*path, "location"))
            elif location is None and to_uuid(item.get("location_id")):
                location_id = to_uuid(item.get("location_id"))
                if not self.context.location_exists(location_id):
                    self.problem((*path, "location_id"), "no such location in the file or here")
            else:
                self.problem((*path, "location"), "is required: Waymark needs the address")
                continue
            if location_id is None:
                continue
            if link_id in seen:
                self.problem((*path, "id"), "another service_at_location has the same id")
            seen.add(link_id)
            if link_id:
                links.append((link_id, location_id))
        return links

    def location(self, location, path):
        location_id = self.uuid(location, "id", (*path, "id"))
        location_type = location.get("location_type")
        if location_type == "virtual":
            self.warn("skipped virtual locations: Waymark keeps places with an address")
            return None
        self.skip_unused(location, LOCATION_KEYS, "location")
        addresses = [
            (index, item)
            for index, item in self.objects(location, "addresses", (*path, "addresses"))
        ]
        physical = [pair for pair in addresses if pair[1].get("address_type") == "physical"]
        postal = [pair for pair in addresses if pair[1].get("address_type") == "postal"]
        if physical:
            chosen = physical[0]
        elif postal:
            chosen = postal[0]
            self.warn("locations with only a postal address: it is used as the street address")
        else:
            self.warn("skipped locations without a physical or postal address")
            return None
        if len(addresses) > 1:
            self.warn("skipped location addresses beyond the first physical one")
        index, address = chosen
        address_path = (*path, "addresses", index)
        self.skip_unused(address, ADDRESS_KEYS, "address")
        fields = {
            "address_1": self.string(address, "address_1", (*address_path, "address_1"), True, 200),
            "address_2": self.string(
                address, "address_2", (*address_path, "address_2"), False, 200
            ),
            "city": self.string(address, "city", (*address_path, "city"), True, 100),
            "state_province": self.string(
                address, "state_province", (*address_path, "state_province"), True, 100
            ),
            "postal_code": self.string(
                address, "postal_code", (*address_path, "postal_code"), False, 20
            ),
        }
        country = self.string(address, "country", (*address_path, "country")).strip()
        if not re.fullmatch(r"[A-Za-z]{2}", country):
            self.problem(
                (*address_path, "country"), f"{country!r} is not an ISO 3166-1 code (e.g. US)"
            )
        fields["country"] = country.upper()
        name = self.string(location, "name", (*path, "name"), max_length=200)
        if not name.strip():
            self.warn("locations without a name: their street address is used as the name")
            name = fields["address_1"][:200]
        fields["name"] = name
        fields["latitude"], fields["longitude"] = self.coordinates(location)
        organization_id = self.uuid(
            location, "organization_id", (*path, "organization_id"), required=False
        )
        fields["organization"] = organization_id
        if location_id:
            self.locations.append((location_id, fields, path))
        return location_id

    def coordinates(self, location):
        latitude, longitude = location.get("latitude"), location.get("longitude")
        if is_empty(latitude) and is_empty(longitude):
            return None, None
        try:
            lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
            lng = Decimal(str(longitude)).quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError, TypeError):
            lat = lng = None
        if (
            isinstance(latitude, bool)
            or isinstance(longitude, bool)
            or lat is None
            or not (-90 <= lat <= 90 and -180 <= lng <= 180)
        ):
            self.warn("skipped location coordinates that are missing one half or out of range")
            return None, None
        return lat, lng

    # languages

    def languages(self, record):
        languages = []
        seen = set()
        for index, item in self.objects(record, "languages", ("languages",)):
            path = ("languages", index)
            language_id = self.uuid(item, "id", (*path, "id"))
            code = self.string(item, "code", (*path, "code")).strip().lower()
            self.skip_unused(item, LANGUAGE_KEYS, "language")
            if not code:
                self.problem((*path, "code"), "is required: Waymark needs the ISO 639 code")
                continue
            if not is_known(code):
                self.problem((*path, "code"), f"{code!r} is not a known ISO 639-1 or 639-3 code")
                continue
            if language_id in seen:
                self.problem((*path, "id"), "another language of this service has the same id")
            seen.add(language_id)
            if language_id:
                languages.append(ServiceLanguage(hsds_id=uuid.UUID(language_id), code=code))
        return languages

    # translations

    def translations(self, record, fields):
        value = record.get(TRANSLATIONS_KEY)
        if is_empty(value):
            return {}, {}
        path = (TRANSLATIONS_KEY,)
        if not isinstance(value, dict):
            self.problem(path, "must be an object: language code -> {field: text}")
            return {}, {}
        allowed = sorted(languages.translations())
        msgids = {
            name: StringValue.from_plaintext(fields[name]).data
            for name in TRANSLATED_FIELDS
            if fields[name]
        }
        limits = {"name": 200, "alert": 300}
        translations = {}
        catalogues = {}
        for language, words in sorted(value.items()):
            language_path = (*path, language)
            if language not in allowed:
                self.problem(
                    language_path,
                    f"unknown language {language!r}: Waymark translates into {', '.join(allowed)}",
                )
                continue
            if not isinstance(words, dict):
                self.problem(language_path, "must be an object: field -> text")
                continue
            catalogue = {}
            for name, text in words.items():
                word_path = (*language_path, name)
                if name not in TRANSLATED_FIELDS:
                    self.problem(
                        word_path, f"is not one of the words: {', '.join(TRANSLATED_FIELDS)}"
                    )
                    continue
                if not isinstance(text, str):
                    self.problem(word_path, "must be text")
                    continue
                if not text:
                    continue
                if name in limits and len(text) > limits[name]:
                    self.problem(word_path, f"is longer than {limits[name]} characters")
                if name not in msgids:
                    self.warn("skipped translations of words that are empty in English")
                    continue
                msgstr = StringValue.from_plaintext(text).data
                if catalogue.get(msgids[name], msgstr) != msgstr:
                    self.problem(
                        word_path,
                        "another field has the same English text and a different translation",
                    )
                catalogue[msgids[name]] = msgstr
            for name, msgid in msgids.items():
                if msgid not in catalogue:
                    self.problem(
                        (*language_path, name),
                        "is missing: every word that is not empty in English needs a translation",
                    )
            translations[language] = {
                name: StringValue.from_translated_html(catalogue[msgid]).render_text()
                for name, msgid in msgids.items()
                if msgid in catalogue
            }
            catalogues[language] = catalogue
        return translations, catalogues


# -- all records -----------------------------------------------------------------


class Context:
    """What validation reads from the database: existing ids and slugs (read only)."""

    def __init__(self):
        self.organization_ids = {
            str(value) for value in Organization.objects.values_list("hsds_id", flat=True)
        }
        self.location_ids = {
            str(value) for value in Location.objects.values_list("hsds_id", flat=True)
        }
        self.file_location_ids = set()
        self.services = {
            str(key): (slug, name)
            for key, slug, name in Service.objects.sources().values_list(
                "translation_key", "slug", "name"
            )
        }

    def location_exists(self, location_id):
        return location_id in self.location_ids or location_id in self.file_location_ids


def validate_records(items, report):
    """Check every (record, origin) and plan the import; problems and warnings go to `report`."""
    context = Context()
    parsers = []
    plans = []
    for index, (record, origin) in enumerate(items):
        parser = RecordParser(record, origin, index, report, context)
        if isinstance(record, dict):
            for path, reason in schema_problems(record):
                parser.problem(path, reason, schema=True)
        plan = parser.parse()
        parsers.append(parser)
        if plan is not None:
            plans.append((plan, parser))
    organizations = _merge(parsers, "organizations", "organization")
    context.file_location_ids.update(
        location_id for parser in parsers for location_id, _f, _p in parser.locations
    )
    locations = _merge(parsers, "locations", "location")
    _check_references(plans, organizations, locations, context, report)
    _check_duplicates(plans)
    _assign_slugs(plans, context)
    return ImportPlan(organizations, locations, [plan for plan, _parser in plans])


def _merge(parsers, attribute, kind):
    """One set of fields per organization or location; the same id must mean the same data."""
    merged = {}
    first = {}
    for parser in parsers:
        for object_id, fields, path in getattr(parser, attribute):
            if object_id not in merged:
                merged[object_id] = fields
                first[object_id] = parser.label
            elif merged[object_id] != fields:
                parser.problem(
                    path, f"this {kind} differs from the one with the same id in {first[object_id]}"
                )
    return merged


def _check_references(plans, organizations, locations, context, report):
    known = set(organizations) | context.organization_ids
    for plan, parser in plans:
        if plan.organization_id and plan.organization_id not in known:
            parser.problem(("organization_id",), "no organization with this id in the file or here")
    for fields in locations.values():
        if fields["organization"] and fields["organization"] not in known:
            report.warn(
                "location organization_id not found in the file or here: "
                "the location is kept without its organization"
            )
            fields["organization"] = None


def _check_duplicates(plans):
    seen = {}
    for plan, parser in plans:
        if plan.hsds_id in seen:
            parser.problem(("id",), f"the same service is also {seen[plan.hsds_id]}")
        else:
            seen[plan.hsds_id] = parser.label


def _assign_slugs(plans, context):
    """Check given slugs against the file and the database; make one for records without."""
    planned = {plan.hsds_id: plan for plan, _parser in plans}
    taken = {}  # slug -> service id, as it will be after the import
    for service_id, (slug, _name) in context.services.items():
        plan = planned.get(service_id)
        if plan is None or not plan.slug_given or plan.fields["slug"] == slug:
            taken.setdefault(slug, service_id)
    for plan, parser in plans:
        if not plan.slug_given:
            continue
        slug = plan.fields["slug"]
        owner = taken.get(slug)
        if owner is not None and owner != plan.hsds_id:
            name = context.services.get(owner, (None, None))[1]
            what = f"service {owner}" + (f" ({name})" if name else "")
            parser.problem(("attributes",), f"the slug {slug!r} is already used by {what}")
        else:
            taken[slug] = plan.hsds_id
    for plan, _parser in plans:
        if plan.slug_given:
            continue
        existing = context.services.get(plan.hsds_id, (None, None))[0]
        if existing and taken.get(existing) in (None, plan.hsds_id):
            slug = existing
        else:
            base = slugify(plan.fields["name"])[:90].strip("-") or "service"
            slug, number = base, 1
            while taken.get(slug) not in (None, plan.hsds_id):
                number += 1
                slug = f"{base}-{number}"
        plan.fields["slug"] = slug
        taken[slug] = plan.hsds_id
