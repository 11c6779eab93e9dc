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

`status_of` decides every cell, in Python: it is the only statement of these rules. The
dashboard counts statuses over every source, and the report filters on them, so both need
every cell; deciding them in SQL took a CASE of correlated subqueries per source and language
(wagtail-localize's string counts, edits, workflow states), hundreds of milliseconds per
language at 10,000 pages. Instead `statuses` reads what the rules need for all sources and
languages at once, in a few set-based queries (the sources; their translated items; active
workflow states; and, from wagtail-localize, translations, strings per source, and strings
done and last edited per source and language, each one GROUP BY), joins them in Python and
runs `status_of` on each cell. The report filtered by status pages through the matching
sources' pks and loads only the page shown. Everything is read in a fixed number of queries,
whatever the number of items.
"""

import datetime
import uuid
from typing import NamedTuple

from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import (
    ModelLogEntry,
    Page,
    PageLogEntry,
    Revision,
    TaskState,
    WorkflowState,
)
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

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


class _Progress(NamedTuple):
    """What `status_of` reads of a wagtail-localize Translation."""

    total: int
    done: int
    destination_last_updated_at: datetime.datetime | None
    last_edit: datetime.datetime | None


class _Item(NamedTuple):
    """What `status_of` reads of a source item or of a translated item."""

    pk: int
    translation_key: uuid.UUID
    live: bool
    has_unpublished_changes: bool
    last_published_at: datetime.datetime | None


def _translations(codes, keys=None):
    """wagtail-localize's translations into these languages, of the items with these
    translation keys (None: of every item), with their string counts and when a translator
    last changed one of their strings: {(translation_key, language): _Progress}, in three
    queries."""
    translations = Translation.objects.filter(
        target_locale__language_code__in=codes, enabled=True
    ).order_by()
    segments = StringSegment.objects.order_by()
    if keys is not None:
        if not keys:
            return {}
        translations = translations.filter(source__object_id__in=keys)
        segments = segments.filter(source__object_id__in=keys)
    totals = dict(segments.values("source_id").annotate(n=Count("*")).values_list("source_id", "n"))
    # The strings of each source translated into each language (translated in the segment's
    # context, without error), and the latest change to a translation of one of its strings.
    progress = {
        (source_id, locale_id): (done, last_edit)
        for source_id, locale_id, done, last_edit in segments.filter(
            string__translations__locale__language_code__in=codes
        )
        .values("source_id", "string__translations__locale_id")
        .annotate(
            done=Count(
                "pk",
                filter=Q(
                    string__translations__context_id=F("context_id"),
                    string__translations__has_error=False,
                ),
            ),
            last_edit=Max("string__translations__updated_at"),
        )
        .values_list("source_id", "string__translations__locale_id", "done", "last_edit")
    }
    found = {}
    for source_id, locale_id, key, code, synced in translations.values_list(
        "source_id",
        "target_locale_id",
        "source__object_id",
        "target_locale__language_code",
        "destination_last_updated_at",
    ):
        done, last_edit = progress.get((source_id, locale_id), (0, None))
        found[(key, code)] = _Progress(totals.get(source_id, 0), done, synced, last_edit)
    return found


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


def _sources():
    source_code = languages.source()
    return {
        "page": Page.objects.live()
        .filter(locale__language_code=source_code, depth__gt=1)
        .select_related("locale"),
        "service": Service.objects.sources().filter(live=True).select_related("locale"),
    }


def _order(name):
    return "path" if name == "page" else "name"


_FIELDS = ("pk", "translation_key", "live", "has_unpublished_changes", "last_published_at")


def statuses(codes, kinds=("page", "service")):
    """{kind: [(source pk, {code: status})]}: every source item of these kinds, in the
    report's order, with its status in each of these languages, decided by `status_of`;
    in a fixed number of set-based queries (see the module's docstring)."""
    parts = {name: sources for name, sources in _sources().items() if name in kinds}
    # Translation keys are UUIDs, unique across models: translations of every kind at once.
    translations = _translations(codes)
    states = {
        (content_type, object_id): status
        for content_type, object_id, status in WorkflowState.objects.active().values_list(
            "base_content_type_id", "object_id", "status"
        )
    }
    found = {}
    for name, sources in parts.items():
        model = sources.model
        content_type = ContentType.objects.get_for_model(model).pk
        listed = [_Item(*row) for row in sources.order_by(_order(name), "pk").values_list(*_FIELDS)]
        items = {
            (row[0], row[1]): _Item(*row[2:])
            for row in model.objects.filter(
                translation_key__in=sources.values("translation_key"),
                locale__language_code__in=codes,
            )
            .order_by()
            .values_list("translation_key", "locale__language_code", *_FIELDS)
        }
        cells = []
        for source in listed:
            row = {}
            for code in codes:
                item = items.get((source.translation_key, code))
                state = states.get((content_type, str(item.pk))) if item is not None else None
                row[code], _left = status_of(
                    source,
                    item,
                    translations.get((source.translation_key, code)),
                    in_review=state == WorkflowState.STATUS_IN_PROGRESS,
                    needs_changes=state == WorkflowState.STATUS_NEEDS_CHANGES,
                )
            cells.append((source.pk, row))
        found[name] = cells
    return found


class Sources:
    """The report's rows, pages then services, counted and sliced for Paginator: slicing
    gives [(kind, source)] of the slice only. Filtered by status, the statuses of every source
    are decided in Python (`statuses`) and only the slice's sources are loaded, by pk."""

    def __init__(self, kind=None, status=None, codes=None):
        codes = codes or languages.translations()
        names = [name for name in _sources() if kind in (None, "", name)]
        matching = {}
        if status:
            for name, cells in statuses(codes, kinds=names).items():
                matching[name] = [pk for pk, row in cells if status in row.values()]
        self.parts = []
        for name, sources in _sources().items():
            if name not in names:
                continue
            if name == "page":
                # Whether each may be edited reads its workflow state: one query for all.
                sources = sources.prefetch_workflow_states()
            self.parts.append((name, sources.order_by(_order(name), "pk"), matching.get(name)))
        self._counts = None

    def counts(self):
        if self._counts is None:
            self._counts = [
                sources.count() if pks is None else len(pks) for _name, sources, pks in self.parts
            ]
        return self._counts

    def count(self):
        return sum(self.counts())

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        found = []
        for (name, sources, pks), count in zip(self.parts, self.counts(), strict=True):
            if stop is not None and stop <= 0:
                break
            if start < count:
                end = count if stop is None else min(stop, count)
                if pks is None:
                    found += [(name, source) for source in sources[start:end]]
                else:
                    loaded = {source.pk: source for source in sources.filter(pk__in=pks[start:end])}
                    found += [(name, loaded[pk]) for pk in pks[start:end] if pk in loaded]
            start = max(0, start - count)
            stop = None if stop is None else stop - count
        return found


COUNTS_KEEP_SECONDS = 600


def counts(codes, kinds=("page", "service")):
    """{code: {status: how many source items}} in these languages, for the dashboard: kept
    until anything a status is made of changes (`inputs_version`), at most ten minutes, so
    an administrator's dashboard does not work out every status of every language each time."""
    key = f"translation-counts:{','.join(codes)}:{','.join(kinds)}:{inputs_version()}"
    found = cache.get(key)
    if found is None:
        found = _counts(codes, kinds)
        cache.set(key, found, COUNTS_KEEP_SECONDS)
    return found


def inputs_version():
    """What the statuses are made of, in one query: the newest page and snippet log entries
    (creations, drafts, publishes, unpublishes, moves, deletions, workflow steps), revision,
    workflow and task, the newest translator edit of a string and the newest sync of a source
    or of a translation."""
    quote = connection.ops.quote_name
    newest = [
        f"(SELECT MAX({quote(column)}) FROM {quote(model._meta.db_table)})"  # noqa: S608 (names)
        for model, column in (
            (PageLogEntry, "id"),
            (ModelLogEntry, "id"),
            (Revision, "id"),  # a draft saved without a log entry (save_revision's default)
            (WorkflowState, "id"),
            (TaskState, "id"),
            (StringTranslation, "updated_at"),
            (TranslationSource, "last_updated_at"),
            (Translation, "destination_last_updated_at"),
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(newest))
        return "|".join(str(value) for value in cursor.fetchone())


def _counts(codes, kinds):
    """`statuses`, counted."""
    found = {code: {} for code in codes}
    for cells in statuses(codes, kinds).values():
        for _pk, row in cells:
            for code, cell in row.items():
                found[code][cell] = found[code].get(cell, 0) + 1
    return found


def matrix(kind=None, status=None, codes=None, user=None):
    """Rows of {"kind", "source", "edit_url", "cells": [cell per language]} for the report:
    every row (the report pages through `Sources` and `rows`).

    A cell is {"code", "status", "label", "left", "url"}: `url` is the next step for `user`
    (start the translation, or open it), or "" when they cannot take one.
    """
    codes = [code for code in (codes or languages.translations()) if code != languages.source()]
    found = Sources(kind=kind, status=status, codes=codes)
    return rows(found[0 : found.count()], codes=codes, user=user)


def rows(pairs, codes, user=None):
    """The report's rows for these [(kind, source)], in their order: a fixed number of
    queries for any number of rows."""
    codes = [code for code in codes if code != languages.source()]
    finder = AdminURLFinder(user)
    may_start = set(translation_languages(user)) if user is not None else set()
    models = {name: sources.model for name, sources in _sources().items()}
    items = []
    for name, model in models.items():
        keys = [source.translation_key for kind, source in pairs if kind == name]
        if not keys:
            continue
        found = model.objects.filter(
            translation_key__in=keys, locale__language_code__in=codes
        ).select_related("locale")
        if name == "page":
            found = found.prefetch_workflow_states()
        items += found
    # Translation keys are UUIDs, unique across models: one query each for all kinds.
    by_key = {(item.translation_key, item.locale.language_code): item for item in items}
    translations = _translations(codes, [source.translation_key for _name, source in pairs])
    states = _workflow_states(items)
    result = []
    for name, source in pairs:
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
        result.append(row)
    return result


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
