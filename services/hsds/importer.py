"""Imports HSDS services all or nothing: read, validate every record, then write in one transaction.

A service whose data is already what the file says is not touched (no
revision, no write); a new or changed one is saved as a revision and
published (or left as a draft). Translations go through wagtail-localize.
With `missing_only` (the demo loader's mode) only what does not exist yet is created:
what is there, as people may have edited and reviewed it, is kept as it is.
"""

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale

from cms import languages
from cms.translating import translate_object
from services.models import (
    Category,
    Location,
    OpeningHours,
    Organization,
    ScheduleException,
    Service,
    ServiceLanguage,
    ServiceLocation,
    ServicePhone,
)

from .records import (
    LOCATION_FIELDS,
    ORGANIZATION_FIELDS,
    location_state,
    organization_state,
    service_state,
    translation_words,
)
from .tabular import TabularError, read_directory
from .validate import Origin, Report, validate_records


class UnreadableInput(Exception):
    """The input cannot be read at all (missing, not JSON, not HSDS tables); nothing was written."""


class PublishingFailed(Exception):
    """Everything was written, but publishing (after the commit) failed for some of it."""


class ImportProblems(Exception):
    """Some records are invalid; nothing was written. The report lists every problem."""

    def __init__(self, report):
        self.report = report
        super().__init__(f"{len(report.problems)} problem(s) found")


@dataclass
class Summary:
    """How many objects the import created, updated or left as they were."""

    counts: dict = field(default_factory=dict)

    def add(self, kind, outcome):
        self.counts.setdefault(
            kind, {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "kept": 0}
        )
        self.counts[kind][outcome] += 1

    def lines(self, dry_run=False):
        verbs = ("to create", "to update") if dry_run else ("created", "updated")
        verbs = (*verbs, "unchanged")
        lines = []
        for kind, values in self.counts.items():
            line = (
                f"{kind}: {values['created']} {verbs[0]}, {values['updated']} {verbs[1]}, "
                f"{values['unchanged']} {verbs[2]}"
            )
            if values["skipped"]:
                line += f", {values['skipped']} skipped"
            if values["kept"]:
                line += f", {values['kept']} already there (kept as they are)"
            lines.append(line)
        return lines


# -- reading ---------------------------------------------------------------------


