"""No side door puts unreviewed text live: every role x every action that can change a live
translation x every language, judged by what readers of that language are served.

For each language, a live translated page (how to report) and a live translated service
are set up with everything an action could put live: a changed English source, a
translator's edited strings, a submitted draft in review. Then each role tries each action
Wagtail and wagtail-localize offer (through the admin's own URLs, as its buttons do), and
the test compares, before and after, the reader pages of that language (bytes, with the
clock stopped), whether the page and service are live, and the language's live pages.
Only the language's reviewers and administrators may change them; for them the
actions that should work (approve, publish) must work, so the judge is not blind.
"""

import datetime
import io
import random
from unittest import mock

import polib
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page, Revision, WorkflowState
from wagtail_localize.models import StringSegment, StringTranslation

from cms.translating import translate_object
from editorial import translation_review
from home.models import TopicIndexPage, TopicPage
from services.models import Service
from services.pages import ServiceDirectoryPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]
LANGUAGES = ["es", "pt", "ht", "ar"]
FROZEN = datetime.datetime(2026, 12, 2, 15, 0, tzinfo=datetime.UTC)
ROLES = ["editor", "reviewer", "translator", "reviewer of L", "reviewer of another", "admin"]
MAY_PUBLISH = {"reviewer of L", "admin"}
# What must change live content for those who may: the review's own ways of publishing.
MUST_WORK = {"approve", "approve in the workflow", "publish in the translation editor"}


class EveryString:
    """A catalogue with a translation for every string (for languages the demo leaves out)."""

    def __init__(self, code):
        self.code = code

    def get(self, msgid, default=""):
        return f"[{self.code}] {msgid}"


def person(role, code):
    """A user in the role's group for language `code`."""
    other = "pt" if code != "pt" else "es"
    group = {
        "editor": "Editors",
        "reviewer": "Reviewers",
        "translator": f"Translators ({code})",
        "reviewer of L": f"Reviewers ({code})",
        "reviewer of another": f"Reviewers ({other})",
        "admin": "Administrators",
    }[role]
    user, _created = get_user_model().objects.get_or_create(
        username=f"{role.replace(' ', '-')}-{code}", defaults={"email": f"{role}@example.org"}
    )
    user.is_superuser = role == "admin"
    user.save()
    user.groups.set([Group.objects.get(name=group)])
    return user


class Scene:
    """A language's live translated page and service, each with pending work behind them."""

    def __init__(self, code):
        self.code = code
        self.locale = Locale.objects.get(language_code=code)
        reviewer = get_user_model().objects.get(username="reviewer")
        self.source_page = TopicPage.objects.get(locale__language_code="en", slug="reporting")
        self.source_service = Service.objects.get(
            locale__language_code="en", slug="human-trafficking-hotline"
        )
        self.service = Service.objects.filter(
            locale=self.locale, translation_key=self.source_service.translation_key
        ).first() or translate_object(self.source_service, self.locale, EveryString(code))
        self.page = self.source_page.get_translation(self.locale).specific
        # The English source changed since: a sync that publishes would put English live.
        self.source_page.title = "How to report (changed in English)"
        self.source_page.save_revision(user=reviewer).publish()
        self.source_service.fees_description = "Changed in English."
        self.source_service.save_revision(user=reviewer).publish()
        translator = person("translator", code)
        for obj in (self.page, self.service):
            translation = translation_review.translation_of(obj)
            edited = self.edit_a_string(translation)
            assert edited
            translation_review.submit_for_review(translator, obj)
        self.page = Page.objects.get(pk=self.page.pk).specific
        self.service = Service.objects.get(pk=self.service.pk)

    @staticmethod
    def edit_a_string(translation):
        segment = StringSegment.objects.filter(source=translation.source).order_by("order")[0]
        row, _created = StringTranslation.objects.update_or_create(
            translation_of_id=segment.string_id,
            context_id=segment.context_id,
            locale=translation.target_locale,
            defaults={"data": "UNREVIEWED TEXT"},
        )
        return row

    def urls(self):
        directory = ServiceDirectoryPage.objects.get(locale=self.locale)
        return [
            self.page.url,
            f"{directory.url}{self.source_service.slug}/",
            TopicIndexPage.objects.get(locale=self.locale).url,
        ]

    def seen_by_readers(self):
        cache.clear()
        reader = Client()
        with mock.patch("django.utils.timezone.now", return_value=FROZEN):
            pages = {url: reader.get(url).content for url in self.urls()}
        return {
            "pages": pages,
            "page": Page.objects.filter(pk=self.page.pk).values_list("live", "alias_of_id").first(),
            "service": Service.objects.filter(pk=self.service.pk).values_list("live").first(),
            "live in the language": sorted(
                Page.objects.live().filter(locale=self.locale).values_list("url_path", flat=True)
            ),
        }


