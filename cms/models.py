"""Models every reader page type shares: the reader settings, review dates and sources; and
the caches' list of what they must still forget."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .fields import WebAddressField
from .highrisk import Fact


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

    def high_risk_facts(self):
        """The emergency number on every page, and where "Exit this page" sends the reader."""
        return {
            "emergency_number": Fact("phone", "emergency_number", self.emergency_number),
            "exit_url": Fact("url", "exit_url", self.exit_url),
        }


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


class Source(models.Model):
    """Where a claim comes from: a title, a web address or a document, and when it was read.

    Pages and services each keep their own list (see `PageSource` in home and
    `ServiceSource` in services); readers see it under "Sources".
    """

    title = models.CharField(_("title"), max_length=255)
    url = WebAddressField(_("web address"), blank=True)
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

    @property
    def href(self):
        if self.document_id:
            return self.document.url
        return self.url


class PendingInvalidation(models.Model):
    """What the caches must forget after a change: written in the change's own transaction,
    applied once it commits, and deleted only when Redis and the proxy have both done it.

    If the process that made the change dies after the commit, or Redis or the proxy
    fails, the row stays, and any app server applies it on its next sweep
    (`cms.caching.apply_pending`): a corrected number never waits for a cache to expire.
    Never shown to anyone: no words to translate.
    """

    # Plain text (language codes separated by spaces, URLs one a line): the foundation's
    # tables need nothing of the database but text.
    languages = models.TextField(default="")
    urls = models.TextField(default="", blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # Who is applying it, until when (cms.caching.apply_pending): never two at once.
    claim = models.CharField(max_length=32, blank=True, default="", db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.languages} since {self.created_at:%Y-%m-%d %H:%M:%S}"
