"""`manage.py bench_staff [--repeat N]`: how long each staff role waits for its reports and its
dashboard, and how many queries each costs, as one JSON line.

Why it exists (issue 18): with 10,000 pages and their services in five languages, the
translation status report, "Due for review", "High-risk changes" and each role's dashboard
must answer in under 300 ms, with a query count that does not grow with content. The query
bounds are tested (tests/editorial/test_staff_scale.py); time needs a real database at
scale, so it is measured here, on the database `bench_content` filled.

Generated pages are bulk rows without history. So that the reports have real work to do,
`realistic_history()` first gives that content, once, what years of editing would leave:
every generated English page a wagtail-localize source with a translation into each
language (some outdated, some with unpublished changes), a share of pages due or overdue
for review, Spanish translations awaiting review in a workflow, and hundreds of recorded
high-risk changes.

Each role is a bench user in the groups editorial/roles.py defines, signed in as staff are:
a session (`force_login`), then, for those who must use two-step sign-in (administrators
and reviewers), a recovery code given at /admin/two-step/verify/ (staff/twofactor.py).
Each page is fetched once to warm up, then `--repeat` times through Django's test client;
p50 and p99 are wall time in milliseconds.
"""

import datetime
import json
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models.functions import Mod
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from wagtail.models import Locale, Page, WorkflowState
from wagtail_localize.models import (
    StringSegment,
    TranslatableObject,
    Translation,
    TranslationSource,
)

from bench.content import SLUG_PREFIX, generated_count, settle
from bench.render import percentile
from cms import languages
from editorial.models import HighRiskChange
from editorial.roles import reviewer_group
from home.models import TopicPage
from staff.twofactor import new_recovery_codes, two_step_required

ROLES = {
    "administrator": ("bench-admin", ["Administrators"]),
    "editor": ("bench-editor", ["Editors"]),
    "translator-es": ("bench-translator-es", ["Translators (es)"]),
    "reviewer-es": ("bench-reviewer-es", [reviewer_group("es")]),
}
DUE = "/admin/reports/due-for-review/"
STATUS = "/admin/reports/translation-status/"
HIGH_RISK = "/admin/reports/high-risk-changes/"
URLS = [
    "/admin/",
    DUE,
    f"{DUE}?language=es&overdue=on",
    f"{DUE}?p=3",
    STATUS,
    f"{STATUS}?language=es&status=outdated",
    f"{STATUS}?language=pt&kind=page&p=3",
    HIGH_RISK,
    f"{HIGH_RISK}?language=es&p=2",
]
HIGH_RISK_CHANGES = 600
AWAITING_REVIEW = 40


def bench_user(username, groups):
    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org"}
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    if len(user.groups.all()) != len(groups):
        raise CommandError(f"Missing groups {groups}: run `manage.py setup_roles` first.")
    return user


