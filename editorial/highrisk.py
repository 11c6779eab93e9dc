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

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import (
    ModelLogEntry,
    Page,
    PageLogEntry,
    TaskState,
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
    first: [{"title", "edit_url", "changes"}] (for the dashboard)."""
    states = (
        TaskState.objects.reviewable_by(user)
        .filter(status=TaskState.STATUS_IN_PROGRESS)
        .select_related("workflow_state")
        .order_by("-started_at")[:limit]
    )
    finder = AdminURLFinder()
    items = []
    for state in states:
        obj = state.workflow_state.content_object
        if obj is None:
            continue
        draft = obj.get_latest_revision_as_object()
        changes = [describe(change) for change in pending_changes(draft)]
        if changes:
            items.append(
                {"title": str(draft), "edit_url": finder.get_edit_url(obj), "changes": changes}
            )
    return items


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
