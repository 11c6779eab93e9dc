"""Models shared by every reader page type: site settings and review dates."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class ReaderSettings(BaseSiteSetting):
    """What every reader page shows around its content, set per site by administrators."""

    emergency_number = models.CharField(
        _("emergency number"),
        max_length=16,
        default="911",
        help_text=_("Shown on every page in the 'In immediate danger?' strip."),
    )
    exit_url = models.URLField(
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


class ReviewDates(models.Model):
    """When content was last checked and when it must be checked again (NHS pattern)."""

    default_review_interval_days = 180

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
    def review_interval(self):
        """The interval in force: this item's own, or its type's default."""
        days = self.review_interval_days or self.default_review_interval_days
        return datetime.timedelta(days=days)

    @property
    def next_review_due(self):
        """The date by which a reviewer must check this content again."""
        return self.last_reviewed + self.review_interval

    @property
    def review_overdue(self):
        """Whether the next review date has passed."""
        return self.next_review_due < timezone.localdate()
