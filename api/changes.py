"""What changed since a moment: for the changes feed, HSDS `modified_after` and Last-Modified.

A page or service *changed* at the latest of: the last publication of any of its
translations (its record links them, and a service's record carries their words) and the
last ChangeEvent of its translation key (unpublished, deleted, moved, made private or
public again, its organization or location edited). What changed and is visible now is
sent again; what changed and is not visible (any more) is a removal.

Events are written from Wagtail's and Django's signals, inside the change's own
transaction, so they exist exactly when the change does.
"""

import base64
import binascii
import datetime
import json

from django.conf import settings
from django.db.models import Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_unpublished, post_page_move, unpublished

from services.models import Location, Organization, Service, ServiceLocation

from .models import ChangeEvent
from .problems import ApiError

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
Kind = ChangeEvent.Kind
Reason = ChangeEvent.Reason


# -- visible now -------------------------------------------------------------------


def visible_pages():
    """Pages a reader can open: live, public (no view restriction on them or above), in a site."""
    return Page.objects.live().public().filter(depth__gt=1)


def live_services():
    """The services the directory API carries: live source-language rows, as export_hsds."""
    return Service.objects.sources().filter(live=True)


# -- recording -----------------------------------------------------------------------


def _keep_from():
    return timezone.now() - datetime.timedelta(days=settings.WAYMARK_API_CHANGES_KEEP_DAYS)


def record(events):
    """Store events, and forget those older than what the feed keeps (an indexed delete)."""
    if events:
        ChangeEvent.objects.bulk_create(events)
        ChangeEvent.objects.filter(at__lt=_keep_from()).delete()


def _page_event(page, reason, at):
    locale = page.locale.language_code if page.locale_id else ""
    return ChangeEvent(
        kind=Kind.PAGE,
        reason=reason,
        translation_key=page.translation_key,
        page_id=page.pk,
        language_code=locale,
        at=at,
    )


def _page_and_below(page, reason):
    """An event for the page and for every page under it (moves and privacy reach them all)."""
    at = timezone.now()
    rows = Page.objects.descendant_of(page, inclusive=True).values_list(
        "pk", "translation_key", "locale__language_code"
    )
    record(
        [
            ChangeEvent(
                kind=Kind.PAGE,
                reason=reason,
                translation_key=key,
                page_id=pk,
                language_code=code,
                at=at,
            )
            for pk, key, code in rows
        ]
    )


def page_unpublished_handler(sender, instance, **kwargs):
    record([_page_event(instance, Reason.UNPUBLISHED, timezone.now())])


def page_deleted_handler(sender, instance, **kwargs):
    record([_page_event(instance, Reason.DELETED, timezone.now())])


def page_moved_handler(sender, instance, **kwargs):
    _page_and_below(instance, Reason.MOVED)


def restriction_changed_handler(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        _page_and_below(page, Reason.PRIVACY)


def _service_event(service, reason):
    locale = service.locale.language_code if service.locale_id else ""
    return ChangeEvent(
        kind=Kind.SERVICE,
        reason=reason,
        translation_key=service.translation_key,
        language_code=locale,
        at=timezone.now(),
    )


def service_unpublished_handler(sender, instance, **kwargs):
    record([_service_event(instance, Reason.UNPUBLISHED)])


def service_deleted_handler(sender, instance, **kwargs):
    record([_service_event(instance, Reason.DELETED)])


def _services_touched(keys):
    at = timezone.now()
    record(
        [
            ChangeEvent(
                kind=Kind.SERVICE,
                reason=Reason.SHARED,
                translation_key=key,
                language_code="",
                at=at,
            )
            for key in sorted(set(keys), key=str)
        ]
    )


def organization_saved_handler(sender, instance, created=False, **kwargs):
    if not created:
        _services_touched(
            live_services().filter(organization=instance).values_list("translation_key", flat=True)
        )


def location_saved_handler(sender, instance, created=False, **kwargs):
    if not created:
        _services_touched(
            ServiceLocation.objects.filter(location=instance).values_list(
                "service__translation_key", flat=True
            )
        )


def connect_signals():
    """From ApiConfig.ready(): every way of unpublishing, deleting or moving sends these."""
    uid = "waymark-api-changes"
    page_unpublished.connect(page_unpublished_handler, dispatch_uid=f"{uid}-page-unpublished")
    post_delete.connect(page_deleted_handler, sender=Page, dispatch_uid=f"{uid}-page-deleted")
    post_page_move.connect(page_moved_handler, dispatch_uid=f"{uid}-page-moved")
    for signal in (post_save, post_delete):
        signal.connect(
            restriction_changed_handler,
            sender=PageViewRestriction,
            dispatch_uid=f"{uid}-restriction-{signal is post_save}",
        )
    unpublished.connect(
        service_unpublished_handler, sender=Service, dispatch_uid=f"{uid}-service-unpublished"
    )
    post_delete.connect(
        service_deleted_handler, sender=Service, dispatch_uid=f"{uid}-service-deleted"
    )
    post_save.connect(
        organization_saved_handler, sender=Organization, dispatch_uid=f"{uid}-organization"
    )
    post_save.connect(location_saved_handler, sender=Location, dispatch_uid=f"{uid}-location")


# -- when each record changed ----------------------------------------------------------


def _latest(queryset, field):
    """A subquery: the latest `field` among rows of the outer row's translation key."""
    return Coalesce(
        Subquery(
            queryset.filter(translation_key=OuterRef("translation_key"))
            .order_by()
            .values("translation_key")
            .annotate(latest=Max(field))
            .values("latest")[:1]
        ),
        Value(EPOCH),
    )


def with_changed_at(queryset, kind):
    """Annotate pages or services with `changed_at` (see the module docstring)."""
    model = Page if kind == Kind.PAGE else Service
    published = _latest(model.objects.filter(live=True), "last_published_at")
    happened = _latest(ChangeEvent.objects.filter(kind=kind), "at")
    return queryset.annotate(changed_at=Greatest(published, happened))


def changed_services(since=None):
    """Live source services, with `changed_at`, changed on or after `since` (all if None)."""
    services = with_changed_at(live_services(), Kind.SERVICE)
    if since is not None:
        services = services.filter(changed_at__gte=since)
    return services


def last_change():
    """When anything the APIs show last changed, for Last-Modified (three small aggregates)."""
    found = [
        Page.objects.filter(live=True).aggregate(at=Max("last_published_at"))["at"],
        Service.objects.filter(live=True).aggregate(at=Max("last_published_at"))["at"],
        ChangeEvent.objects.aggregate(at=Max("at"))["at"],
    ]
    found = [value for value in found if value is not None]
    return max(found) if found else None


# -- the feed ---------------------------------------------------------------------------

# Within one moment, pages come before services, changes before removals; then by id.
RANK = {"page": 0, "service": 1, "removed-page": 2, "removed-service": 3}


class Position:
    """A place in the stream of changes: (moment, rank, id). The cursor is its encoding, with
    when the client's copy was last known complete (`issued`: older than the kept removals
    means a removal may have been forgotten)."""

    def __init__(self, at, rank=-1, ident=0, issued=None):
        self.at, self.rank, self.ident = at, rank, ident
        self.issued = issued or at

    def key(self):
        return (self.at, self.rank, self.ident)

    def encode(self, language_code, issued=None):
        stamp = (issued or self.issued).isoformat()
        raw = json.dumps([language_code, self.at.isoformat(), self.rank, self.ident, stamp])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token, language_code):
        try:
            padded = token + "=" * (-len(token) % 4)
            code, at, rank, ident, issued = json.loads(base64.urlsafe_b64decode(padded.encode()))
            at = datetime.datetime.fromisoformat(at)
            issued = datetime.datetime.fromisoformat(issued)
            if timezone.is_naive(at) or timezone.is_naive(issued):
                raise ValueError(token)
            if not isinstance(rank, int) or not isinstance(ident, int) or not isinstance(code, str):
                raise ValueError(token)
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise ApiError(
                "cursor is not one this feed gave: start again without it.", parameter="cursor"
            ) from None
        if code != language_code:
            raise ApiError(
                f"This cursor belongs to the {code!r} feed, not {language_code!r}.",
                parameter="cursor",
            )
        return cls(at, rank, ident, issued)

    def after(self, rank, field):
        """Rows of `rank` strictly after this position, their moment in `changed_at`."""
        if rank < self.rank:
            return Q(changed_at__gt=self.at)
        if rank > self.rank:
            return Q(changed_at__gte=self.at)
        return Q(changed_at__gt=self.at) | Q(changed_at=self.at, **{f"{field}__gt": self.ident})


