"""High-risk changes once they go live: recorded with who proposed and who approved them, and
e-mailed to every reviewer of the languages whose readers see them.

The facts themselves, their comparison and the editor's panel are generic
(cms.highrisk). Here they are

- recorded when published (`HighRiskChange`), from Wagtail's publish log entry,
  which every way of publishing writes: the editor, workflow approval,
  translations, scheduled publishing and imports;
- e-mailed, once published, to every reviewer of the languages whose readers
  see the change;
- listed for reviewers on their dashboard while still drafts (`awaiting_review`)
  and marked in wagtail-localize's translation editor, which has no panels.
"""

import contextlib
import contextvars
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, mailers
from django.db import models, transaction
from django.db.models import ManyToManyField
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.blocks import StreamValue
from wagtail.fields import StreamField
from wagtail.models import (
    ModelLogEntry,
    Page,
    PageLogEntry,
    Revision,
    TaskState,
    TranslatableMixin,
    WorkflowState,
)
from wagtail.users.models import UserProfile
from wagtail_localize.models import StringTranslation

from cms import languages
from cms.highrisk import compare, describe, facts_of, pending_changes
from cms.models import ReaderSettings
from services.models import Location, Organization, Service

from .models import HighRiskChange
from .roles import reviewer_group
from .translation_review import translation_of

logger = logging.getLogger(__name__)

_not_recorded = contextvars.ContextVar("waymark_high_risk_not_recorded", default=False)


@contextlib.contextmanager
def not_recorded():
    """Publish without recording (loading the demo's first content is not a change)."""
    token = _not_recorded.set(True)
    try:
        yield
    finally:
        _not_recorded.reset(token)


# -- drafts in review ----------------------------------------------------------


def awaiting_review(user, limit=20):
    """Drafts in review that this user may approve and that make high-risk changes, newest
    first: [{"title", "edit_url", "changes"}] (for the dashboard).

    A fixed number of queries for any number of drafts: the objects, their drafts and live
    revisions and what their facts read are loaded in batches (`_in_review`)."""
    states = list(
        TaskState.objects.reviewable_by(user)
        .filter(status=TaskState.STATUS_IN_PROGRESS)
        .select_related("workflow_state")
        .order_by("-started_at")[:limit]
    )
    loaded = _in_review([state.workflow_state for state in states])
    finder = AdminURLFinder()
    items = []
    for state in states:
        found = loaded.get(_key(state.workflow_state))
        if found is None:
            continue  # since deleted
        obj, draft, live = found
        old = facts_of(live) if live is not None else {}
        changes = [describe(change) for change in compare(old, facts_of(draft))]
        if changes:
            items.append(
                {"title": str(draft), "edit_url": finder.get_edit_url(obj), "changes": changes}
            )
    return items


def _key(workflow_state):
    return (workflow_state.base_content_type_id, str(workflow_state.object_id))


# What a revision does not change (Wagtail's `with_content_json` keeps them from the object).
_KEPT = (
    "id",
    "content_type_id",
    "path",
    "depth",
    "numchild",
    "draft_title",
    "live",
    "has_unpublished_changes",
    "owner_id",
    "locked",
    "locked_by_id",
    "locked_at",
    "latest_revision_id",
    "latest_revision_created_at",
    "translation_key",
    "locale_id",
    "alias_of_id",
)


def _in_review(workflow_states):
    """{(base content type id, object id): (object, draft, live version or None)} for the
    objects of these workflow states, as `content_object`, `get_latest_revision_as_object()`
    and `pending_changes` see them, in a fixed number of queries: the objects per content
    type, their revisions in one query, and what their facts read (the m2m values a revision
    names, chosen blocks in their StreamFields, a translated service's source) in batches."""
    wanted = defaultdict(set)
    for workflow_state in workflow_states:
        wanted[workflow_state.base_content_type_id].add(workflow_state.object_id)
    objects = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        queryset = model._default_manager.all()
        if issubclass(model, TranslatableMixin):
            queryset = queryset.select_related("locale")
        pk = model._meta.pk
        for obj in queryset.in_bulk([pk.to_python(object_id) for object_id in ids]).values():
            objects[(content_type_id, str(obj.pk))] = obj

    # Unchanged since published (or never saved as a revision): the draft is the object
    # itself (its specific page).
    current = _current(
        [
            obj
            for obj in objects.values()
            if not obj.has_unpublished_changes or obj.latest_revision_id is None
        ]
    )
    revisions = Revision.objects.in_bulk(
        [
            pk
            for obj in objects.values()
            for pk in (
                obj.latest_revision_id if obj.has_unpublished_changes else None,
                obj.live_revision_id,
            )
            if pk is not None
        ]
    )
    contents = [revision.content for revision in revisions.values()]
    related = _m2m_values(objects.values(), contents)

    found = {}
    for key, obj in objects.items():
        if obj.has_unpublished_changes and obj.latest_revision_id is not None:
            revision = revisions.get(obj.latest_revision_id)
            draft = _from_revision(obj, revision, related) if revision else current.get(obj.pk)
        else:
            draft = current.get(obj.pk, obj)
        live_revision = revisions.get(obj.live_revision_id) if obj.live_revision_id else None
        live = _from_revision(obj, live_revision, related) if live_revision else None
        found[key] = (obj, draft, live)
    versions = [version for _obj, *pair in found.values() for version in pair if version]
    _load_relations(versions, [*objects.values(), *revisions.values()])
    _convert_streams(versions)
    _attach_sources(versions)
    return found


