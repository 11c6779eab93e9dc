"""Translation status of every page and service in every language, for the admin report and
the translators' dashboard: what it is, and what the next step is for the person looking.

For each source item and language, the first that applies:

- *missing*: there is no translation;
- *awaiting review*: a translator submitted it and the language's reviewers have not
  decided yet (a review workflow in progress);
- *in progress*: it was never published, or a reviewer asked for changes;
- *outdated*: it is live and the source changed since it was last brought up to date
  (cms.freshness);
- *in progress*, too: it is live with strings still to translate (readers of the
  language read those in the source's words);
- *changes pending*: it is live, and the translator changed strings, or saved a draft,
  since it was last published (readers still see the published text);
- *up to date*.

Everything is read in a fixed number of queries, whatever the number of items.
"""

from django.contrib.admin.utils import quote
from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Page, WorkflowState
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from cms import languages
from cms.freshness import is_outdated
from services.models import Service

from .translation_review import translation_languages

MISSING = "missing"
AWAITING_REVIEW = "awaiting_review"
IN_PROGRESS = "in_progress"
CHANGES_PENDING = "changes_pending"
OUTDATED = "outdated"
UP_TO_DATE = "up_to_date"
LABELS = {
    MISSING: _("Missing"),
    IN_PROGRESS: _("In progress"),
    AWAITING_REVIEW: _("Awaiting review"),
    CHANGES_PENDING: _("Changes pending"),
    OUTDATED: _("Outdated"),
    UP_TO_DATE: _("Up to date"),
}


def status_of(source, item, translation, in_review, needs_changes):
    """(status, strings left) of one translation (`item`, None when missing)."""
    if item is None:
        return MISSING, 0
    left = (translation.total - translation.done) if translation is not None else 0
    if in_review:
        return AWAITING_REVIEW, left
    if needs_changes or not item.live:
        return IN_PROGRESS, left
    published = item.last_published_at
    synced = translation.destination_last_updated_at if translation is not None else None
    if is_outdated(source.last_published_at, synced, published):
        return OUTDATED, left
    if left:
        return IN_PROGRESS, left
    edited_since = bool(
        translation is not None
        and translation.last_edit
        and published
        and translation.last_edit > published
    )
    if item.has_unpublished_changes or edited_since:
        return CHANGES_PENDING, 0
    return UP_TO_DATE, 0


def _translations(keys):
    """wagtail-localize's translations of these items, with their string counts and when a
    translator last changed one of their strings: {(translation_key, language): Translation}."""
    segments = StringSegment.objects.filter(source_id=OuterRef("source_id")).order_by()
    translated = StringTranslation.objects.filter(
        translation_of_id=OuterRef("string_id"),
        context_id=OuterRef("context_id"),
        locale_id=OuterRef(OuterRef("target_locale_id")),
        has_error=False,
    )
    edits = (
        StringTranslation.objects.filter(
            locale_id=OuterRef("target_locale_id"),
            translation_of_id__in=StringSegment.objects.filter(
                source_id=OuterRef(OuterRef("source_id"))
            ).values("string_id"),
        )
        .order_by()
        .values("locale_id")
        .annotate(latest=Max("updated_at"))
        .values("latest")[:1]
    )
    translations = (
        Translation.objects.filter(source__object_id__in=keys, enabled=True)
        .select_related("target_locale", "source")
        .annotate(
            total=Coalesce(
                Subquery(segments.values("source_id").annotate(n=Count("*")).values("n")[:1]),
                0,
            ),
            done=Coalesce(
                Subquery(
                    segments.filter(Exists(translated))
                    .values("source_id")
                    .annotate(n=Count("*"))
                    .values("n")[:1]
                ),
                0,
            ),
            last_edit=Subquery(edits),
        )
    )
    return {
        (translation.source.object_id, translation.target_locale.language_code): translation
        for translation in translations
    }


def _workflow_states(items):
    """{(content type id, object id): status} of review workflows in progress or needing
    changes, for these translated items (one query)."""
    if not items:
        return {}
    states = WorkflowState.objects.active().filter(object_id__in=[str(item.pk) for item in items])
    return {
        (state.base_content_type_id, state.object_id): state.status
        for state in states.only("base_content_type_id", "object_id", "status")
    }


def matrix(kind=None, status=None, codes=None, user=None):
    """Rows of {"kind", "source", "edit_url", "cells": [cell per language]} for the report.

    A cell is {"code", "status", "label", "left", "url"}: `url` is the next step for `user`
    (start the translation, or open it), or "" when they cannot take one.
    """
    codes = [code for code in (codes or languages.translations()) if code != languages.source()]
    finder = AdminURLFinder(user)
    may_start = set(translation_languages(user)) if user is not None else set()
    source_code = languages.source()
    sources_by_kind = {
        "page": Page.objects.live().filter(locale__language_code=source_code, depth__gt=1),
        "service": Service.objects.sources().filter(live=True),
    }
    rows = []
    for name, sources in sources_by_kind.items():
        if kind not in (None, "", name):
            continue
        sources = list(sources.order_by("path" if name == "page" else "name"))
        keys = [item.translation_key for item in sources]
        items = list(
            sources_by_kind[name]
            .model.objects.filter(translation_key__in=keys, locale__language_code__in=codes)
            .select_related("locale")
        )
        by_key = {(item.translation_key, item.locale.language_code): item for item in items}
        translations = _translations(keys)
        states = _workflow_states(items)
        for source in sources:
            cells = []
            for code in codes:
                item = by_key.get((source.translation_key, code))
                state = (
                    states.get((item.get_base_content_type().pk, str(item.pk)))
                    if item is not None
                    else None
                )
                cell_status, left = status_of(
                    source,
                    item,
                    translations.get((source.translation_key, code)),
                    in_review=state == WorkflowState.STATUS_IN_PROGRESS,
                    needs_changes=state == WorkflowState.STATUS_NEEDS_CHANGES,
                )
                cells.append(
                    {
                        "code": code,
                        "status": cell_status,
                        "label": _label(cell_status, left),
                        "left": left,
                        "url": _next_step(name, source, item, code, finder, may_start),
                    }
                )
            row = {"kind": name, "source": source, "cells": cells}
            row["edit_url"] = finder.get_edit_url(source) or ""
            rows.append(row)
    if status:
        rows = [row for row in rows if status in {cell["status"] for cell in row["cells"]}]
    return rows


def _label(status, left):
    if status == IN_PROGRESS and left:
        return ngettext(
            "In progress: %(count)d string left", "In progress: %(count)d strings left", left
        ) % {"count": left}
    return str(LABELS[status])


def _next_step(kind, source, item, code, finder, may_start):
    if item is not None:
        return finder.get_edit_url(item) or ""
    if code not in may_start:
        return ""
    if kind == "page":
        url = reverse("wagtail_localize:submit_page_translation", args=[source.pk])
    else:
        url = reverse(
            "wagtail_localize:submit_snippet_translation",
            args=[source._meta.app_label, source._meta.model_name, quote(source.pk)],
        )
    return f"{url}?select_locale={code}"