def task_state(obj):
    return (
        WorkflowState.objects.for_instance(obj)
        .filter(status="in_progress")
        .get()
        .current_task_state
    )


def po_with_changes(client, translation):
    po = polib.pofile(
        client.get(
            reverse("wagtail_localize:download_pofile", args=[translation.pk])
        ).content.decode()
    )
    for entry in po:
        entry.msgstr = "UPLOADED, NOT REVIEWED"
    return SimpleUploadedFile("translation.po", str(po).encode())


def actions(scene):
    """name -> function(client) that tries it as the admin's buttons do."""
    page, service = scene.page, scene.service
    page_translation = translation_review.translation_of(page)
    service_translation = translation_review.translation_of(service)
    page_source = page_translation.source
    service_source = service_translation.source
    services = "wagtailsnippets_services_service"
    copy_parent = TopicIndexPage.objects.get(locale=scene.locale)

    def post(url, data=None):
        return lambda client: client.post(url, data or {})

    return {
        "convert to alias": post(reverse("wagtail_localize:convert_to_alias", args=[page.pk])),
        "sync and publish immediately": post(
            reverse("wagtail_localize:update_translations", args=[page_source.pk]),
            {"publish_translations": "on"},
        ),
        "sync the service and publish immediately": post(
            reverse("wagtail_localize:update_translations", args=[service_source.pk]),
            {"publish_translations": "on"},
        ),
        "publish in the translation editor": post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), {"action": "publish"}
        ),
        "publish the service in the translation editor": post(
            reverse(f"{services}:edit", args=[service.pk]), {"action": "publish"}
        ),
        "approve": post(reverse("waymark_approve_translation", args=[page_translation.pk])),
        "approve in the workflow": post(
            reverse(
                "wagtailadmin_pages:workflow_action",
                args=[page.pk, "approve", task_state(page).pk],
            ),
            {"comment": ""},
        ),
        "approve the service in the workflow": post(
            reverse(
                f"{services}:workflow_action", args=[service.pk, "approve", task_state(service).pk]
            ),
            {"comment": ""},
        ),
        "publish from Wagtail's editor": post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]), {"action-publish": "Publish"}
        ),
        "schedule the translation's publishing in Wagtail's editor": post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            {"go_live_at": "2026-12-02 15:30", "action-publish": "Publish"},
        ),
        "bulk publish": post(
            reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
            + f"?id={page.pk}",
            {"include_descendants": ""},
        ),
        "revert to an earlier revision and publish": post(
            reverse(
                "wagtailadmin_pages:revisions_revert", args=[page.pk, page.revisions.first().pk]
            ),
            {"action": "publish"},
        ),
        "copy the English page into the language, published": post(
            reverse("wagtailadmin_pages:copy", args=[scene.source_page.pk]),
            {
                "new_title": "Copied",
                "new_slug": "copied",
                "new_parent_page": copy_parent.pk,
                "publish_copies": "on",
            },
        ),
        "create an alias of the English page in the language": post(
            reverse("wagtailadmin_pages:copy", args=[scene.source_page.pk]),
            {
                "new_title": "Alias",
                "new_slug": "alias",
                "new_parent_page": copy_parent.pk,
                "alias": "on",
            },
        ),
        "upload a PO file": lambda client: client.post(
            reverse("wagtail_localize:upload_pofile", args=[page_translation.pk]),
            {"file": po_with_changes(client, page_translation)},
        ),
        "upload a PO file for the service": lambda client: client.post(
            reverse("wagtail_localize:upload_pofile", args=[service_translation.pk]),
            {"file": po_with_changes(client, service_translation)},
        ),
        "unpublish": post(reverse("wagtailadmin_pages:unpublish", args=[page.pk])),
        "unpublish the service": post(reverse(f"{services}:unpublish", args=[service.pk])),
        "delete": post(reverse("wagtailadmin_pages:delete", args=[page.pk])),
        "delete the service": post(reverse(f"{services}:delete", args=[service.pk])),
        "stop the synced translation": post(
            reverse("wagtail_localize:stop_translation", args=[page_translation.pk])
        ),
        # Wagtail refuses moves between languages' trees, for everyone: kept to show it.
        "move the page out of the language": post(
            reverse(
                "wagtailadmin_pages:move_confirm",
                args=[page.pk, TopicIndexPage.objects.get(locale__language_code="en").pk],
            )
        ),
        # The topic index lists its topics in tree order: moving one first changes it.
        "reorder the language's topics": post(
            reverse("wagtailadmin_pages:set_page_position", args=[page.pk]) + "?position=0"
        ),
    }


