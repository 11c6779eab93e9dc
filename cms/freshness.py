"""Translation freshness primitives: when a translation last caught up with its source.

A translation is *outdated* when its source was published after the
translation was last updated from it (wagtail-localize records that per
language on its Translation; without one, the translation's own last
publication counts). Reader pages use this to say "the English page was
updated"; the editorial status report (editorial.translation_status) builds on it.
"""

from django.db.models import OuterRef, Subquery
from wagtail_localize.models import Translation


def synced_at():
    """A subquery for a translated row: when wagtail-localize last updated it from its source."""
    return Subquery(
        Translation.objects.filter(
            source__object_id=OuterRef("translation_key"), target_locale=OuterRef("locale")
        )
        .order_by("-destination_last_updated_at")
        .values("destination_last_updated_at")[:1]
    )


def is_outdated(source_published_at, synced, translation_published_at):
    """Whether the source changed after the translation last caught up with it."""
    if source_published_at is None:
        return False
    reference = synced or translation_published_at
    return reference is not None and source_published_at > reference
