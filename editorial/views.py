"""Admin screens for content trust: "Due for review", confirming a review, "Translation status",
"High-risk changes"."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Page

from cms import languages
from cms.highrisk import describe
from services.models import Service

from . import translation_review, translation_status
from .highrisk import edit_urls
from .models import HighRiskChange
from .reviews import NotAReviewer, ReviewRefused, can_confirm, confirm_review, schedule

LANGUAGE_CHOICES = [("", _("All")), *languages.names().items()]


class ReportView(WagtailAdminTemplateMixin, TemplateView):
    """An admin report: its own name in the header, after Home (Wagtail's mixin alone shows
    only "Home")."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class DueFilterForm(forms.Form):
    """Filters of the "Due for review" report."""

    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All")), ("page", _("Topic pages")), ("service", _("Services"))],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class DueForReviewView(ReportView):
    """Everything due for review in the next 30 days, or overdue, with a way to confirm it."""

    template_name = "editorial/due_for_review.html"
    page_title = _("Due for review")
    header_icon = "date"
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DueFilterForm(self.request.GET or None)
        cleaned = form.cleaned_data if form.is_valid() else {}
        context["filter_form"] = form
        items = schedule(
            language=cleaned.get("language") or None,
            kind=cleaned.get("kind") or None,
            overdue_only=bool(cleaned.get("overdue")),
            due_within=30,
        )
        page = Paginator(items, self.per_page).get_page(self.request.GET.get("p"))
        finder = AdminURLFinder(self.request.user)
        for item in page.object_list:
            # Only what this person can act on: open it if they may edit it, confirm it if
            # they are one of its reviewers.
            item.edit_url = finder.get_edit_url(item.obj) or ""
            item.may_confirm = can_confirm(self.request.user, item.kind, item.obj)
        context.update(items=page.object_list, page_obj=page)
        return context


@require_POST
def confirm_review_view(request, kind, pk):
    """A reviewer confirms an unchanged page or service is still correct."""
    if kind == "page":
        obj = get_object_or_404(Page, pk=pk).specific
    elif kind == "service":
        obj = get_object_or_404(Service, pk=pk)
    else:
        raise Http404
    try:
        confirm_review(request.user, kind, obj)
    except NotAReviewer as exc:
        raise PermissionDenied from exc
    except ReviewRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(title)s” is confirmed as still correct.") % {"title": obj})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "waymark_due_for_review"
    return redirect(next_url)


class StatusFilterForm(forms.Form):
    """Filters of the "Translation status" report."""

    language = forms.ChoiceField(label=_("Language"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All")), ("page", _("Pages")), ("service", _("Services"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *translation_status.LABELS.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = languages.names()
        self.fields["language"].choices = [
            ("", _("All")),
            *((code, names[code]) for code in languages.translations()),
        ]


class TranslationStatusView(ReportView):
    """Pages and services x languages: missing, in progress, awaiting review, changes
    pending, outdated, up to date; each cell links to the next step for the person looking.
    A translator of one language sees that language unless they ask for another."""

    template_name = "editorial/translation_status.html"
    page_title = _("Translation status")
    header_icon = "globe"
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        own = translation_review.translation_languages(user)
        data = self.request.GET.copy()
        if "language" not in data and len(own) == 1:
            data["language"] = own[0]
        form = StatusFilterForm(data)
        cleaned = form.cleaned_data if form.is_valid() else {}
        codes = [cleaned["language"]] if cleaned.get("language") else languages.translations()
        sources = translation_status.Sources(
            kind=cleaned.get("kind") or None, status=cleaned.get("status"), codes=codes
        )
        page = Paginator(sources, self.per_page).get_page(self.request.GET.get("p"))
        rows = translation_status.rows(page.object_list, codes=codes, user=user)
        names = languages.names()
        context.update(
            filter_form=form,
            rows=rows,
            page_obj=page,
            languages=[(code, names[code]) for code in codes],
        )
        return context


class HighRiskFilterForm(forms.Form):
    """Filters of the "High-risk changes" report."""

    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All")), *HighRiskChange.Kind.choices]
    )
    unreviewed = forms.BooleanField(label=_("Approved by the proposer only"), required=False)


class HighRiskChangesView(ReportView):
    """Every published high-risk change, newest first: what changed, who proposed, who approved."""

    template_name = "editorial/high_risk_changes.html"
    page_title = _("High-risk changes")
    header_icon = "warning"
    per_page = 50

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("editorial.view_highriskchange"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = HighRiskFilterForm(self.request.GET or None)
        cleaned = form.cleaned_data if form.is_valid() else {}
        changes = HighRiskChange.objects.select_related(
            "locale",
            "proposed_by",
            "approved_by",
            "source_change__locale",
            "source_change__proposed_by",
            "source_change__approved_by",
        )
        if cleaned.get("language"):
            changes = changes.filter(locale__language_code=cleaned["language"])
        if cleaned.get("kind"):
            changes = changes.filter(kind=cleaned["kind"])
        if cleaned.get("unreviewed"):
            changes = changes.filter(approved_by=F("proposed_by"))
        page = Paginator(changes, self.per_page).get_page(self.request.GET.get("p"))
        urls = edit_urls(page.object_list, self.request.user)
        for change in page.object_list:
            change.rows = [describe(item) for item in change.changes]
            change.edit_url = urls[change.pk]
            change.self_approved = (
                change.approved_by_id is not None and change.approved_by_id == change.proposed_by_id
            )
        context.update(filter_form=form, changes=page.object_list, page_obj=page)
        return context
