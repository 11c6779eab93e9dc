"""Admin additions for content trust: review, translation and high-risk change reports, the
dashboard panels, the feedback inbox."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet

from cms import languages
from cms.models import ReaderSettings
from services.models import Location, Organization

from . import highrisk, localize, translation_status
from .models import Feedback
from .reviews import CONFIRM_ACTION, schedule
from .translation_review import may_publish, translation_languages, translation_of, works_in
from .views import (
    DueForReviewView,
    HighRiskChangesView,
    TranslationStatusView,
    confirm_review_view,
)


@hooks.register("register_admin_urls")
def review_urls():
    return [
        path("reports/due-for-review/", DueForReviewView.as_view(), name="waymark_due_for_review"),
        path(
            "reports/translation-status/",
            TranslationStatusView.as_view(),
            name="waymark_translation_status",
        ),
        path(
            "reports/high-risk-changes/",
            HighRiskChangesView.as_view(),
            name="waymark_high_risk_changes",
        ),
        path(
            "review/confirm/<str:kind>/<int:pk>/",
            confirm_review_view,
            name="waymark_confirm_review",
        ),
    ]


@hooks.register("register_reports_menu_item")
def due_for_review_menu_item():
    return MenuItem(
        _("Due for review"), reverse("waymark_due_for_review"), icon_name="date", order=50
    )


@hooks.register("register_reports_menu_item")
def translation_status_menu_item():
    return MenuItem(
        _("Translation status"), reverse("waymark_translation_status"), icon_name="globe", order=51
    )


class HighRiskMenuItem(MenuItem):
    """Shown to those who may read the high-risk change report (reviewers, administrators)."""

    def is_shown(self, request):
        return request.user.has_perm("editorial.view_highriskchange")


@hooks.register("register_reports_menu_item")
def high_risk_menu_item():
    return HighRiskMenuItem(
        _("High-risk changes"), reverse("waymark_high_risk_changes"), icon_name="warning", order=52
    )


@hooks.register("before_edit_page", order=-50)
def mark_high_risk_page_translation(request, page):
    highrisk.warn_in_translation_editor(request, page)


@hooks.register("before_edit_snippet", order=-50)
def mark_high_risk_service_translation(request, instance):
    highrisk.warn_in_translation_editor(request, instance)


@hooks.register("before_edit_snippet")
def remember_directory_before_edit(request, instance):
    """Keep a location's address, an organization's website and e-mail as they were: they
    are saved live, so what changes is recorded as it is saved."""
    if request.method == "POST" and isinstance(instance, (Location, Organization)):
        request.waymark_directory_before = instance.high_risk_facts()


@hooks.register("after_edit_snippet")
def record_directory_change(request, instance):
    before = getattr(request, "waymark_directory_before", None)
    if before is not None and isinstance(instance, (Location, Organization)):
        highrisk.record_directory_change(instance, before, request.user)


@hooks.register("before_edit_setting")
def remember_settings_before_edit(request, instance):
    """Keep the emergency number and exit destination as they were, to record what changes."""
    if request.method == "POST" and isinstance(instance, ReaderSettings):
        request.waymark_settings_before = instance.high_risk_facts()


@hooks.register("after_edit_setting")
def record_settings_change(request, instance):
    before = getattr(request, "waymark_settings_before", None)
    if before is not None and isinstance(instance, ReaderSettings):
        highrisk.record_settings_change(instance, before, request.user)


@hooks.register("register_log_actions")
def review_log_actions(actions):
    actions.register_action(
        CONFIRM_ACTION, _("Confirm still correct"), _("Confirmed still correct")
    )


class DueForReviewPanel(Component):
    """The dashboard's reminder: how many items this person can open are overdue, the first few."""

    name = "due_for_review"
    order = 50
    template_name = "editorial/due_for_review_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        finder = AdminURLFinder(self.user)
        mine = schedule(overdue_only=True, user=self.user)
        overdue = []
        for item in mine[:5]:
            item.edit_url = finder.get_edit_url(item.obj)
            if item.edit_url:
                overdue.append(item)
        return {
            "overdue": overdue,
            "count": mine.count(),
            "report_url": reverse("waymark_due_for_review"),
        }