def read_input(path, report):
    """[(record, Origin)] from a JSON file (page, list or one service) or a CSV directory."""
    path = Path(path)
    if path.is_dir():
        try:
            return read_directory(path, report)
        except TabularError as exc:
            raise UnreadableInput(str(exc)) from exc
    if not path.exists():
        raise UnreadableInput(f"{path} does not exist")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UnreadableInput(f"{path} cannot be read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"{path} is not UTF-8 text ({exc.reason})") from exc
    if not text.strip():
        raise UnreadableInput(f"{path} is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableInput(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except RecursionError as exc:
        raise UnreadableInput(f"{path} is nested too deeply to be HSDS") from exc
    if isinstance(data, dict) and "contents" in data:
        contents = data["contents"]
        if not isinstance(contents, list):
            raise UnreadableInput(f"{path}: 'contents' of an HSDS page must be a list of services")
        if data.get("total_pages") not in (None, 1) or data.get("last_page") is False:
            report.warn("this file is one page of several: only its services are imported")
        records = contents
    elif isinstance(data, list):
        records = data
    elif isinstance(data, dict):
        records = [data]
    else:
        raise UnreadableInput(
            f"{path} holds a JSON {type(data).__name__}, not an HSDS page, "
            "a list of services or a service"
        )
    return [(record, Origin(path)) for record in records]


def check(path):
    """Read and validate; returns (plan, report). Raises UnreadableInput for unreadable input."""
    report = Report()
    items = read_input(path, report)
    plan = validate_records(items, report)
    return plan, report


# -- writing ---------------------------------------------------------------------


def run_import(path, draft=False, dry_run=False, missing_only=False):
    """Validate everything, then write everything or nothing. Returns (report, summary).

    `missing_only` creates what does not exist yet and leaves everything else as it is."""
    plan, report = check(path)
    if report.problems:
        raise ImportProblems(report)
    summary = Summary()
    if dry_run:
        # The real import's own writes, rolled back: whatever would make it fail (a database
        # constraint, a model's validation) fails the dry run too, and nothing is kept
        # (callbacks waiting for the commit, such as publishing and purges, are dropped).
        try:
            with transaction.atomic():
                Applier(plan, summary, draft, report, missing_only).apply()
                raise _RolledBack
        except _RolledBack:
            pass
        return report, summary
    committed = []
    try:
        with transaction.atomic():
            # wagtail-localize publishes translations once the transaction commits; this
            # callback runs first, so a failure after it is known not to be a rollback.
            transaction.on_commit(lambda: committed.append(True))
            Applier(plan, summary, draft, report, missing_only).apply()
    except Exception as exc:
        if committed:
            raise PublishingFailed(f"{type(exc).__name__}: {exc}") from exc
        raise
    return report, summary


class _RolledBack(Exception):
    """Ends a dry run's transaction: everything it wrote is undone."""


class Applier:
    """Writes a checked ImportPlan: organizations, locations, then services and translations."""

    def __init__(self, plan, summary, draft, report, missing_only=False):
        self.plan = plan
        self.missing_only = missing_only
        self.summary = summary
        self.draft = draft
        self.report = report
        self.source_locale = Locale.objects.get(language_code=languages.source())
        self.organizations = {}
        self.locations = {}
        self.categories = {category.code: category for category in Category.objects.all()}

    def apply(self):
        for hsds_id, fields in self.plan.organizations.items():
            self.organizations[hsds_id] = self.upsert(
                Organization, hsds_id, fields, ORGANIZATION_FIELDS, organization_state
            )
        for hsds_id, fields in self.plan.locations.items():
            values = dict(fields)
            values["organization"] = self.organization(values["organization"])
            self.locations[hsds_id] = self.upsert(
                Location, hsds_id, values, (*LOCATION_FIELDS, "organization"), location_state
            )
        for service_plan in self.plan.services:
            self.service(service_plan)

    def upsert(self, model, hsds_id, fields, names, current_state):
        kind = str(model._meta.verbose_name_plural)
        instance = model.objects.filter(hsds_id=hsds_id).first()
        if instance is None:
            instance = model(hsds_id=uuid.UUID(hsds_id))
            outcome = "created"
        elif self.missing_only:
            self.summary.add(kind, "kept")
            return instance
        else:
            wanted = {name: fields[name] for name in names}
            if isinstance(wanted.get("organization"), Organization):
                wanted["organization"] = str(wanted["organization"].hsds_id)
            if current_state(instance) == wanted:
                self.summary.add(kind, "unchanged")
                return instance
            outcome = "updated"
        for name in names:
            setattr(instance, name, fields[name])
        instance.save()
        self.summary.add(kind, outcome)
        return instance

    def organization(self, hsds_id):
        if not hsds_id:
            return None
        if hsds_id not in self.organizations:
            self.organizations[hsds_id] = Organization.objects.get(hsds_id=hsds_id)
        return self.organizations[hsds_id]

    def location(self, hsds_id):
        if hsds_id not in self.locations:
            self.locations[hsds_id] = Location.objects.get(hsds_id=hsds_id)
        return self.locations[hsds_id]

    # services

    def compare(self, plan):
        """(the existing source service or None, whether the import must write it)."""
        existing = Service.objects.filter(
            translation_key=plan.hsds_id, locale=self.source_locale
        ).first()
        if existing is None:
            return None, True
        current = existing.get_latest_revision_as_object()
        settled = self.draft or (existing.live and not existing.has_unpublished_changes)
        return existing, not (settled and service_state(current) == plan.state())

    def service(self, plan):
        existing, changed = self.compare(plan)
        if existing is not None and self.missing_only:
            # Its translations are people's too (one deleted on purpose stays deleted).
            self.summary.add("services", "kept")
            return
        if changed:
            service = self.write_service(plan, existing)
            self.summary.add("services", "created" if existing is None else "updated")
        else:
            service = existing
            self.summary.add("services", "unchanged")
        for language, catalogue in sorted(plan.catalogues.items()):
            self.translation(service, plan, language, catalogue, changed)

    def write_service(self, plan, existing):
        if existing is None:
            service = Service(
                locale=self.source_locale, translation_key=uuid.UUID(plan.hsds_id), live=False
            )
        else:
            service = existing.get_latest_revision_as_object()
        for name, value in plan.fields.items():
            setattr(service, name, value)
        service.organization = self.organization(plan.organization_id)
        service.categories = [self.categories[code] for code in plan.categories]
        service.phones = self.children(
            service.phones.all(),
            plan.phones,
            ServicePhone,
            ("kind", "number", "extension", "sms_keyword"),
        )
        service.opening_hours = self.children(
            service.opening_hours.all(),
            plan.opening_hours,
            OpeningHours,
            ("weekday", "opens_at", "closes_at", "closes_next_day", "valid_from", "valid_to"),
        )
        service.exceptions = self.children(
            service.exceptions.all(),
            plan.exceptions,
            ScheduleException,
            ("date", "closed", "opens_at", "closes_at", "closes_next_day"),
        )
        links = [
            ServiceLocation(hsds_id=uuid.UUID(link_id), location=self.location(location_id))
            for link_id, location_id in plan.links
        ]
        service.service_locations = self.children(
            service.service_locations.all(), links, ServiceLocation, ("location",)
        )
        service.languages = self.children(
            service.languages.all(), plan.languages, ServiceLanguage, ("code",)
        )
        if existing is None:
            service.save()
        revision = service.save_revision(log_action=True)
        if not self.draft:
            revision.publish()
        return Service.objects.get(pk=service.pk)

    @staticmethod
    def children(current, wanted, model, names):
        """The wanted child rows, reusing the current row with the same hsds_id (others go)."""
        by_id = {str(row.hsds_id): row for row in current}
        rows = []
        for order, new in enumerate(wanted):
            row = by_id.pop(str(new.hsds_id), None) or model(hsds_id=new.hsds_id)
            for name in names:
                setattr(row, name, getattr(new, name))
            row.sort_order = order
            rows.append(row)
        return rows

    # translations

    def translation(self, service, plan, language, catalogue, service_changed):
        locale, _created = Locale.objects.get_or_create(language_code=language)
        translated = Service.objects.filter(
            translation_key=service.translation_key, locale=locale
        ).first()
        if translated is not None and not service_changed:
            current = translated.get_latest_revision_as_object() if self.draft else translated
            settled = self.draft or translated.live
            if settled and translation_words(current) == plan.translations[language]:
                self.summary.add("translations", "unchanged")
                return
        if self.draft and translated is not None and translated.live:
            # wagtail-localize would save the draft over the live translation and unpublish it.
            self.report.warn(
                "translations of services whose translation is live were not updated "
                "(--draft would unpublish them): import without --draft to update them"
            )
            self.summary.add("translations", "skipped")
            return
        source = service.get_latest_revision_as_object() if self.draft else service
        translate_object(source, locale, catalogue, publish=not self.draft)
        self.summary.add("translations", "created" if translated is None else "updated")
