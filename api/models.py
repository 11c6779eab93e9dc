"""What happened to content that its own rows cannot tell: a record per unpublish, delete,
move, privacy change or shared-data edit, so the changes feed can say what to remove.

A publish needs no record (`last_published_at` says it). Rows are small (no text) and
are kept `WAYMARK_API_CHANGES_KEEP_DAYS`; a client whose cursor is older syncs from empty.
"""

from django.db import models
from django.utils import timezone


class ChangeEvent(models.Model):
    """Something changed a page or service without publishing it: look it up again."""

    class Kind(models.TextChoices):
        PAGE = "page", "page"
        SERVICE = "service", "service"

    class Reason(models.TextChoices):
        UNPUBLISHED = "unpublished", "unpublished"
        DELETED = "deleted", "deleted"
        MOVED = "moved", "moved"
        PRIVACY = "privacy", "privacy changed"
        SHARED = "shared", "organization or location edited"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    translation_key = models.UUIDField()
    # A page's own id (pages of one translation key have one per language); None for services.
    page_id = models.BigIntegerField(null=True, blank=True)
    language_code = models.CharField(max_length=10)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "at"], name="api_change_kind_at"),
            models.Index(fields=["kind", "translation_key"], name="api_change_kind_key"),
        ]
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.kind} {self.page_id or self.translation_key} {self.reason} at {self.at}"