def publish_what_is_scheduled():
    """The scheduler runs (as cron would, a day later): a publish any action scheduled
    happens now, so a schedule set by someone who may not publish would show."""
    later = timezone.now() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("publish_scheduled", stdout=io.StringIO())


def changes_made(code, role, django_capture_on_commit_callbacks):
    """The actions by which `role` changed what readers of `code` are served."""
    scene = Scene(code)
    client = Client()
    client.force_login(person(role, code))
    before = scene.seen_by_readers()
    changed = []
    for name, action in actions(scene).items():
        savepoint = transaction.savepoint()
        try:
            with django_capture_on_commit_callbacks(execute=True):
                action(client)
                publish_what_is_scheduled()
            if scene.seen_by_readers() != before:
                changed.append(name)
        finally:
            transaction.savepoint_rollback(savepoint)
            cache.clear()
    return changed


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_languages_reviewers_change_what_its_readers_see(
    code, role, django_capture_on_commit_callbacks
):
    changed = changes_made(code, role, django_capture_on_commit_callbacks)
    if role in MAY_PUBLISH:
        assert set(changed) >= MUST_WORK, f"{role} ({code}) could not publish: {changed}"
    else:
        assert changed == [], f"{role} changed live {code} content by: {changed}"


def test_the_battery_sees_a_door_left_open(django_capture_on_commit_callbacks, monkeypatch):
    """Remove one guard (convert to alias), and the battery catches the translator using it."""
    from editorial import localize

    monkeypatch.setattr(localize, "may_publish", lambda user, obj: True)
    changed = changes_made("es", "translator", django_capture_on_commit_callbacks)
    assert "convert to alias" in changed


def walk(django_capture_on_commit_callbacks, steps=60, seed=13):
    """Many staff actions in a row, by every role, in every language (no rollback between);
    returns ({("page" | "service", pk): language} of what it worked on, the last log entries
    before its first step)."""
    chooser = random.Random(seed)  # noqa: S311 (a reproducible order, not a secret)
    scenes = {code: Scene(code) for code in LANGUAGES}
    since = last_log_entries()
    worked_on = {}
    for code, scene in scenes.items():
        worked_on[("page", scene.page.pk)] = code
        worked_on[("service", scene.service.pk)] = code
    clients = {}
    for code in LANGUAGES:
        for role in ROLES:
            clients[(code, role)] = Client()
            clients[(code, role)].force_login(person(role, code))
    for _step in range(steps):
        code, role = chooser.choice(LANGUAGES), chooser.choice(ROLES)
        scene = scenes[code]
        page = Page.objects.filter(pk=scene.page.pk).first()
        service = Service.objects.filter(pk=scene.service.pk).first()
        if page is None or service is None:
            continue  # deleted by an earlier step
        scene.page, scene.service = page.specific, service
        if any(translation_review.translation_of(obj) is None for obj in (scene.page, service)):
            continue  # no longer a synced translation (an alias, or stopped)
        for obj in (scene.page, scene.service):
            if translation_review.workflow_state(obj) is None:
                translate_what_is_left(translation_review.translation_of(obj))
                translation_review.submit_for_review(person("translator", code), obj)
        available = actions(scene)
        name = chooser.choice(sorted(available))
        with django_capture_on_commit_callbacks(execute=True):
            available[name](clients[(code, role)])
    return worked_on, since


