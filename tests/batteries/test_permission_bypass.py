"""The side doors of the admin refuse whoever may not edit the content behind them.

Modelled on Wagtail's security advisories: previews, drafts, revision views,
comparisons and reverts, page and workflow history, for pages and for
services, tried by every role on content of every language. A refusal is a
redirect, a 403 or a 404 that does not show the draft; an allowed user sees it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page

from home.models import TopicPage
from services.models import Service
from tests.home.factories import TopicPageFactory

from .test_permission_matrix import MATRIX, index_in, member_of

pytestmark = [pytest.mark.django_db, pytest.mark.demo]
SECRET = "UNPUBLISHED-DRAFT-MARKER"
ROLES = list(MATRIX)
LANGUAGES = ["en", "es", "pt"]


def page_with_draft(language):
    """A live page whose newer draft holds the marker, with two revisions to compare."""
    page = TopicPageFactory(parent=index_in(language), slug=f"bypass-{language}")
    page.save_revision().publish()
    page = Page.objects.get(pk=page.pk).specific
    first = page.live_revision
    page.title = f"{SECRET} {language}"
    draft = page.save_revision()
    page.get_workflow().start(page, get_user_model().objects.get(username="admin"))
    return page, first, draft


def page_side_doors(page, first, draft):
    pages = "wagtailadmin_pages"
    return {
        "preview": reverse(f"{pages}:preview_on_edit", args=[page.pk]),
        "view draft": reverse(f"{pages}:view_draft", args=[page.pk]),
        "revision": reverse(f"{pages}:revisions_view", args=[page.pk, draft.pk]),
        "compare": reverse(f"{pages}:revisions_compare", args=[page.pk, first.pk, draft.pk]),
        "revert": reverse(f"{pages}:revisions_revert", args=[page.pk, draft.pk]),
        "history": reverse(f"{pages}:history", args=[page.pk]),
        "workflow history": reverse(f"{pages}:workflow_history", args=[page.pk]),
    }


def refused(response):
    content = response.content.decode(errors="replace") if response.status_code == 200 else ""
    return response.status_code in (302, 403, 404) and SECRET not in content


def try_doors(client, role, language, doors):
    """Each door opens (200) for a role that may edit the language, and stays shut otherwise."""
    client.force_login(member_of(role))
    may_edit = bool(MATRIX[role][language])
    for door, url in doors.items():
        response = client.get(url)
        if may_edit:
            assert response.status_code == 200, (door, response.status_code)
        else:
            assert refused(response), (role, language, door, response.status_code)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_page_side_doors(client, role, language):
    page, first, draft = page_with_draft(language)
    try_doors(client, role, language, page_side_doors(page, first, draft))


def service_with_draft(language):
    service = Service.objects.get(locale__language_code=language, slug="text-a-tip")
    first = service.save_revision()
    service.name = f"{SECRET} {language}"
    draft = service.save_revision()
    return service, first, draft


def service_side_doors(service, first, draft):
    base = "wagtailsnippets_services_service"
    return {
        "edit": reverse(f"{base}:edit", args=[service.pk]),
        "revision": reverse(f"{base}:revisions_view", args=[service.pk, draft.pk]),
        "compare": reverse(f"{base}:revisions_compare", args=[service.pk, first.pk, draft.pk]),
        "revert": reverse(f"{base}:revisions_revert", args=[service.pk, draft.pk]),
        "history": reverse(f"{base}:history", args=[service.pk]),
        "workflow history": reverse(f"{base}:workflow_history", args=[service.pk]),
    }


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("role", ROLES)
def test_service_side_doors(client, role, language):
    service, first, draft = service_with_draft(language)
    try_doors(client, role, language, service_side_doors(service, first, draft))


def test_the_marker_really_shows_to_those_allowed(client):
    """The battery would be empty if drafts never showed: an administrator sees them."""
    page, first, draft = page_with_draft("es")
    client.force_login(get_user_model().objects.get(username="admin"))
    html = client.get(page_side_doors(page, first, draft)["view draft"]).content.decode()
    assert SECRET in html
    assert TopicPage.objects.get(pk=page.pk).title != f"{SECRET} es"  # the live page is not
