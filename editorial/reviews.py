"""Review dates across pages and services: what is due, who owns it, confirming it is right.

Wrong safety information hurts people, so every topic page and every
service is checked again on a schedule. This module lists what is due (for
the report, the dashboard panel and the reminder e-mails) and records a
reviewer's "still correct" confirmation as a published revision plus a log
entry (who, when).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import DateField, F, Func, Q, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.log_actions import log
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms import languages
from home.models import TopicPage
from services.models import Service, can_edit_language

CONFIRM_ACTION = "waymark.review_confirmed"
SOON_DAYS = 30


@dataclass
class ReviewItem:
    """One page or service on the review schedule."""

    kind: str  # "page" or "service"
    obj: object
    title: str
    language: str
    last_reviewed: datetime.date | None
    next_due: datetime.date | None
    owner: object

    @property
    def overdue(self):
        return self.next_due is None or self.next_due < timezone.localdate()

    @property
    def kind_label(self):
        return _("Topic page") if self.kind == "page" else _("Service")

    edit_url = None  # set for the person looking (AdminURLFinder with their permissions)
    may_confirm = False

    def __post_init__(self):
        self.edit_url = AdminURLFinder().get_edit_url(self.obj)

    @property
    def confirm_url(self):
        return reverse("waymark_confirm_review", args=[self.kind, self.obj.pk])


class AddDays(Func):
    """A date plus a number of days, in the database (`date + integer` in PostgreSQL)."""

    arity = 2
    output_field = DateField()
    template = "(%(expressions)s)"
    arg_joiner = " + "

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '+' || ",
            **extra,
        )


def _scheduled(queryset, reviewed_on, default_days):
    """The queryset with `next_due` (None: never checked) and the report's sort keys."""
    next_due = AddDays(reviewed_on, Coalesce("review_interval_days", default_days))
    return queryset.annotate(
        next_due=next_due,
        due_order=Coalesce(next_due, Value(datetime.date.min)),
    )


def _due(queryset, overdue_only, due_within):
    today = timezone.localdate()
    if overdue_only:
        return queryset.filter(Q(next_due__isnull=True) | Q(next_due__lt=today))
    if due_within is not None:
        limit = today + datetime.timedelta(days=due_within)
        return queryset.filter(Q(next_due__isnull=True) | Q(next_due__lte=limit))
    return queryset


def due_pages(language=None, overdue_only=False, due_within=None):
    """Live topic pages on the schedule, with `next_due`, filtered in the database."""
    pages = _scheduled(
        TopicPage.objects.live(), "last_reviewed", TopicPage.default_review_interval_days
    )
    if language:
        pages = pages.filter(locale__language_code=language)
    return _due(pages, overdue_only, due_within)


def due_services(language=None, overdue_only=False, due_within=None):
    """Live services on the schedule (their source-language rows, where the details are
    checked), with `next_due`, filtered in the database."""
    # A service's details live on its source-language row: that is what gets checked.
    services = _scheduled(
        Service.objects.sources().filter(live=True),
        "assured_date",
        Service.default_review_interval_days,
    )
    if language:
        services = services.filter(locale__language_code=language)
    return _due(services, overdue_only, due_within)


def editable_by(user, pages, services):
    """Only what `user` may open in the editor: pages under their page permissions, services
    in the languages they work in (as AdminURLFinder decides, in the database)."""
    pages = pages.filter(
        pk__in=PagePermissionPolicy().instances_user_has_permission_for(user, "change").values("pk")
    )
    if not user.has_perm("services.change_service"):
        return pages, services.none()
    codes = [code for code in languages.codes() if can_edit_language(user, code)]
    return pages, services.filter(locale__language_code__in=codes)


class ReviewSchedule:
    """Pages and services due for review, soonest first, as one sequence that is counted and
    sliced in the database (for Paginator): only the slice asked for is loaded."""

    def __init__(self, pages, services, kind=None):
        self.parts = []
        if kind in (None, "", "page"):
            self.parts.append(("page", pages))
        if kind in (None, "", "service"):
            self.parts.append(("service", services))

    def _keys(self):
        keys = [
            queryset.annotate(
                item_kind=Value(name),
                item_pk=F("pk"),
                item_due=F("due_order"),
                item_title=Lower("title" if name == "page" else "name"),
            )
            .order_by()
            .values_list("item_kind", "item_pk", "item_due", "item_title")
            for name, queryset in self.parts
        ]
        if not keys:
            return None
        first, *rest = keys
        return first.union(*rest, all=True) if rest else first

    def count(self):
        return sum(queryset.count() for _name, queryset in self.parts)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        keys = self._keys()
        if keys is None:
            return []
        rows = list(keys.order_by("item_due", "item_title", "item_kind", "item_pk")[index])
        return review_items_for(rows)

    def __iter__(self):
        return iter(self[0 : self.count()])


