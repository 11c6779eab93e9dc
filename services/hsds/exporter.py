"""Exports the services directory as HSDS 3.0, as one JSON page or a directory of CSV files.

The output depends only on the data: keys and rows are sorted, and every
identifier is stored (hsds_id, translation key) or derived (UUID 5), so
exporting twice gives the same bytes.
"""

import json
from pathlib import Path

from django.db.models import Prefetch

from services.models import Service, ServiceLocation

from .records import service_record, translation_words
from .tabular import write_directory


def with_record_structure(queryset):
    """Everything `service_record` reads, loaded in a fixed number of queries for any number
    of services (the HSDS API pages through them; the export reads them all)."""
    return queryset.select_related("organization", "locale").prefetch_related(
        "phones",
        "opening_hours",
        "exceptions",
        "categories",
        "languages",
        Prefetch(
            "service_locations",
            queryset=ServiceLocation.objects.select_related("location__organization"),
        ),
    )


def export_services(include_drafts=False):
    """The source-language services to export, ordered by id: live ones, or all with drafts."""
    services = Service.objects.sources().order_by("id")
    if not include_drafts:
        return list(with_record_structure(services.filter(live=True)))
    return [service.get_latest_revision_as_object() for service in services]


def translations_by_key(services):
    """translation key -> {language code: words}, from the live translated rows (one query)."""
    found = {}
    rows = (
        Service.objects.filter(
            translation_key__in=[service.translation_key for service in services], live=True
        )
        .exclude(locale_id__in={service.locale_id for service in services})
        .select_related("locale")
        .order_by("locale__language_code")
    )
    for row in rows:
        words = translation_words(row)
        if words:
            found.setdefault(row.translation_key, {})[row.locale.language_code] = words
    return found


def records_for(services):
    """The full HSDS records of live source services (as `service_records` writes them)."""
    translations = translations_by_key(services)
    return [
        service_record(service, translations.get(service.translation_key)) for service in services
    ]


def live_translations(service):
    """language code -> words, from each live translated row of the service."""
    rows = (
        Service.objects.filter(translation_key=service.translation_key, live=True)
        .exclude(locale_id=service.locale_id)
        .select_related("locale")
    )
    found = {}
    for row in rows:
        words = translation_words(row)
        if words:
            found[row.locale.language_code] = words
    return found


def service_records(include_drafts=False):
    """Full HSDS service records, with the waymark_translations extension."""
    if not include_drafts:
        return records_for(export_services())
    return [
        service_record(service, live_translations(service))
        for service in export_services(include_drafts)
    ]


def page(records):
    """An HSDS page object holding every record (one page)."""
    return {
        "total_items": len(records),
        "total_pages": 1,
        "page_number": 1,
        "size": len(records),
        "first_page": True,
        "last_page": True,
        "empty": not records,
        "contents": records,
    }


def to_json(records):
    """The page as the exact text written to a file."""
    return json.dumps(page(records), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export(path, include_drafts=False):
    """Write the directory to `path` (a .json file, else a directory of CSV files).

    Returns (number of services, files written).
    """
    path = Path(path)
    records = service_records(include_drafts)
    if path.suffix.lower() == ".json":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(to_json(records).encode("utf-8"))
        return len(records), [path]
    return len(records), write_directory(records, path)