def _current(objects):
    """The objects as they are now, as `get_latest_revision_as_object()` gives an unchanged
    one: each page as its specific page, a service with its phones and categories."""
    current = {}
    pages = [obj.pk for obj in objects if isinstance(obj, Page)]
    if pages:
        current.update(Page.objects.filter(pk__in=pages).specific().in_bulk())
    services = [obj.pk for obj in objects if isinstance(obj, Service)]
    if services:
        current.update(
            Service.objects.select_related("locale")
            .prefetch_related("phones", "categories")
            .in_bulk(services)
        )
    for obj in objects:
        current.setdefault(obj.pk, obj)
    return current


def _m2m_fields(model):
    return [field for field in model._meta.get_fields() if isinstance(field, ManyToManyField)]


def _m2m_values(objects, contents):
    """{(related model, pk): object} for every many-to-many value the revisions name: one
    query per related model, not one per revision."""
    wanted = defaultdict(set)
    for obj in objects:
        model = obj.specific_class if isinstance(obj, Page) else type(obj)
        for field in _m2m_fields(model):
            for content in contents:
                if isinstance(content.get(field.name), list):
                    wanted[field.related_model].update(content[field.name])
    return {
        (model, obj.pk): obj
        for model, pks in wanted.items()
        for obj in model._default_manager.filter(pk__in=pks)
    }


def _from_revision(obj, revision, related):
    """A revision as an object, as `revision.as_object()` builds it, without its queries:
    no check of each foreign key, many-to-many values from `related`, and the object's own
    values where Wagtail keeps them (`_KEPT`)."""
    model = obj.specific_class if isinstance(obj, Page) else type(obj)
    content = dict(revision.content)
    m2m = {}
    for field in _m2m_fields(model):
        if isinstance(content.get(field.name), list):
            pks = {field.related_model._meta.pk.to_python(pk) for pk in content.pop(field.name)}
            # In the related model's own order, as `filter(pk__in=...)` gives them.
            m2m[field.name] = [
                value
                for (related_model, pk), value in related.items()
                if related_model is field.related_model and pk in pks
            ]
    version = model.from_serializable_data(content, check_fks=False)
    for name, values in m2m.items():
        setattr(version, name, values)
    version.pk = obj.pk
    for name in _KEPT:
        if hasattr(obj, name) and hasattr(version, name):
            setattr(version, name, getattr(obj, name))
    if isinstance(obj, Page) and version.first_published_at is None:
        version.first_published_at = obj.first_published_at
    if isinstance(obj, TranslatableMixin) and "locale" in obj._state.fields_cache:
        version.locale = obj.locale
    return version


def _load_relations(versions, known):
    """Load what each version's foreign keys point to, one query per related model (a page's
    facts read every field, its revisions and content type too). A revision naming what no
    longer exists reads as nothing there, as `revision.as_object()` checks."""
    pool = {(type(obj), obj.pk): obj for obj in known}
    wanted = defaultdict(set)
    for version in versions:
        for field in _foreign_keys(version):
            key = (field.related_model, getattr(version, field.attname))
            if key not in pool and field.related_model is not ContentType:
                wanted[field.related_model].add(key[1])
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            pool[(model, obj.pk)] = obj
    for version in versions:
        for field in _foreign_keys(version):
            pk = getattr(version, field.attname)
            if field.related_model is ContentType:
                related = ContentType.objects.get_for_id(pk)
            else:
                related = pool.get((field.related_model, pk))
            if related is not None:
                field.set_cached_value(version, related)
            elif field.remote_field.on_delete is not models.DO_NOTHING:
                setattr(version, field.attname, None)