def review_items_for(rows):
    """ReviewItems for (kind, pk, ...) rows, in their order: two queries per kind at most."""
    page_pks = [row[1] for row in rows if row[0] == "page"]
    service_pks = [row[1] for row in rows if row[0] == "service"]
    pages = (
        TopicPage.objects.select_related("locale", "owner")
        .prefetch_workflow_states()  # whether each may be edited reads it
        .in_bulk(page_pks)
        if page_pks
        else {}
    )
    services = list(
        Service.objects.filter(pk__in=service_pks).select_related("locale") if service_pks else []
    )
    owners = first_revision_users(services) if services else {}
    services = {service.pk: service for service in services}
    items = []
    for kind, pk, *_rest in rows:
        if kind == "page" and pk in pages:
            page = pages[pk]
            items.append(
                ReviewItem(
                    "page",
                    page,
                    page.title,
                    page.locale.language_code,
                    page.last_reviewed,
                    page.next_review_due,
                    page.owner,
                )
            )
        elif kind == "service" and pk in services:
            service = services[pk]
            items.append(
                ReviewItem(
                    "service",
                    service,
                    service.name,
                    service.locale.language_code,
                    service.assured_date,
                    service.next_review_due,
                    owners.get(service.pk),
                )
            )
    return items


def schedule(language=None, kind=None, overdue_only=False, due_within=None, user=None):
    """What is due, soonest first, as a ReviewSchedule (paginate it); with `user`, only
    what they may open."""
    filters = {"language": language, "overdue_only": overdue_only, "due_within": due_within}
    pages, services = due_pages(**filters), due_services(**filters)
    if user is not None:
        pages, services = editable_by(user, pages, services)
    return ReviewSchedule(pages, services, kind)


def review_items(language=None, kind=None, overdue_only=False, due_within=None):
    """Live topic pages and services with their review dates, soonest due first (all of
    them: for the reminder e-mails; the report and the dashboard page through `schedule`)."""
    return list(
        schedule(language=language, kind=kind, overdue_only=overdue_only, due_within=due_within)
    )


def first_revision_users(services):
    """service pk -> the user who created its first revision (one query)."""
    from wagtail.models import Revision

    owners = {}
    revisions = (
        Revision.objects.filter(
            base_content_type__app_label="services",
            base_content_type__model="service",
            object_id__in=[str(service.pk) for service in services],
        )
        .select_related("user")
        .order_by("created_at")
    )
    for revision in revisions:
        owners.setdefault(int(revision.object_id), revision.user)
    return owners


class ReviewRefused(Exception):
    """The confirmation cannot be recorded; the message says why."""


class NotAReviewer(ReviewRefused):
    """The user is not one of the item's reviewers."""


def can_confirm(user, kind, obj):
    """Reviewers of the item's language (those who may publish it) confirm it."""
    if kind == "page":
        return obj.permissions_for_user(user).can_publish()
    return user.has_perm("services.publish_service") and can_edit_language(
        user, obj.locale.language_code
    )


def confirm_review(user, kind, obj):
    """Record that an unchanged, live item is still correct: its dates move on, and a log
    entry says who confirmed it and when.

    The live row and its live revision get the new date directly: confirming is not
    a content change, so it neither creates a revision nor makes translations look
    outdated.
    """
    if kind == "service":
        obj = obj.structure  # a service's details are checked on its source-language row
    if not can_confirm(user, kind, obj):
        raise NotAReviewer(_("You cannot confirm this item: only its reviewers can."))
    if obj.has_unpublished_changes or not obj.live:
        raise ReviewRefused(
            _("This item has unpublished changes: publish or discard them first, then confirm.")
        )
    today = timezone.localdate()
    if kind == "page":
        changes = {"last_reviewed": today}
    else:
        changes = {"assured_date": today, "assurer": user.email or user.get_username()}
    with transaction.atomic():
        type(obj).objects.filter(pk=obj.pk).update(**changes)
        revision = obj.live_revision
        if revision is not None:
            for field, value in changes.items():
                revision.content[field] = (
                    value.isoformat() if hasattr(value, "isoformat") else value
                )
            revision.save(update_fields=["content"])
        for field, value in changes.items():
            setattr(obj, field, value)
        log(obj, CONFIRM_ACTION, user=user)
    return obj
