"""Translation freshness: whether each translation still says what its source says.

A translation is *outdated* when its source was published after the
translation was last updated from it (wagtail-localize records that per
language on its Translation; without one, the translation's own last
publication counts), *awaiting review* when it exists but is not live or has
unpublished changes, and *missing* when there is none.
"""

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page
from wagtail_localize.models import Translation

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
SOURCE = settings.LANGUAGE_CODE
TARGETS = [code for code, _name in settings.LANGUAGES if code != SOURCE]


def synced_at():
    """A subquery for a translated row: when wagtail-localize last updated it from its source."""
    return Subquery(
        Translation.objects.filter(
            source__object_id=OuterRef("translation_key"), target_locale=OuterRef("locale")
        )
        .order_by("-destination_last_updated_at")
        .values("destination_last_updated_at")[:1]
    )


def is_outdated(source_published_at, synced, translation_published_at):
    """Whether the source changed after the translation last caught up with it."""
    if source_published_at is None:
        return False
    reference = synced or translation_published_at
    return reference is not None and source_published_at > reference


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
    sources_by_kind = {
        "page": Page.objects.live().filter(locale__language_code=SOURCE, depth__gt=1),
        "service": Service.objects.sources().filter(live=True),
    }
    for name, sources in sources_by_kind.items():
        if kind not in (None, "", name):
            continue
        sources = list(sources.order_by("path" if name == "page" else "name"))
        translations = (
            sources_by_kind[name]
            .model.objects.filter(translation_key__in=[item.translation_key for item in sources])
            .exclude(locale__language_code=SOURCE)
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
        for code in TARGETS:
            translation = by_key.get((source.translation_key, code))
            synced = translation.synced if translation is not None else None
            cells[code] = (status_of(source, translation, synced), translation)
        rows.append({"kind": kind, "source": source, "cells": cells})
    return rows
