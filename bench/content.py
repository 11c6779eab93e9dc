"""Generated content for benchmarks: topic pages in five languages, copied from the demo's.

Pages are written in bulk (a row per table, no revisions), as a large import
would leave them: live, translated (one translation key across languages),
indexed for search. Each generated page takes the title, summary and body of
a demo page of the same language, so pages weigh what real ones do.
"""

import itertools
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from cms import languages
from home.models import TopicIndexPage, TopicPage

LANGUAGES = tuple(languages.codes())
SLUG_PREFIX = "bench-"


def generated_count():
    return TopicPage.objects.filter(slug__startswith=SLUG_PREFIX).count()


def _copyable_fields():
    return [
        field
        for field in TopicPage._meta.local_concrete_fields
        if field.name not in ("page_ptr", "offline_essential")
    ]


@transaction.atomic
def grow_to(total, log=print):
    """Add generated topic pages until there are `total` of them across the five languages."""
    per_language = total // len(LANGUAGES)
    have = generated_count() // len(LANGUAGES)
    if per_language <= have:
        return 0
    content_type = ContentType.objects.get_for_model(TopicPage)
    fields = _copyable_fields()
    now = timezone.now()
    keys = [uuid.uuid4() for _ in range(per_language - have)]
    created = []
    for code in LANGUAGES:
        locale = Locale.objects.get(language_code=code)
        index = TopicIndexPage.objects.get(locale=locale)
        templates = list(
            TopicPage.objects.filter(locale=locale, live=True)
            .exclude(slug__startswith=SLUG_PREFIX)
            .order_by("path")
        )
        # Paths are appended after the index's last child, as treebeard would.
        last = index.get_last_child()
        step = Page._str2int(last.path[-Page.steplen :]) if last else 0
        rows = []
        for number, (key, template) in enumerate(
            zip(keys, itertools.cycle(templates), strict=False), start=have + 1
        ):
            step += 1
            slug = f"{SLUG_PREFIX}{number}-{template.slug}"[:255]
            rows.append(
                Page(
                    title=f"{template.title} ({number})",
                    draft_title=f"{template.title} ({number})",
                    slug=slug,
                    path=index.path + Page._int2str(step).rjust(Page.steplen, "0"),
                    depth=index.depth + 1,
                    numchild=0,
                    url_path=f"{index.url_path}{slug}/",
                    content_type=content_type,
                    locale=locale,
                    translation_key=key,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    seo_title="",
                    search_description=template.search_description,
                )
            )
        pages = Page.objects.bulk_create(rows)
        for page, template in zip(pages, itertools.cycle(templates), strict=False):
            topic = TopicPage(page_ptr_id=page.pk)
            for field in fields:
                setattr(topic, field.attname, getattr(template, field.attname))
            topic.save_base(raw=True, force_insert=True)
        Page.objects.filter(pk=index.pk).update(numchild=index.numchild + len(pages))
        created.extend(page.pk for page in pages)
        log(f"{code}: {len(pages)} pages added")
    backend = get_search_backend()
    for start in range(0, len(created), 500):
        batch = TopicPage.objects.filter(pk__in=created[start : start + 500])
        backend.add_bulk(TopicPage, list(batch))
    log(f"{len(created)} pages indexed for search")
    return len(created)


def settle():
    """VACUUM ANALYZE now (outside any transaction), as autovacuum soon would: query plans
    then know the new size, and no autovacuum competes with the measurements."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
