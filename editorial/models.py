"""Editorial records: readers' reports of mistakes (the feedback inbox) and the record of every
high-risk change that went live.

Both began in `cms` and moved here with state-only migrations: their tables keep
their first names (`cms_feedback`, `cms_highriskchange`), and their content types
and permissions moved with them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


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
        db_table = "cms_feedback"
        ordering = ["-created_at"]
        verbose_name = _("reader feedback")
        verbose_name_plural = _("reader feedback")

    def __str__(self):
        return self.message[:60]


class HighRiskChange(models.Model):
    """A published change to how readers reach help (a number, a text keyword, a link) or to a
    reporting service, kept so reviewers can check it and see who proposed and approved it.
    """

    class Kind(models.TextChoices):
        PAGE = "page", _("Page")
        SERVICE = "service", _("Service")
        SETTINGS = "settings", _("Reader settings")
        LOCATION = "location", _("Location")
        ORGANIZATION = "organization", _("Organization")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
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
    # For a translation: the change to its source that it carries into its language, with
    # who proposed and approved that one.
    source_change = models.ForeignKey(
        "self",
        verbose_name=_("change to the source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translated_as",
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    notified = models.PositiveIntegerField(_("reviewers e-mailed"), default=0)
    notice_failed = models.BooleanField(_("e-mail not sent"), default=False)

    class Meta:
        db_table = "cms_highriskchange"
        ordering = ["-published_at", "-pk"]
        verbose_name = _("high-risk change")
        verbose_name_plural = _("high-risk changes")

    def __str__(self):
        return self.title


class DemoLoad(models.Model):
    """When `load_demo` finished loading the demo content. Once it has, a rerun (every
    `make run`) leaves content alone: what people edited, reviewed, published or deleted
    since stays as they left it."""

    # Never shown in the admin or to readers: no words to translate.
    finished_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return str(self.finished_at)