def _foreign_keys(version):
    """The foreign keys of a version that are set and not yet loaded."""
    return [
        field
        for field in version._meta.concrete_fields
        if field.many_to_one
        and getattr(version, field.attname) is not None
        and not field.is_cached(version)
    ]


def _convert_streams(versions):
    """Read every StreamField of these versions at once per field, so that a chooser block
    loads what all of them chose in one batch (not one query per page and block)."""
    pending = defaultdict(list)
    for version in versions:
        for field in version._meta.concrete_fields:
            if not isinstance(field, StreamField):
                continue
            value = getattr(version, field.attname, None)
            if isinstance(value, StreamValue) and value.is_lazy and not any(value._bound_blocks):
                pending[(type(version), field.attname)].append((version, field, value))
    for found in pending.values():
        field = found[0][1]
        converted = field.stream_block.bulk_to_python(
            [list(value._raw_data) for _version, _field, value in found]
        )
        for (version, _field, _value), value in zip(found, converted, strict=True):
            setattr(version, field.attname, value)


def _attach_sources(versions):
    """Give each translated service its source-language service (its `structure`, which
    holds the categories its facts read), one query for all."""
    translated = [
        version for version in versions if isinstance(version, Service) and not version.is_source
    ]
    if not translated:
        return
    sources = {}
    for source in (
        Service.objects.sources()
        .filter(translation_key__in={version.translation_key for version in translated})
        .prefetch_related("categories")
    ):
        sources.setdefault(source.translation_key, source)
    for version in translated:
        version.structure = sources.get(version.translation_key, version)


def warn_in_translation_editor(request, obj):
    """Translations are reviewed in wagtail-localize's editor, which has no panels: the same
    marking arrives there as a warning at the top of the page."""
    if request.method != "GET" or not hasattr(obj, "get_latest_revision_as_object"):
        return
    locale = getattr(obj, "locale", None)
    if locale is None or languages.is_source(locale.language_code):
        return  # the source language's editor shows HighRiskPanel
    changes = [describe(change) for change in pending_changes(obj.get_latest_revision_as_object())]
    if changes:
        messages.warning(
            request,
            format_html(
                "{} {}<ul>{}</ul>",
                gettext("This draft changes how readers reach help."),
                gettext("Check each new value against a trusted source before approving."),
                format_html_join(
                    "",
                    "<li>{} ({}): {} → {}</li>",
                    ((*row[:2], row[2] or "—", row[3] or "—") for row in changes),
                ),
            ),
        )


# -- recording what is published -----------------------------------------------


def record_publish(entry):
    """Record the high-risk changes a publish log entry made live, and e-mail the reviewers."""
    revision = entry.revision
    obj = revision.content_object
    if not isinstance(obj, (Service, Page)):
        return None
    same_object = (
        {"page_id": entry.page_id}
        if isinstance(entry, PageLogEntry)
        else {"content_type_id": entry.content_type_id, "object_id": entry.object_id}
    )
    previous = (
        type(entry)
        .objects.filter(**same_object, action="wagtail.publish", revision__isnull=False)
        .exclude(pk=entry.pk)
        .order_by("-timestamp", "-pk")
        .select_related("revision")
        .first()
    )
    approver = _approver(entry)
    if previous is None and approver is None:
        return None  # a first publish by a command (an import): nobody to hold to account
    new_object = revision.as_object()
    old = facts_of(previous.revision.as_object()) if previous else {}
    changes = compare(old, facts_of(new_object))
    if not changes:
        return None
    is_service = isinstance(obj, Service)
    change = HighRiskChange.objects.create(
        kind=HighRiskChange.Kind.SERVICE if is_service else HighRiskChange.Kind.PAGE,
        object_id=str(obj.pk),
        title=str(new_object)[:255],
        locale_id=obj.locale_id,
        revision=revision,
        changes=changes,
        reporting=is_service and new_object.is_reporting,
        proposed_by=_proposer(obj, revision, previous),
        approved_by=approver,
        published_at=entry.timestamp,
        source_change=_source_change(obj, entry.timestamp),
    )
    seeing = _languages_seeing(obj, changes)
    transaction.on_commit(lambda: notify(change.pk, seeing), robust=True)
    return change


def record_settings_change(reader_settings, old, user):
    """Record a change to the emergency number or the exit destination (saved without review)."""
    return _record_live_save(
        HighRiskChange.Kind.SETTINGS,
        reader_settings,
        str(reader_settings._meta.verbose_name),
        old,
        user,
    )


