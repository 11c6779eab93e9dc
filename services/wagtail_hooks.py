"""Admin for the directory: services (drafts, revisions, review), organizations, locations.

Search uses each model's own search index (its `search_fields`), which works
with the database backend on SQLite and PostgreSQL alike.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.models import Locale
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Location, Organization, Service, can_edit_language


class OwnLanguagesOnly:
    """A service's drafts, revisions and history are for those who may edit its language.

    The edit, delete and unpublish doors are guarded by the hooks below; these
    side doors (revision views, comparisons, history) would otherwise show a
    language's drafts to any staff member with access to services.
    """

    def get_object(self, *args, **kwargs):
        service = super().get_object(*args, **kwargs)
        if not can_edit_language(self.request.user, service.locale.language_code):
            raise PermissionDenied
        return service


def own_languages_only(view_class):
    return type(f"OwnLanguages{view_class.__name__}", (OwnLanguagesOnly, view_class), {})


class ServiceViewSet(SnippetViewSet):
    """Services: searchable, filterable, exportable; drafts go through review."""

    model = Service
    revisions_view_class = own_languages_only(snippet_views.PreviewRevisionView)
    revisions_compare_view_class = own_languages_only(snippet_views.RevisionsCompareView)
    history_view_class = own_languages_only(snippet_views.HistoryView)
    workflow_history_view_class = own_languages_only(snippet_views.WorkflowHistoryView)
    workflow_history_detail_view_class = own_languages_only(snippet_views.WorkflowHistoryDetailView)
    workflow_preview_view_class = own_languages_only(snippet_views.WorkflowPreviewView)
    icon = "help"
    menu_label = _("Services")
    list_display = ["name", "locale", "organization", "status", "assured_date", "live"]
    list_filter = {
        "status": ["exact"],
        "categories": ["exact"],
        "free": ["exact"],
        "confidential": ["exact"],
        "no_police": ["exact"],
        "police": ["exact"],
        "live": ["exact"],
    }
    list_export = [
        "name",
        "slug",
        "organization",
        "status",
        "free",
        "confidential",
        "no_police",
        "police",
        "walk_in",
        "always_open",
        "assured_date",
        "assurer",
        "url",
        "email",
        "live",
    ]
    export_filename = "services"
    inspect_view_enabled = True
    ordering = ["name"]

    @property
    def url_finder_class(self):
        """Edit links (AdminURLFinder) only to services in languages the user works in, as
        the edit view itself allows: reports, dashboards and e-mails link nowhere else."""
        base = super().url_finder_class

        class OwnLanguagesURLFinder(base):
            def get_edit_url(self, instance):
                if self.user and not can_edit_language(self.user, instance.locale.language_code):
                    return None
                return super().get_edit_url(instance)

        return OwnLanguagesURLFinder


class OrganizationViewSet(SnippetViewSet):
    """Who provides services."""

    model = Organization
    icon = "group"
    menu_label = _("Organizations")
    list_display = ["name", "website"]
    list_export = ["name", "description", "website", "email"]


class LocationViewSet(SnippetViewSet):
    """Where services are delivered."""

    model = Location
    icon = "site"
    menu_label = _("Locations")
    list_display = ["name", "address_1", "city"]
    list_export = ["name", "address_1", "address_2", "city", "state_province", "postal_code"]
    list_filter = ["city"]


class DirectoryGroup(SnippetViewSetGroup):
    """One "Directory" menu for everything about services."""

    menu_label = _("Directory")
    menu_icon = "list-ul"
    menu_order = 250
    items = (ServiceViewSet, OrganizationViewSet, LocationViewSet)


register_snippet(DirectoryGroup)


def _refuse_other_languages(request, services):
    """Stop the view when the user does not work in a service's language."""
    for service in services:
        if isinstance(service, Service) and not can_edit_language(
            request.user, service.locale.language_code
        ):
            return permission_denied(request)
    return None


# Run before wagtail-localize's own hooks, which open the translation editor.
@hooks.register("before_edit_snippet", order=-100)
def edit_only_in_own_languages(request, instance):
    return _refuse_other_languages(request, [instance])


@hooks.register("before_delete_snippet", order=-100)
def delete_only_in_own_languages(request, instances):
    return _refuse_other_languages(request, instances)


@hooks.register("before_unpublish", order=-100)
def unpublish_only_in_own_languages(request, instance):
    return _refuse_other_languages(request, [instance])


@hooks.register("before_create_snippet", order=-100)
def create_only_in_own_languages(request, model):
    if model is Service:
        language = request.GET.get("locale") or Locale.get_default().language_code
        if not can_edit_language(request.user, language):
            return permission_denied(request)
    return None