def check_not_expired(position):
    if position is not None and position.issued < _keep_from():
        raise ApiError(
            "This feed no longer remembers removals that old: sync again from empty "
            "(no cursor, no modified_after).",
            status=410,
        )


def feed(language_code, position, limit, include_removals):
    """Up to `limit` entries after `position`, oldest first: [(rank, id, moment)], has_more.

    Four queries of at most limit + 1 rows each, whatever the size of the site.
    """
    start = position or Position(EPOCH - datetime.timedelta(days=1))
    pages = visible_pages().filter(locale__language_code=language_code)
    sources = []
    changed_pages = (
        with_changed_at(pages, Kind.PAGE)
        .filter(start.after(RANK["page"], "pk"))
        .order_by("changed_at", "pk")
        .values_list("pk", "changed_at")[: limit + 1]
    )
    sources.append(("page", changed_pages))
    changed = (
        changed_services()
        .filter(start.after(RANK["service"], "pk"))
        .order_by("changed_at", "pk")
        .values_list("pk", "changed_at")[: limit + 1]
    )
    sources.append(("service", changed))
    if include_removals:
        removed_pages = (
            ChangeEvent.objects.filter(kind=Kind.PAGE, language_code=language_code)
            .exclude(page_id__in=pages.values("pk"))
            .order_by()
            .values("page_id")
            .annotate(changed_at=Max("at"))
            .filter(start.after(RANK["removed-page"], "page_id"))
            .order_by("changed_at", "page_id")
            .values_list("page_id", "changed_at")[: limit + 1]
        )
        sources.append(("removed-page", removed_pages))
        removed_services = (
            ChangeEvent.objects.filter(kind=Kind.SERVICE)
            .exclude(translation_key__in=live_services().values("translation_key"))
            .order_by()
            .values("translation_key")
            .annotate(changed_at=Max("at"), ident=Max("id"))
            .filter(start.after(RANK["removed-service"], "ident"))
            .order_by("changed_at", "ident")
            .values_list("ident", "changed_at", "translation_key")[: limit + 1]
        )
        sources.append(("removed-service", removed_services))
    entries = []
    for name, rows in sources:
        for row in rows:
            entries.append((row[1], RANK[name], row[0], name, row[2] if len(row) > 2 else None))
    entries.sort(key=lambda entry: entry[:3])
    return entries[:limit], len(entries) > limit


def next_position(entries, has_more, given):
    """Where the next call starts: after the last entry, but never later than the settle
    window before now, so a change whose transaction commits late is still sent (again)."""
    if entries:
        last = entries[-1]
        position = Position(last[0], last[1], last[2])
    else:
        position = given
    if has_more:
        return position
    settle = datetime.timedelta(seconds=settings.WAYMARK_API_SETTLE_SECONDS)
    settled = Position(timezone.now() - settle)
    if position is None or position.key() > settled.key():
        return settled
    return position
