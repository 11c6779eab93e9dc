"""Every role x action x language, tried through the admin views: allowed or refused.

Each cell is judged by its effect (a page created, a draft saved, a workflow
started, a page live or gone), not by the HTTP status, so a view that
answers 200 but does nothing counts as refused.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Locale, Page, WorkflowState
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from cms.translating import translate_object
from home.models import TopicIndexPage, TopicPage
from services.models import Service
from tests.home.factories import TopicPageFactory
from tests.services.factories import make_service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

ACTIONS = ["create", "edit", "submit", "approve", "publish", "unpublish", "delete"]
ALL = set(ACTIONS)
WRITE = {"create", "edit", "submit"}
NONE = set()
# role -> language -> what it may do there
MATRIX = {
    "Administrators": {"en": ALL, "es": ALL, "pt": ALL},
    "Editors": {"en": WRITE, "es": NONE, "pt": NONE},
    "Reviewers": {"en": ALL, "es": NONE, "pt": NONE},
    "Translators (es)": {"en": NONE, "es": WRITE, "pt": NONE},
    "Reviewers (es)": {"en": NONE, "es": ALL, "pt": NONE},
    "Translators (pt)": {"en": NONE, "es": NONE, "pt": WRITE},
    "Reviewers (pt)": {"en": NONE, "es": NONE, "pt": ALL},
}
CASES = [
    (role, language, action)
    for role, languages in MATRIX.items()
    for language in languages
    for action in ACTIONS
]


def member_of(group_name):
    user = get_user_model().objects.create_user(
        username=f"user-{group_name}", password="not-a-demo-password-1"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def index_in(language):
    return TopicIndexPage.objects.get(locale__language_code=language)


def topic_form(title, slug):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "A page made by the permission matrix.",
            "body": streamfield(
                [("question", {"question": "Why?", "answer": rich_text("<p>Because.</p>")})]
            ),
            "sources": inline_formset([]),
            "last_reviewed": "2026-11-01",
            "review_interval_days": "",
            "seo_title": "",
            "search_description": "",
        }
    )


def topic(language, live):
    page = TopicPageFactory(parent=index_in(language), live=live, slug=f"m-{language}-{live}")
    page.save_revision()
    if live:
        page.get_latest_revision().publish()
    return Page.objects.get(pk=page.pk).specific


def in_moderation(page):
    """The page submitted to its tree's workflow by a superuser; returns the task state."""
    admin = get_user_model().objects.get(username="admin")
    workflow = page.get_workflow()
    state = workflow.start(page, admin)
    return state.current_task_state


def attempt(client, action, language):
    """Try one action through the admin; True when it took effect."""
    if action == "create":
        index = index_in(language)
        url = reverse("wagtailadmin_pages:add", args=("home", "topicpage", index.pk))
        client.post(url, topic_form("Made here", "made-here"))
        return TopicPage.objects.filter(slug="made-here", locale__language_code=language).exists()
    if action in ("edit", "submit", "publish"):
        page = topic(language, live=False)
        data = topic_form("Changed title", page.slug)
        if action == "submit":
            data["action-submit"] = "Submit"
        if action == "publish":
            data["action-publish"] = "Publish"
        client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        page.refresh_from_db()
        if action == "edit":
            return page.get_latest_revision().as_object().title == "Changed title"
        if action == "submit":
            return WorkflowState.objects.filter(
                base_content_type__model="page", object_id=str(page.pk), status="in_progress"
            ).exists()
        return page.live
    if action == "approve":
        page = topic(language, live=False)
        task_state = in_moderation(page)
        client.post(
            reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
            {"comment": ""},
        )
        page.refresh_from_db()
        return page.live
    if action == "unpublish":
        page = topic(language, live=True)
        client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
        page.refresh_from_db()
        return not page.live
    if action == "delete":
        page = topic(language, live=True)
        client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
        return not Page.objects.filter(pk=page.pk).exists()
    raise AssertionError(action)


@pytest.mark.parametrize(("role", "language", "action"), CASES)
def test_page_permission_matrix(client, role, language, action):
    Locale.objects.get(language_code=language)
    client.force_login(member_of(role))
    allowed = action in MATRIX[role][language]
    assert attempt(client, action, language) is allowed