def record_directory_change(instance, old, user):
    """Record a change to an organization's website or e-mail, or a location's address: they
    have no drafts, so what a reviewer saves is live in every language at once."""
    kind = (
        HighRiskChange.Kind.LOCATION
        if isinstance(instance, Location)
        else HighRiskChange.Kind.ORGANIZATION
    )
    return _record_live_save(kind, instance, str(instance), old, user)


def _record_live_save(kind, instance, title, old, user):
    """What is saved without review is live at once: proposed and approved by who saved it,
    e-mailed to the reviewers of every language."""
    changes = compare(old, instance.high_risk_facts())
    if not changes:
        return None
    change = HighRiskChange.objects.create(
        kind=kind,
        object_id=str(instance.pk),
        title=title[:255],
        changes=changes,
        proposed_by=user,
        approved_by=user,
    )
    every_language = languages.codes()
    transaction.on_commit(lambda: notify(change.pk, every_language), robust=True)
    return change


def _approver(entry):
    """Who made it live: the publisher, or whoever scheduled it or saved the translation."""
    if entry.user_id:
        return entry.user
    for model in (PageLogEntry, ModelLogEntry):
        scheduled = (
            model.objects.filter(
                revision=entry.revision_id, action__startswith="wagtail.publish.schedule"
            )
            .exclude(user=None)
            .order_by("-timestamp")
            .first()
        )
        if scheduled:
            return scheduled.user
    return entry.revision.user


def _proposer(obj, revision, previous):
    """Who asked for the change: whoever submitted it for review; for a translation published
    without review, whoever last translated its strings; else the revision's author."""
    states = WorkflowState.objects.filter(
        base_content_type_id=revision.base_content_type_id, object_id=revision.object_id
    )
    if previous is not None:
        states = states.filter(created_at__gte=previous.timestamp)
    state = states.exclude(requested_by=None).order_by("-created_at").first()
    if state is not None:
        return state.requested_by
    translation = translation_of(obj) if not languages.is_source(obj.locale.language_code) else None
    if translation is not None:
        edit = (
            StringTranslation.objects.filter(
                locale_id=translation.target_locale_id,
                translation_of__segments__source=translation.source,
            )
            .exclude(last_translated_by=None)
            .select_related("last_translated_by")
            .order_by("-updated_at")
            .first()
        )
        if edit is not None:
            return edit.last_translated_by
    return revision.user


def _source_change(obj, published_at):
    """For a translation, the last recorded change to its source (what it carries over)."""
    if languages.is_source(obj.locale.language_code):
        return None
    source = (
        type(obj)
        .objects.filter(
            translation_key=obj.translation_key, locale__language_code=languages.source()
        )
        .first()
    )
    if source is None:
        return None
    return (
        HighRiskChange.objects.filter(
            kind=HighRiskChange.Kind.SERVICE
            if isinstance(obj, Service)
            else HighRiskChange.Kind.PAGE,
            object_id=str(source.pk),
            published_at__lte=published_at,
        )
        .order_by("-published_at", "-pk")
        .first()
    )


def _languages_seeing(obj, changes):
    """Languages whose readers see the change: a source service's contacts reach them all."""
    seeing = [obj.locale.language_code]
    structural = any(change["what"] != "field" for change in changes)
    if isinstance(obj, Service) and obj.is_source and structural:
        seeing += list(
            Service.objects.filter(translation_key=obj.translation_key, live=True)
            .exclude(pk=obj.pk)
            .values_list("locale__language_code", flat=True)
        )
    return list(dict.fromkeys(seeing))


# -- telling the reviewers -----------------------------------------------------


