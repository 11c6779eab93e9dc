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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.log_actions import log

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


def review_items(language=None, kind=None, overdue_only=False, due_within=None):
    """Live topic pages and services with their review dates, soonest due first."""
    today = timezone.localdate()
    items = []
    if kind in (None, "", "page"):
        pages = TopicPage.objects.live().select_related("locale", "owner")
        if language:
            pages = pages.filter(locale__language_code=language)
        for page in pages:
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
    if kind in (None, "", "service"):
        # A service's details live on its source-language row: that is what gets checked.
        services = Service.objects.sources().filter(live=True).select_related("locale")
        if language:
            services = services.filter(locale__language_code=language)
        services = list(services)
        owners = first_revision_users(services)
        for service in services:
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
    if overdue_only:
        items = [item for item in items if item.overdue]
    elif due_within is not None:
        limit = today + datetime.timedelta(days=due_within)
        items = [item for item in items if item.next_due is None or item.next_due <= limit]
    items.sort(key=lambda item: (item.next_due or datetime.date.min, item.title.casefold()))
    return items


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