def translate_what_is_left(translation):
    """The translator translates every string still untranslated (after a sync)."""
    code = translation.target_locale.language_code
    for segment in StringSegment.objects.filter(source=translation.source).select_related(
        "string", "context"
    ):
        text = segment.string.data
        data = f"{code}-{slugify(text)}" if segment.context.path == "slug" else f"[{code}] {text}"
        StringTranslation.objects.get_or_create(
            translation_of_id=segment.string_id,
            context_id=segment.context_id,
            locale=translation.target_locale,
            defaults={"data": data},
        )


def by_whom(entry):
    """Who made a logged change: wagtail-localize publishes after the commit without naming
    the user, whose name is then on the revision it publishes (as the high-risk record reads it)."""
    if entry.user is None and entry.action == "wagtail.publish" and entry.revision_id:
        revision = Revision.objects.filter(pk=entry.revision_id).select_related("user").first()
        return revision.user if revision is not None else None
    return entry.user


def live_changes_by_whom(since, worked_on):
    """(language, action, user) of every change the walk made to live content."""
    from wagtail.models import ModelLogEntry, PageLogEntry

    kinds = ["wagtail.publish", "wagtail.unpublish", "wagtail.delete"]
    kinds += ["wagtail_localize.convert_to_alias", "wagtail.move", "wagtail.reorder"]
    changes = []
    for entry in PageLogEntry.objects.filter(pk__gt=since[0], action__in=kinds):
        page = Page.objects.filter(pk=entry.page_id).select_related("locale").first()
        code = page.locale.language_code if page else worked_on.get(("page", entry.page_id))
        changes.append((code, entry.action, by_whom(entry)))
    for entry in ModelLogEntry.objects.filter(pk__gt=since[1], action__in=kinds):
        if entry.content_type.model_class() is not Service:
            continue
        service = Service.objects.filter(pk=entry.object_id).select_related("locale").first()
        code = (
            service.locale.language_code
            if service
            else worked_on.get(("service", int(entry.object_id)))
        )
        changes.append((code, entry.action, by_whom(entry)))
    return changes


def allowed_to_change(user, code):
    return user is not None and (
        user.is_superuser
        or user.groups.filter(name__in=["Administrators", f"Reviewers ({code})"]).exists()
    )


def last_log_entries():
    from wagtail.models import ModelLogEntry, PageLogEntry

    return tuple(
        model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in (PageLogEntry, ModelLogEntry)
    )


def test_after_a_long_walk_every_live_change_was_made_by_the_languages_reviewers(
    django_capture_on_commit_callbacks,
):
    worked_on, since = walk(django_capture_on_commit_callbacks)
    changes = [
        change for change in live_changes_by_whom(since, worked_on) if change[0] in LANGUAGES
    ]
    assert len(changes) >= 5, f"the walk changed too little to prove anything: {changes}"
    wrong = [change for change in changes if not allowed_to_change(change[2], change[0])]
    assert wrong == []


def test_the_walk_catches_a_door_left_open(django_capture_on_commit_callbacks, monkeypatch):
    """With sync's "Publish immediately" unguarded, the English reviewer's sync is caught."""
    from editorial import localize

    monkeypatch.setattr(localize.UpdateTranslationsView, "may_publish_all", lambda self: True)
    worked_on, since = walk(django_capture_on_commit_callbacks)
    wrong = [
        change
        for change in live_changes_by_whom(since, worked_on)
        if change[0] in LANGUAGES and not allowed_to_change(change[2], change[0])
    ]
    assert wrong, "the walk did not notice publishing by someone who may not"