def reviewers_of(codes):
    """Active reviewers of these languages who have an e-mail address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[reviewer_group(code) for code in codes])
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def notify(change_pk, codes):
    """E-mail one message to each reviewer of the languages, in their admin language, with
    links only to what they can open."""
    change = HighRiskChange.objects.select_related("locale", "proposed_by", "approved_by").get(
        pk=change_pk
    )
    obj = changed_object(change)
    outgoing = []
    for user in reviewers_of(codes):
        language = UserProfile.get_for_user(user).get_preferred_language()
        with translation.override(language):
            subject, body = _message(change, user, edit_url_for(user, obj, change))
        outgoing.append(EmailMessage(subject, body, None, [user.email]))
    try:
        if outgoing:
            mailers.default.send_messages(outgoing)
    except Exception:
        # The change is live and recorded either way; the report shows it was not sent.
        logger.exception("High-risk change %s: the reviewers' e-mail could not be sent", change.pk)
        HighRiskChange.objects.filter(pk=change.pk).update(notice_failed=True)
        return 0
    HighRiskChange.objects.filter(pk=change.pk).update(notified=len(outgoing))
    return len(outgoing)


def _models():
    """The model behind each kind of change that names an object (not the settings)."""
    return {
        HighRiskChange.Kind.PAGE: Page,
        HighRiskChange.Kind.SERVICE: Service,
        HighRiskChange.Kind.LOCATION: Location,
        HighRiskChange.Kind.ORGANIZATION: Organization,
    }


def changed_object(change):
    """The page, service, location or organization a change was made to (None: the
    settings, or since deleted)."""
    model = _models().get(change.kind)
    return model.objects.filter(pk=change.object_id).first() if model else None


def edit_url_for(user, obj, change):
    """Where this reviewer can act on the change: the item if they may edit it, else its
    translation into a language they work in (an English service's new number reaches
    every language), else nowhere."""
    if change.kind == HighRiskChange.Kind.SETTINGS:
        return reverse(
            "wagtailsettings:edit",
            args=[ReaderSettings._meta.app_label, ReaderSettings._meta.model_name],
        )
    if obj is None:
        return None
    finder = AdminURLFinder(user)
    url = finder.get_edit_url(obj)
    if url:
        return url
    for translated in obj.get_translations() if hasattr(obj, "get_translations") else []:
        url = finder.get_edit_url(getattr(translated, "specific", translated))
        if url:
            return url
    return None


def _message(change, user, edit_url):
    base = settings.WAGTAILADMIN_BASE_URL
    language = change.locale.get_display_name() if change.locale else gettext("every language")
    subject = gettext("Waymark: a high-risk change to “%(title)s” is live") % {
        "title": change.title
    }
    lines = [
        gettext(
            "A change to how readers reach help is now live (%(language)s). "
            "Check each value against a trusted source; if one is wrong, correct it now."
        )
        % {"language": language},
        "",
        f"{change.title} ({change.get_kind_display()})",
    ]
    for what, where, old, new in (describe(item) for item in change.changes):
        lines.append(f"- {what} ({where}): {old or '—'} → {new or '—'}")
    lines += [
        "",
        gettext("Proposed by: %(name)s") % {"name": _person(change.proposed_by)},
        gettext("Approved by: %(name)s") % {"name": _person(change.approved_by)},
    ]
    if user.has_perm("editorial.view_highriskchange"):
        lines += [
            "",
            gettext("All high-risk changes: %(url)s")
            % {"url": base + reverse("waymark_high_risk_changes")},
        ]
    if change.kind != change.Kind.SETTINGS and edit_url:
        lines.append(gettext("Edit: %(url)s") % {"url": base + edit_url})
    return subject, "\n".join(lines)


def _person(user):
    if user is None:
        return gettext("no one (an import or a command)")
    return user.get_full_name() or user.get_username()


def edit_urls(changes, user=None):
    """{change pk: where the changed item is edited in the admin, or None}, for `user` when
    given (only what they can open), two queries for any number of changes."""
    finder = AdminURLFinder(user)
    models = _models()
    found = {}
    for kind, model in models.items():
        objects = model.objects.all()
        if model is Page:
            # Whether a reviewer may edit a page reads its workflow state: one query for all.
            objects = objects.prefetch_workflow_states()
        found[kind] = objects.in_bulk(
            [int(change.object_id) for change in changes if change.kind == kind]
        )
    urls = {}
    for change in changes:
        if change.kind == HighRiskChange.Kind.SETTINGS:
            urls[change.pk] = reverse(
                "wagtailsettings:edit",
                args=[ReaderSettings._meta.app_label, ReaderSettings._meta.model_name],
            )
            continue
        obj = found.get(change.kind, {}).get(int(change.object_id))
        urls[change.pk] = finder.get_edit_url(obj) if obj is not None else None
    return urls


def on_log_entry_saved(sender, instance, created, raw=False, **kwargs):
    """Signal receiver: each new publish log entry is checked for high-risk changes."""
    if raw or not created or _not_recorded.get():
        return
    if instance.action == "wagtail.publish" and instance.revision_id is not None:
        record_publish(instance)


def connect_signals():
    """Listen to page and model log entries (called once, from EditorialConfig.ready)."""
    for model in (PageLogEntry, ModelLogEntry):
        post_save.connect(on_log_entry_saved, sender=model, dispatch_uid=f"high_risk_{model}")
