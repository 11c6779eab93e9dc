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
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThan
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


def _with_progress(translations):
    """Translations annotated with their string counts (`total`, `done`, `left`) and when a
    translator last changed one of their strings (`last_edit`)."""
    segments = StringSegment.objects.filter(source_id=OuterRef("source_id")).order_by()
    translated = StringTranslation.objects.filter(
        translation_of_id=OuterRef("string_id"),
        context_id=OuterRef("context_id"),
        locale_id=OuterRef(OuterRef("target_locale_id")),
        has_error=False,
    )
    # From the source's few segments to their strings' translations (by index), not from
    # every string translated into the language.
    edits = (
        segments.filter(string__translations__locale_id=OuterRef("target_locale_id"))
        .values("source_id")
        .annotate(latest=Max("string__translations__updated_at"))
        .values("latest")[:1]
    )
    return translations.annotate(
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
        left=F("total") - F("done"),
        last_edit=Subquery(edits),
    )


def _translations(keys):
    """wagtail-localize's translations of these items, with their string counts and when a
    translator last changed one of their strings: {(translation_key, language): Translation}."""
    translations = _with_progress(
        Translation.objects.filter(source__object_id__in=keys, enabled=True).select_related(
            "target_locale", "source"
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


def status_in_database(model, code):
    """`status_of` as an SQL expression on a queryset of source items: their status in the
    language `code`, so that the report filters and pages, and the dashboard counts, in the
    database."""
    items = model.objects.filter(
        translation_key=OuterRef("translation_key"), locale__language_code=code
    ).order_by()
    states = (
        WorkflowState.objects.active()
        .filter(
            base_content_type_id=ContentType.objects.get_for_model(model).pk,
            object_id=Cast(OuterRef("pk"), CharField()),
        )
        .order_by("-created_at")
        .values("status")[:1]
    )
    items = items.annotate(state=Subquery(states))
    translations = _with_progress(
        Translation.objects.filter(
            source__object_id=OuterRef("translation_key"),
            target_locale__language_code=code,
            enabled=True,
        ).order_by()
    )

    def item(field):
        return Subquery(items.values(field)[:1])

    def translation(field):
        return Subquery(translations.values(field)[:1])

    published = item("last_published_at")
    synced = Coalesce(translation("destination_last_updated_at"), published)
    return Case(
        When(~Exists(items), then=Value(MISSING)),
        When(
            Exists(items.filter(state=WorkflowState.STATUS_IN_PROGRESS)),
            then=Value(AWAITING_REVIEW),
        ),
        When(
            Exists(items.filter(Q(state=WorkflowState.STATUS_NEEDS_CHANGES) | Q(live=False))),
            then=Value(IN_PROGRESS),
        ),
        When(GreaterThan(F("last_published_at"), synced), then=Value(OUTDATED)),
        When(GreaterThan(Coalesce(translation("left"), 0), 0), then=Value(IN_PROGRESS)),
        When(Exists(items.filter(has_unpublished_changes=True)), then=Value(CHANGES_PENDING)),
        When(GreaterThan(translation("last_edit"), published), then=Value(CHANGES_PENDING)),
        default=Value(UP_TO_DATE),
        output_field=CharField(),
    )


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


class Sources:
    """The report's rows, pages then services, filtered by status in the database, counted and
    sliced there (for Paginator): slicing gives [(kind, source)] of the slice only."""

    def __init__(self, kind=None, status=None, codes=None):
        codes = codes or languages.translations()
        self.parts = []
        for name, sources in _sources().items():
            if kind not in (None, "", name):
                continue
            if status:
                model = sources.model
                match = Q()
                for code in codes:
                    match |= Q(**{f"status_{code}": status})
                sources = sources.alias(
                    **{f"status_{code}": status_in_database(model, code) for code in codes}
                ).filter(match)
            if name == "page":
                # Whether each may be edited reads its workflow state: one query for all.
                sources = sources.prefetch_workflow_states()
            self.parts.append((name, sources.order_by(_order(name), "pk")))
        self._counts = None

    def counts(self):
        if self._counts is None:
            self._counts = [sources.count() for _name, sources in self.parts]
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
        for (name, sources), count in zip(self.parts, self.counts(), strict=True):
            if stop is not None and stop <= 0:
                break
            if start < count:
                end = count if stop is None else min(stop, count)
                found += [(name, source) for source in sources[start:end]]
            start = max(0, start - count)
            stop = None if stop is None else stop - count
        return found


def counts(codes, kinds=("page", "service")):
    """{code: {status: how many source items}} in these languages, counted in the database
    (a query per language and kind)."""
    found = {code: {} for code in codes}
    for name, sources in _sources().items():
        if name not in kinds:
            continue
        for code in codes:
            grouped = (
                sources.order_by()
                .annotate(cell=status_in_database(sources.model, code))
                .values("cell")
                .annotate(n=Count("pk"))
            )
            for row in grouped:
                found[code][row["cell"]] = found[code].get(row["cell"], 0) + row["n"]
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
    translations = _translations([source.translation_key for _name, source in pairs])
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
