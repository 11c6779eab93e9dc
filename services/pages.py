"""The services directory page type: one per language, each service at <directory>/<slug>/.

Wagtail serves the directory's list and each service's page through this page's
routes; what they show comes from services.directory. It is defined here and not in
models.py because it is served by directory.py, which itself reads the models;
models.py imports this module last, and these modules name each other by module
(`from . import directory`), so Django finds the page type among the app's models
whichever of them is imported first.
"""

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.caching import kept_for_language, kept_fragment
from cms.fields import LIMITED_FEATURES
from cms.highrisk import HighRiskPanel
from cms.versions import VERSION_HEADER, OfflineVersioned, service_version

from . import directory
from .models import Service


class ServiceDirectoryPage(OfflineVersioned, RoutablePageMixin, Page):
    """The support-services directory of one language, with each service at <directory>/<slug>/."""

    intro = RichTextField(features=LIMITED_FEATURES, blank=True, verbose_name=_("intro"))

    content_panels = [HighRiskPanel(), *Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        db_table = "home_servicedirectorypage"  # made by home before the page type moved here
        verbose_name = _("services directory")

    def service_url(self, service, request=None):
        """Where a service's page is, under this directory."""
        return f"{self.get_url(request)}{service.slug}/"

    @path("")
    def directory(self, request):
        base = self.get_url(request)  # once: a page of results lists twenty services
        context = directory.directory_page_context(
            request, lambda service: f"{base}{service.slug}/"
        )
        response = self.render(request, context_overrides=context)
        if context["invalid"]:
            response.status_code = 404 if context.get("page_missing") else 400
        return response

    @path("<slug:slug>/")
    def service(self, request, slug):
        service = (
            Service.objects.sources()
            .filter(live=True, slug=slug)
            .select_related("organization", "locale")
            .first()
        )
        if service is None:
            raise Http404

        now = timezone.now()

        def view():
            # Read only when the page's parts are not kept (cms.caching.kept_fragment).
            prefetch_related_objects([service], *directory.structure_lookups(), "sources__document")
            context = directory.service_detail_context(service, request, now=now)
            shown = context["service"]
            shown.page_url = request.build_absolute_uri(self.service_url(service, request))
            return shown

        shown = SimpleLazyObject(view)
        # Kept with the service's parts: the version changes with the service and with its
        # words in the reader's language, and a publish of either moves the generation.
        version = kept_fragment(
            request,
            "service-version",
            [service.pk, service.last_published_at],
            lambda: service_version(
                service, shown.text if shown.text is not shown.structure else None
            ),
        )
        context = {
            "service": shown,
            "service_key": (service.pk, service.last_published_at),
            "now": now,
            "today": now.date(),
            "route_suffix": f"{slug}/",
        }
        response = self.render(
            request, context_overrides=context, template="services/service_detail.html"
        )
        response.headers[VERSION_HEADER] = version
        return response


def directory_url(language_code, request=None):
    """The URL of the live services directory in a language, or None (one query)."""
    page = (
        ServiceDirectoryPage.objects.live()
        .filter(locale__language_code=language_code)
        .only("id", "url_path", "path", "depth", "locale_id")
        .first()
    )
    return page.get_url(request) if page else None


def directory_link(request):
    """{"url", "title"} of the live directory in the active language, else {}: kept per
    language and host until the language changes (cms.caching.kept_for_language: publishing,
    moving or unpublishing the directory moves it), so a page view asks nothing for it."""

    def find(code):
        page = (
            ServiceDirectoryPage.objects.live()
            .filter(locale__language_code=code)
            .only("id", "title", "url_path", "path", "depth", "locale_id")
            .first()
        )
        return {"url": page.get_url(request), "title": page.title} if page else {}

    return kept_for_language("directory-link", request, find)
