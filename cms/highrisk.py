"""High-risk changes: a new phone number, text keyword or link; any change to a reporting service.

A stolen editor account does the most harm by swapping a hotline's number
for someone else's. So every change to the ways readers reach help is

- shown to the reviewer in the editor, old value beside new, before approval
  (`HighRiskPanel`, read from the live version and the draft);
- recorded when it is published (`HighRiskChange`, with who proposed it and
  who approved it), from Wagtail's publish log entry, which every way of
  publishing writes: the editor, workflow approval, translations, scheduled
  publishing and imports;
- e-mailed, once published, to every reviewer of the languages whose readers
  see it.

"Facts" are the values that matter, each under a key that stays the same
from one revision to the next (a block's id, a phone's HSDS id), so a
changed value shows as a change, not as one removal and one addition.
"""

import contextlib
import contextvars
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

logger = logging.getLogger(__name__)

WHAT = {
    "phone": _("Phone number"),
    "keyword": _("Text keyword"),
    "url": _("Web address"),
    "email": _("E-mail address"),
    "service": _("Service linked"),
    "category": _("Services listed"),
    "link": _("Link in text"),
    "field": _("Reporting service"),
}

# Besides its words (services.directory.TEXT_FIELDS), what a reporting service says that
# readers act on; any change to them is high-risk.
REPORTING_FIELDS = [
    "status",
    "organization",
    "free",
    "confidential",
    "no_police",
    "police",
    "walk_in",
    "anonymous_testing",
    "always_open",
    "minimum_age",
    "maximum_age",
]
FIELD_TEXT_MAX = 300
HREF = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"", re.IGNORECASE)

_not_recorded = contextvars.ContextVar("waymark_high_risk_not_recorded", default=False)


@contextlib.contextmanager
def not_recorded():
    """Publish without recording (loading the demo's first content is not a change)."""
    token = _not_recorded.set(True)
    try:
        yield
    finally:
        _not_recorded.reset(token)


@dataclass(frozen=True)
class Fact:
    """One value readers act on: what it is, which contact or field it belongs to, the value."""

    what: str
    where: str
    value: str


# -- facts -------------------------------------------------------------------


def facts_of(obj):
    """The high-risk facts of a page, a service or the reader settings, by stable key."""
    from wagtail.models import Page

    from cms.models import ReaderSettings
    from services.models import Service

    if isinstance(obj, Service):
        return service_facts(obj)
    if isinstance(obj, Page):
        return page_facts(obj)
    if isinstance(obj, ReaderSettings):
        return settings_facts(obj)
    return {}


def page_facts(page):
    """Contacts, chosen services and links in every StreamField and rich text field of a page."""
    from wagtail.fields import RichTextField, StreamField

    facts = {}
    for field in page._meta.concrete_fields:
        value = getattr(page, field.name, None)
        if isinstance(field, StreamField) and value is not None:
            _walk_stream(value, field.name, facts)
        elif isinstance(field, RichTextField):
            _links(value or "", field.name, str(field.verbose_name), facts)
    return facts


def _walk_stream(stream, path, facts):
    for child in stream:
        _walk(child.block, child.value, f"{path}.{child.id}", str(child.block.label), facts)


def _walk(block, value, path, where, facts):
    from wagtail import blocks

    from home.blocks import ContactBlock
    from services.blocks import GetHelpBlock, ServiceChooserBlock

    if value is None:
        return
    if isinstance(block, ContactBlock):
        _contact(value, path, facts)
    elif isinstance(block, ServiceChooserBlock):
        facts[path] = Fact("service", where, str(value))
    elif isinstance(block, blocks.RichTextBlock):
        _links(value.source, path, where, facts)
    elif isinstance(block, blocks.StreamBlock):
        _walk_stream(value, path, facts)
    elif isinstance(block, blocks.ListBlock):
        for item in value.bound_blocks:
            _walk(block.child_block, item.value, f"{path}.{item.id}", where, facts)
    elif isinstance(block, blocks.StructBlock):
        if isinstance(block, GetHelpBlock):
            where = value.get("heading") or where
            if value.get("category"):
                facts[f"{path}.category"] = Fact("category", where, value["category"])
        for name, child_block in block.child_blocks.items():
            _walk(child_block, value.get(name), f"{path}.{name}", where, facts)


