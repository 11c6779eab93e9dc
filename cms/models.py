"""Models shared by every reader page type: site settings, review dates, reader feedback,
and the record of high-risk changes."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .fields import WebAddressField


@register_setting(icon="site")
class ReaderSettings(BaseSiteSetting):
    """What every reader page shows around its content, set per site by administrators."""

    emergency_number = models.CharField(
        _("emergency number"),
        max_length=16,
        default="911",
        help_text=_("Shown on every page in the 'In immediate danger?' strip."),
    )
    exit_url = WebAddressField(
        _("exit destination"),
        default="https://www.bbc.co.uk/weather",
        help_text=_(
            "Where 'Exit this page' sends the reader: a neutral, everyday site "
            "that does not hint at what they were reading."
        ),
    )
    show_sample_notice = models.BooleanField(
        _("show 'sample content' notice"),
        default=True,
        help_text=_(
            "Tell readers on every page that the content is sample text whose "
            "facts are not verified. Turn off once real, checked content is live."
        ),
    )

    panels = [
        FieldPanel("emergency_number"),
        FieldPanel("exit_url"),
        FieldPanel("show_sample_notice"),
    ]

    class Meta:
        verbose_name = _("reader settings")


class ReviewSchedule:
    """When an item must be checked again, counted from `reviewed_on` (pages and services).

    Subclasses give `reviewed_on`, a `review_interval_days` field and a default.
    """

    default_review_interval_days = 180

    @property
    def review_interval(self):
        """The interval in force: this item's own, or its type's default."""
        days = self.review_interval_days or self.default_review_interval_days
        return datetime.timedelta(days=days)

    @property
    def next_review_due(self):
        """The date by which a reviewer must check this content again (None: never checked)."""
        if self.reviewed_on is None:
            return None
        return self.reviewed_on + self.review_interval

    @property
    def review_overdue(self):
        """Never checked, or the next review date has passed."""
        due = self.next_review_due
        return due is None or due < timezone.localdate()


class ReviewDates(ReviewSchedule, models.Model):
    """When content was last checked and when it must be checked again (NHS pattern)."""

    last_reviewed = models.DateField(_("last reviewed"), default=datetime.date.today)
    review_interval_days = models.PositiveSmallIntegerField(
        _("review interval (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the default for this kind of content."),
    )

    review_panels = [
        MultiFieldPanel(
            [FieldPanel("last_reviewed"), FieldPanel("review_interval_days")],
            heading=_("Review"),
        )
    ]

    class Meta:
        abstract = True

    @property
    def reviewed_on(self):
        return self.last_reviewed


class Feedback(models.Model):
    """A reader's report that something on a page is wrong, kept for editors to act on.

    Nothing identifies the reader: no IP address, no cookie, no account; only
    what they chose to write, and a way to reach them if they gave one.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in progress", _("In progress")
        DONE = "done", _("Done")

    MESSAGE_MAX = 2000
    CONTACT_MAX = 200

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    path = models.CharField(_("address"), max_length=300)
    locale = models.ForeignKey(
        "wagtailcore.Locale", verbose_name=_("language"), on_delete=models.PROTECT
    )
    message = models.TextField(_("what is wrong"), max_length=MESSAGE_MAX)
    contact = models.CharField(_("contact"), max_length=CONTACT_MAX, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    notes = models.TextField(_("editor's notes"), blank=True)
    # Set by the page's script for a report queued offline, so a retry is stored once.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    panels = [
        FieldPanel("status"),
        FieldPanel("notes"),
        FieldPanel("message", read_only=True),
        FieldPanel("contact", read_only=True),
        FieldPanel("path", read_only=True),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reader feedback")
        verbose_name_plural = _("reader feedback")

    def __str__(self):
        return self.message[:60]


class Source(models.Model):
    """Where a claim comes from: a title, a web address or a document, and when it was read.

    Pages and services each keep their own list (see `PageSource` in home and
    `ServiceSource` in services); readers see it under "Sources".
    """

    title = models.CharField(_("title"), max_length=255)
    url = models.URLField(_("web address"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accessed = models.DateField(_("date accessed"), null=True, blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("url"),
        FieldPanel("document"),
        FieldPanel("accessed"),
    ]

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.url and not self.document_id:
            raise ValidationError(_("Give a web address or choose a document."))
        if self.url and not self.url.startswith(("https://", "http://")):
            raise ValidationError({"url": _("Give a web address starting with https://.")})

    @property
    def href(self):
        if self.document_id:
            return self.document.url
        return self.url


class HighRiskChange(models.Model):
    """A published change to how readers reach help (a number, a text keyword, a link) or to a
    reporting service, kept so reviewers can check it and see who proposed and approved it.
    """

    class Kind(models.TextChoices):
        PAGE = "page", _("Page")
        SERVICE = "service", _("Service")
        SETTINGS = "settings", _("Reader settings")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    object_id = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=255)
    locale = models.ForeignKey(
        "wagtailcore.Locale",
        verbose_name=_("language"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [{"what": "phone", "where": "Hotline", "old": "(203) 854-3011", "new": "(203) 555-0100"}]
    changes = models.JSONField(_("changes"), default=list)
    reporting = models.BooleanField(_("reporting service"), default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    notified = models.PositiveIntegerField(_("reviewers e-mailed"), default=0)
    notice_failed = models.BooleanField(_("e-mail not sent"), default=False)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("high-risk change")
        verbose_name_plural = _("high-risk changes")

    def __str__(self):
        return self.title