# Services: the same roles, on an English service and its Spanish translation.
# A translation is not created or submitted in the service editor: it is made
# with wagtail-localize, whose editor saves drafts for anyone who may edit and
# publishes only for those who may publish; so those two cells are not asked.
SERVICE_MATRIX = {
    "Administrators": {"en": ALL, "es": ALL, "pt": ALL},
    "Editors": {"en": WRITE, "es": NONE, "pt": NONE},
    "Reviewers": {"en": ALL, "es": NONE, "pt": NONE},
    "Translators (es)": {"en": NONE, "es": {"edit"}, "pt": NONE},
    "Reviewers (es)": {"en": NONE, "es": ALL - {"delete"}, "pt": NONE},
    "Translators (pt)": {"en": NONE, "es": NONE, "pt": {"edit"}},
    "Reviewers (pt)": {"en": NONE, "es": NONE, "pt": ALL - {"delete"}},
}
NOT_ASKED = {(code, action) for code in ("es", "pt") for action in ("create", "submit")}
SERVICE_CASES = [
    (role, language, action)
    for role, languages in SERVICE_MATRIX.items()
    for language in languages
    for action in ACTIONS
    if (language, action) not in NOT_ASKED
]


def service_in(language, live):
    """An English service, or its translation made with wagtail-localize (live or a draft)."""
    english = make_service(f"Matrix {language} {live}", slug=f"matrix-{language}-{live}")
    english.save_revision().publish()
    if language == "en":
        service = english
        if not live:
            service.live = False
            service.save()
    else:
        catalogue = {english.name: f"Matriz {live}", english.description: "Descripción."}
        service = translate_object(
            english, Locale.objects.get(language_code=language), catalogue, publish=live
        )
    return Service.objects.get(pk=service.pk)


def service_form(service, **extra):
    """The whole edit form for a service, as the admin renders it (with a changed name)."""
    data = {
        "name": "Changed name",
        "slug": service.slug,
        "organization": service.organization_id,
        "status": "active",
        "description": service.description,
        "phones": inline_formset(
            [
                {"id": phone.pk, "kind": phone.kind, "number": phone.number}
                for phone in service.phones.all()
            ],
            initial=service.phones.count(),
        ),
        "service_locations": inline_formset([]),
        "opening_hours": inline_formset([]),
        "exceptions": inline_formset([]),
        "languages": inline_formset([]),
        "sources": inline_formset([]),
    }
    data.update(extra)
    return nested_form_data(data)


def attempt_on_service(client, action, language):
    if action == "create":
        url = reverse("wagtailsnippets_services_service:add") + f"?locale={language}"
        client.post(
            url,
            nested_form_data(
                {
                    "name": "Made here",
                    "slug": "made-here",
                    "status": "active",
                    "description": "New.",
                    "phones": inline_formset([]),
                    "service_locations": inline_formset([]),
                    "opening_hours": inline_formset([]),
                    "exceptions": inline_formset([]),
                    "languages": inline_formset([]),
                    "sources": inline_formset([]),
                }
            ),
        )
        return Service.objects.filter(slug="made-here", locale__language_code=language).exists()
    if action == "approve":
        service = service_in(language, live=False)
        admin = get_user_model().objects.get(username="admin")
        task_state = service.get_workflow().start(service, admin).current_task_state
        client.post(
            reverse(
                "wagtailsnippets_services_service:workflow_action",
                args=[service.pk, "approve", task_state.pk],
            ),
            {"comment": ""},
        )
        service.refresh_from_db()
        return service.live
    if action == "unpublish":
        service = service_in(language, live=True)
        client.post(reverse("wagtailsnippets_services_service:unpublish", args=[service.pk]))
        service.refresh_from_db()
        return not service.live
    if action == "delete":
        service = service_in(language, live=True)
        client.post(reverse("wagtailsnippets_services_service:delete", args=[service.pk]))
        return not Service.objects.filter(pk=service.pk).exists()
    service = service_in(language, live=False)
    extra = {"submit": {"action-submit": "Submit"}, "publish": {"action-publish": "Publish"}}
    edit_url = reverse("wagtailsnippets_services_service:edit", args=[service.pk])
    if language == "en":
        client.post(edit_url, service_form(service, **extra.get(action, {})))
    else:
        # The translation editor (wagtail-localize) opens for those who may edit;
        # its "publish" action publishes for those who may publish.
        if client.get(edit_url).status_code != 200:
            return False
        if action == "edit":
            return True
        client.post(edit_url, {"action": "publish"})
        return Service.objects.get(pk=service.pk).live
    service.refresh_from_db()
    if action == "edit":
        return service.get_latest_revision().as_object().name == "Changed name"
    if action == "submit":
        return WorkflowState.objects.filter(
            base_content_type__model="service", object_id=str(service.pk), status="in_progress"
        ).exists()
    return service.live


@pytest.mark.parametrize(("role", "language", "action"), SERVICE_CASES)
def test_service_permission_matrix(client, role, language, action):
    client.force_login(member_of(role))
    allowed = action in SERVICE_MATRIX[role][language]
    assert attempt_on_service(client, action, language) is allowed