def _contact(value, path, facts):
    from cms.phones import display_phone

    where = value.get("label") or ""
    if value.get("service") is not None:
        facts[f"{path}.service"] = Fact("service", where, str(value["service"]))
    if value.get("phone"):
        kind = "text" if value.get("kind") == "text" else "call"
        facts[f"{path}.phone"] = Fact("phone", where, f"{kind}: {display_phone(value['phone'])}")
    if value.get("keyword"):
        facts[f"{path}.keyword"] = Fact("keyword", where, value["keyword"])
    if value.get("url"):
        facts[f"{path}.url"] = Fact("url", where, value["url"])


def _links(html, path, where, facts):
    for href in dict.fromkeys(HREF.findall(html)):
        facts[f"{path}.link.{href}"] = Fact("link", where, href)


def service_facts(service):
    """A source service's phones, keywords, website and e-mail; every field of a reporting one."""
    facts = {}
    if service.is_source:
        for phone in service.phones.all():
            key = f"phone.{phone.hsds_id}"
            number = phone.display + (f" ext. {phone.extension}" if phone.extension else "")
            facts[key] = Fact("phone", phone.kind, f"{phone.kind}: {number}")
            if phone.sms_keyword:
                facts[f"{key}.keyword"] = Fact("keyword", phone.kind, phone.sms_keyword)
        if service.url:
            facts["url"] = Fact("url", "website", service.url)
        if service.email:
            facts["email"] = Fact("email", "email", service.email)
    if is_reporting(service):
        from services.directory import TEXT_FIELDS

        for name in [*TEXT_FIELDS, *REPORTING_FIELDS]:
            facts[f"field.{name}"] = Fact("field", name, _field_text(service, name))
        facts["field.reporting"] = Fact("field", "categories", "reporting")
    return facts


def is_reporting(service):
    """Whether readers find this service under "Reporting" (decided on its source row)."""
    from services.models import Category

    structure = service if service.is_source else service.structure
    return any(category.code == Category.Code.REPORTING for category in structure.categories.all())