def signed_in(user):
    """A browser signed in as `user`, past the second step when their role requires it."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    if two_step_required(user):
        code = new_recovery_codes(user)[0]
        response = client.post("/admin/two-step/verify/", {"code": code, "next": "/admin/"})
        if response.status_code != 302:
            raise CommandError(f"Two-step sign-in refused {user}: {response.status_code}")
    return client


def may_open(user, url):
    return url.startswith("/admin/reports/high-risk") is False or user.has_perm(
        "editorial.view_highriskchange"
    )


class QueryCounter:
    """Counts every query (Django's own query log keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@override_settings(WAYMARK_PAGE_CACHE_SECONDS=0)
def measure(repeat):
    results = {}
    for role, (username, groups) in ROLES.items():
        user = bench_user(username, groups)
        client = signed_in(user)
        for url in URLS:
            if not may_open(user, url):
                continue
            response = client.get(url)  # warm-up
            times = []
            for _ in range(repeat):
                queries = QueryCounter()
                with connection.execute_wrapper(queries):
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
            results[f"{role} {url}"] = {
                "p50_ms": round(statistics.median(times), 1),
                "p99_ms": round(percentile(times, 0.99), 1),
                "queries": queries.count,
                "status": response.status_code,
            }
    return results


# -- what years of editing leave behind ------------------------------------------------


def generated(code):
    return TopicPage.objects.filter(slug__startswith=SLUG_PREFIX, locale__language_code=code)


def _template_slug(slug):
    """bench-<n>-<template slug> -> the demo page's slug it was copied from."""
    return slug.split("-", 2)[2]


@transaction.atomic
def translation_sources(log):
    """Every generated English page becomes a wagtail-localize source (a copy of its demo
    page's source, with its strings), translated into every language; one in ten
    translations was last brought up to date before the source changed (outdated)."""
    source = languages.source()
    keys = set(TranslationSource.objects.values_list("object_id", flat=True))
    pages = [page for page in generated(source).order_by("pk") if page.translation_key not in keys]
    if not pages:
        return 0
    templates = {
        page.slug: TranslationSource.objects.filter(object_id=page.translation_key).first()
        for page in TopicPage.objects.filter(locale__language_code=source).exclude(
            slug__startswith=SLUG_PREFIX
        )
    }
    fallback = next(item for item in templates.values() if item is not None)
    page_type = ContentType.objects.get_for_model(Page)
    topic_type = ContentType.objects.get_for_model(TopicPage)
    locale = Locale.objects.get(language_code=source)
    targets = list(Locale.objects.exclude(language_code=source))
    TranslatableObject.objects.bulk_create(
        [
            TranslatableObject(translation_key=page.translation_key, content_type=page_type)
            for page in pages
        ],
        ignore_conflicts=True,
    )
    made = []
    for page in pages:
        template = templates.get(_template_slug(page.slug)) or fallback
        made.append(
            (
                page,
                template,
                TranslationSource(
                    object_id=page.translation_key,
                    specific_content_type=topic_type,
                    locale=locale,
                    object_repr=page.title[:200],
                    content_json=template.content_json,
                    schema_version=template.schema_version,
                    last_updated_at=page.last_published_at,
                ),
            )
        )
    TranslationSource.objects.bulk_create([item[2] for item in made])
    segments, translations = [], []
    for number, (page, template, new) in enumerate(made):
        for segment in StringSegment.objects.filter(source=template):
            segments.append(
                StringSegment(
                    source=new,
                    context_id=segment.context_id,
                    order=segment.order,
                    string_id=segment.string_id,
                    attrs=segment.attrs,
                )
            )
        synced = page.last_published_at + datetime.timedelta(minutes=1)
        if number % 10 == 0:
            synced = page.last_published_at - datetime.timedelta(days=3)
        translations += [
            Translation(
                source=new, target_locale=target, enabled=True, destination_last_updated_at=synced
            )
            for target in targets
        ]
    StringSegment.objects.bulk_create(segments, batch_size=2000)
    Translation.objects.bulk_create(translations, batch_size=2000)
    log(f"{len(made)} translation sources, {len(translations)} translations")
    return len(made)


def review_dates(log):
    """One generated page in twelve was last reviewed long ago (overdue), one in twelve is due
    within the month; the rest were reviewed recently."""
    today = timezone.localdate()
    pages = TopicPage.objects.filter(slug__startswith=SLUG_PREFIX).annotate(m=Mod("pk", 12))
    if pages.filter(last_reviewed__lt=today - datetime.timedelta(days=170)).exists():
        return 0
    pages.update(last_reviewed=today - datetime.timedelta(days=10))
    overdue = pages.filter(m=0).update(last_reviewed=today - datetime.timedelta(days=200))
    soon = pages.filter(m=1).update(last_reviewed=today - datetime.timedelta(days=165))
    log(f"{overdue} pages overdue for review, {soon} due within the month")
    return overdue + soon


def unpublished_changes(log):
    """One translated page in twenty-five has a draft not yet published."""
    pages = (
        TopicPage.objects.filter(slug__startswith=SLUG_PREFIX)
        .exclude(locale__language_code=languages.source())
        .annotate(m=Mod("pk", 25))
        .filter(m=0)
    )
    changed = pages.filter(has_unpublished_changes=False).update(has_unpublished_changes=True)
    if changed:
        log(f"{changed} translated pages with unpublished changes")
    return changed


def awaiting_review(log):
    """Spanish translations submitted for review by the bench translator (revisions and
    workflows, as a translator's submissions leave them)."""
    user = bench_user(*ROLES["translator-es"])
    submitted = WorkflowState.objects.filter(requested_by=user).count()
    pages = generated("es").order_by("pk")[submitted : max(submitted, AWAITING_REVIEW)]
    for page in pages:
        page.save_revision(user=user)
        page.get_workflow().start(page, user)
    if pages:
        log(f"{len(pages)} Spanish pages awaiting review")
    return len(pages)


def high_risk_changes(log):
    """Hundreds of recorded high-risk changes to generated pages, in every language."""
    have = HighRiskChange.objects.filter(title__startswith="bench ").count()
    if have >= HIGH_RISK_CHANGES:
        return 0
    editor = bench_user(*ROLES["editor"])
    admin = bench_user(*ROLES["administrator"])
    pages = list(
        TopicPage.objects.filter(slug__startswith=SLUG_PREFIX)
        .annotate(m=Mod("pk", 13))
        .filter(m=0)
        .values("pk", "title", "locale_id")[: HIGH_RISK_CHANGES - have]
    )
    now = timezone.now()
    HighRiskChange.objects.bulk_create(
        [
            HighRiskChange(
                kind=HighRiskChange.Kind.PAGE,
                object_id=str(page["pk"]),
                title=f"bench {page['title']}"[:255],
                locale_id=page["locale_id"],
                changes=[
                    {
                        "what": "phone",
                        "where": "Hotline",
                        "old": "203 555 0100",
                        "new": "203 555 0199",
                    }
                ],
                proposed_by=editor,
                approved_by=admin if number % 4 else editor,
                published_at=now - datetime.timedelta(hours=number),
                notified=3,
            )
            for number, page in enumerate(pages)
        ]
    )
    log(f"{len(pages)} high-risk changes recorded")
    return len(pages)


def realistic_history(log):
    for role in ROLES.values():
        bench_user(*role)
    done = sum(
        step(log)
        for step in (
            translation_sources,
            review_dates,
            unpublished_changes,
            awaiting_review,
            high_risk_changes,
        )
    )
    if done:
        settle()


class Command(BaseCommand):
    help = "Time each staff role's reports and dashboard; print p50/p99 ms, queries, status."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, repeat, **options):
        if not generated_count():
            raise CommandError("No generated pages: run `manage.py bench_content` first.")
        realistic_history(lambda line: self.stderr.write(line))
        results = measure(repeat)
        self.stdout.write(json.dumps(results))