class TranslationsPanel(Component):
    """A translator's dashboard: in each of their languages, how many translations are
    missing, in progress, awaiting review, pending, outdated; each links to the report."""

    name = "translations"
    order = 40
    template_name = "editorial/translations_panel.html"

    def __init__(self, user):
        self.user = user
        # Translators and reviewers of other languages; not the source's own staff.
        self.codes = [code for code in translation_languages(user) if works_in(user, code)]

    def render_html(self, parent_context=None):
        return super().render_html(parent_context) if self.codes else ""

    def get_context_data(self, parent_context):
        names = languages.names()
        found = translation_status.counts(self.codes)
        report = reverse("waymark_translation_status")
        summary = []
        for code in self.codes:
            counts = found[code]
            summary.append(
                {
                    "name": names[code],
                    "code": code,
                    "counts": [
                        {
                            "label": translation_status.LABELS[status],
                            "count": counts[status],
                            "url": f"{report}?language={code}&status={status}",
                        }
                        for status in translation_status.LABELS
                        if counts.get(status) and status != translation_status.UP_TO_DATE
                    ],
                }
            )
        return {"languages": summary}


class HighRiskAwaitingPanel(Component):
    """The dashboard's warning, above "Awaiting your review": drafts this reviewer may approve
    that change a number, a keyword, a link or a reporting service, old beside new."""

    name = "high_risk_awaiting"
    order = 45
    template_name = "editorial/high_risk_awaiting_panel.html"

    def __init__(self, user):
        self.items = highrisk.awaiting_review(user)

    def render_html(self, parent_context=None):
        return super().render_html(parent_context) if self.items else ""

    def get_context_data(self, parent_context):
        return {"items": self.items}


@hooks.register("construct_homepage_panels")
def add_due_for_review_panel(request, panels):
    panels.append(TranslationsPanel(request.user))
    panels.append(HighRiskAwaitingPanel(request.user))
    panels.append(DueForReviewPanel(request.user))


class FeedbackViewSet(ModelViewSet):
    """The inbox of readers' reports, linked to the page and language they came from."""

    model = Feedback
    icon = "mail"
    menu_label = _("Reader feedback")
    menu_order = 260
    add_to_admin_menu = True
    add_view_enabled = False
    list_display = ["message", "path", "locale", "status", "created_at"]
    list_filter = ["status", "locale"]
    search_fields = ["message", "contact", "path"]
    inspect_view_enabled = True
    ordering = ["-created_at"]


@hooks.register("register_admin_viewset")
def register_feedback_inbox():
    return FeedbackViewSet("reader_feedback")


@hooks.register("register_admin_urls", order=-1)
def translation_review_urls():
    """Before wagtail-localize's own URLs: its doors to readers, guarded (editorial.localize)."""
    return localize.urlpatterns()


@hooks.register("construct_page_action_menu")
def hide_convert_to_alias(menu_items, request, context):
    """ "Convert to alias page" puts the source's text live: only for the language's reviewers."""
    page = context.get("page")
    if page is not None and not may_publish(request.user, page.specific):
        menu_items[:] = [item for item in menu_items if item.name != "localize-convert-to-alias"]


def _publish_under_review(request, obj):
    if request.method == "POST" and request.POST.get("action") == "publish":
        obj = getattr(obj, "specific", obj)
        if translation_of(obj) is not None:
            return localize.publish_under_review(request, obj)
    return None


# After the language guard of services (order -100), before wagtail-localize's editor (0).
@hooks.register("before_edit_page", order=-60)
def publish_page_translation_under_review(request, page):
    return _publish_under_review(request, page)


@hooks.register("before_edit_snippet", order=-60)
def publish_service_translation_under_review(request, instance):
    return _publish_under_review(request, instance)