def _field_text(service, name):
    value = getattr(service, name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = "" if value is None else str(value)
    return text if len(text) <= FIELD_TEXT_MAX else text[: FIELD_TEXT_MAX - 1] + "…"


def settings_facts(reader_settings):
    """The emergency number on every page, and where "Exit this page" sends the reader."""
    return {
        "emergency_number": Fact("phone", "emergency_number", reader_settings.emergency_number),
        "exit_url": Fact("url", "exit_url", reader_settings.exit_url),
    }


def compare(old, new):
    """What changed between two sets of facts: [{"what", "where", "old", "new"}], in order.

    A value removed and another added in the same place (a phone deleted and a new one
    added, a link's address replaced) read as one change from the old value to the new.
    """
    changes, added = [], {}
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if (before.value if before else "") == (after.value if after else ""):
            continue
        fact = after or before
        change = {
            "what": fact.what,
            "where": fact.where,
            "old": before.value if before else "",
            "new": after.value if after else "",
        }
        if before is None:
            added.setdefault((fact.what, fact.where), []).append(change)
        changes.append(change)
    for change in list(changes):
        replacements = added.get((change["what"], change["where"]))
        if change["new"] == "" and replacements:
            replacement = replacements.pop(0)
            change["new"] = replacement["new"]
            changes.remove(replacement)
    return changes


# -- reading the stored values for people ------------------------------------


def describe(change):
    """One change as staff read it, in the active language: (what, where, old, new)."""
    from cms.models import ReaderSettings
    from services.models import Service, ServicePhone

    what, where = change["what"], change["where"]
    kinds = dict(ServicePhone.Kind.choices)
    if what == "field":
        where = str(_verbose_name(Service, where))
    elif where in ("emergency_number", "exit_url"):
        where = str(_verbose_name(ReaderSettings, where))
    elif where in ("website", "email"):
        where = str(_verbose_name(Service, "url" if where == "website" else "email"))
    elif where in kinds:
        where = str(kinds[where])
    return (
        str(WHAT.get(what, what)),
        where,
        _value(what, change["old"]),
        _value(what, change["new"]),
    )


def _verbose_name(model, name):
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:  # a field removed since the change was recorded
        return name


def _value(what, value):
    """A stored value as staff read it: a phone's kind, a category and yes/no in their words."""
    from services.models import Category, ServicePhone

    if what == "phone":
        kinds = {**dict(ServicePhone.Kind.choices), "call": _("Call"), "text": _("Text (SMS)")}
        prefix, sep, rest = value.partition(": ")
        if sep and prefix in kinds:
            return f"{kinds[prefix]}: {rest}"
    elif what in ("category", "field") and value in Category.Code.values:
        return str(Category.Code(value).label)
    elif what == "field" and value in ("yes", "no"):
        return gettext("yes") if value == "yes" else gettext("no")
    return value


# -- marking drafts in review ------------------------------------------------


def pending_changes(obj):
    """High-risk changes between the live version of a page or service and this draft of it."""
    from wagtail.models import Revision

    if obj is None or obj.pk is None:
        return []
    live_revision_id = (
        type(obj)._default_manager.filter(pk=obj.pk).values_list("live_revision", flat=True).first()
    )
    live = Revision.objects.filter(pk=live_revision_id).first() if live_revision_id else None
    old = facts_of(live.as_object()) if live else {}
    return compare(old, facts_of(obj))


class HighRiskPanel(Panel):
    """Shows the editor and the reviewer every high-risk change the draft makes, old beside new."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("High-risk changes"))
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return "high_risk_changes"

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/panels/high_risk.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.changes = [describe(change) for change in pending_changes(self.instance)]

        def is_shown(self):
            return bool(self.changes)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["changes"] = self.changes
            return context


def awaiting_review(user, limit=20):
    """Drafts in review that this user may approve and that make high-risk changes, newest
    first: [{"title", "edit_url", "changes"}] (for the dashboard)."""
    from wagtail.models import TaskState

    from cms.reviews import admin_edit_url
    from services.models import Service

    states = (
        TaskState.objects.reviewable_by(user)
        .filter(status=TaskState.STATUS_IN_PROGRESS)
        .select_related("workflow_state")
        .order_by("-started_at")[:limit]
    )
    items = []
    for state in states:
        obj = state.workflow_state.content_object
        if obj is None:
            continue
        draft = obj.get_latest_revision_as_object()
        changes = [describe(change) for change in pending_changes(draft)]
        if changes:
            kind = "service" if isinstance(obj, Service) else "page"
            items.append(
                {"title": str(draft), "edit_url": admin_edit_url(kind, obj.pk), "changes": changes}
            )
    return items


def warn_in_translation_editor(request, obj):
    """Translations are reviewed in wagtail-localize's editor, which has no panels: the same
    marking arrives there as a warning at the top of the page."""
    from django.contrib import messages
    from django.utils.html import format_html, format_html_join

    if request.method != "GET" or not hasattr(obj, "get_latest_revision_as_object"):
        return
    locale = getattr(obj, "locale", None)
    if locale is None or locale.language_code == settings.LANGUAGE_CODE:
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


# -- recording what is published ---------------------------------------------


def record_publish(entry):
    """Record the high-risk changes a publish log entry made live, and e-mail the reviewers."""
    from wagtail.models import Page, PageLogEntry

    from cms.models import HighRiskChange
    from services.models import Service

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
        reporting=is_service and is_reporting(new_object),
        proposed_by=_proposer(obj, revision, previous),
        approved_by=approver,
        published_at=entry.timestamp,
    )
    languages = _languages_seeing(obj, changes)
    transaction.on_commit(lambda: notify(change.pk, languages), robust=True)
    return change


def record_settings_change(reader_settings, old, user):
    """Record a change to the emergency number or the exit destination (saved without review)."""
    from cms.models import HighRiskChange

    changes = compare(old, settings_facts(reader_settings))
    if not changes:
        return None
    change = HighRiskChange.objects.create(
        kind=HighRiskChange.Kind.SETTINGS,
        object_id=str(reader_settings.pk),
        title=str(reader_settings._meta.verbose_name),
        changes=changes,
        proposed_by=user,
        approved_by=user,
    )
    languages = [code for code, _name in settings.LANGUAGES]
    transaction.on_commit(lambda: notify(change.pk, languages), robust=True)
    return change


def _approver(entry):
    """Who made it live: the publisher, or whoever scheduled it or saved the translation."""
    from wagtail.models import ModelLogEntry, PageLogEntry

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
    """Who asked for the change: whoever submitted it for review, else the revision's author."""
    from wagtail.models import WorkflowState

    states = WorkflowState.objects.filter(
        base_content_type_id=revision.base_content_type_id, object_id=revision.object_id
    )
    if previous is not None:
        states = states.filter(created_at__gte=previous.timestamp)
    state = states.exclude(requested_by=None).order_by("-created_at").first()
    return state.requested_by if state else revision.user


def _languages_seeing(obj, changes):
    """Languages whose readers see the change: a source service's contacts reach them all."""
    from services.models import Service

    languages = [obj.locale.language_code]
    structural = any(change["what"] != "field" for change in changes)
    if isinstance(obj, Service) and obj.is_source and structural:
        languages += list(
            Service.objects.filter(translation_key=obj.translation_key, live=True)
            .exclude(pk=obj.pk)
            .values_list("locale__language_code", flat=True)
        )
    return list(dict.fromkeys(languages))


# -- telling the reviewers ---------------------------------------------------


def reviewers_of(languages):
    """Active reviewers of these languages who have an e-mail address."""
    from django.contrib.auth import get_user_model

    from cms.roles import reviewer_group

    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name__in=[reviewer_group(code) for code in languages]
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def notify(change_pk, languages):
    """E-mail one message to each reviewer of the languages, in their admin language."""
    from django.core.mail import EmailMessage, mailers
    from wagtail.users.models import UserProfile

    from cms.models import HighRiskChange

    change = HighRiskChange.objects.select_related("locale", "proposed_by", "approved_by").get(
        pk=change_pk
    )
    messages = []
    for user in reviewers_of(languages):
        language = UserProfile.get_for_user(user).get_preferred_language()
        with translation.override(language):
            subject, body = _message(change)
        messages.append(EmailMessage(subject, body, None, [user.email]))
    try:
        if messages:
            mailers.default.send_messages(messages)
    except Exception:
        # The change is live and recorded either way; the report shows it was not sent.
        logger.exception("High-risk change %s: the reviewers' e-mail could not be sent", change.pk)
        HighRiskChange.objects.filter(pk=change.pk).update(notice_failed=True)
        return 0
    HighRiskChange.objects.filter(pk=change.pk).update(notified=len(messages))
    return len(messages)


def _message(change):
    from django.urls import reverse

    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "")
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
        "",
        gettext("All high-risk changes: %(url)s")
        % {"url": base + reverse("waymark_high_risk_changes")},
    ]
    if change.kind != change.Kind.SETTINGS:
        lines.append(gettext("Edit: %(url)s") % {"url": base + edit_url(change)})
    return subject, "\n".join(lines)


def _person(user):
    if user is None:
        return gettext("no one (an import or a command)")
    return user.get_full_name() or user.get_username()


def edit_url(change):
    """Where the changed item is edited in the admin."""
    from django.urls import reverse

    from cms.reviews import admin_edit_url

    if change.kind == change.Kind.SETTINGS:
        return reverse("wagtailsettings:edit", args=["cms", "readersettings"])
    return admin_edit_url(change.kind, change.object_id)


def on_log_entry_saved(sender, instance, created, raw=False, **kwargs):
    """Signal receiver: each new publish log entry is checked for high-risk changes."""
    if raw or not created or _not_recorded.get():
        return
    if instance.action == "wagtail.publish" and instance.revision_id is not None:
        record_publish(instance)


def connect_signals():
    """Listen to page and model log entries (called once, from CmsConfig.ready)."""
    from django.db.models.signals import post_save
    from wagtail.models import ModelLogEntry, PageLogEntry

    for model in (PageLogEntry, ModelLogEntry):
        post_save.connect(on_log_entry_saved, sender=model, dispatch_uid=f"high_risk_{model}")
