"""Translation status of every page and service in every language, for the admin report.

A translation is *awaiting review* when it exists but is not live or has
unpublished changes, *outdated* when its source changed since it last caught up
(cms.freshness), *missing* when there is none, else *up to date*.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from cms import languages
from cms.freshness import is_outdated, synced_at
from services.models import Service

UP_TO_DATE = "up_to_date"
OUTDATED = "outdated"
MISSING = "missing"
AWAITING_REVIEW = "awaiting_review"
LABELS = {
    UP_TO_DATE: _("Up to date"),
    OUTDATED: _("Outdated"),
    MISSING: _("Missing"),
    AWAITING_REVIEW: _("Awaiting review"),
}


def status_of(source, translation, synced):
    if translation is None:
        return MISSING
    if not translation.live or translation.has_unpublished_changes:
        return AWAITING_REVIEW
    if is_outdated(source.last_published_at, synced, translation.last_published_at):
        return OUTDATED
    return UP_TO_DATE


def matrix(kind=None, status=None):
    """Rows of (source item, kind, {language: (status, translation)}) for the report."""
    rows = []
    source = languages.source()
    sources_by_kind = {
        "page": Page.objects.live().filter(locale__language_code=source, depth__gt=1),
        "service": Service.objects.sources().filter(live=True),
    }
    for name, sources in sources_by_kind.items():
        if kind not in (None, "", name):
            continue
        sources = list(sources.order_by("path" if name == "page" else "name"))
        translations = (
            sources_by_kind[name]
            .model.objects.filter(translation_key__in=[item.translation_key for item in sources])
            .exclude(locale__language_code=source)
            .select_related("locale")
            .annotate(synced=synced_at())
        )
        rows += _rows(name, sources, translations)
    if status:
        rows = [row for row in rows if status in {cell[0] for cell in row["cells"].values()}]
    return rows


def _rows(kind, sources, translations):
    by_key = {}
    for item in translations:
        by_key[(item.translation_key, item.locale.language_code)] = item
    rows = []
    for source in sources:
        cells = {}
        for code in languages.translations():
            translation = by_key.get((source.translation_key, code))
            synced = translation.synced if translation is not None else None
            cells[code] = (status_of(source, translation, synced), translation)
        rows.append({"kind": kind, "source": source, "cells": cells})
    return rows
