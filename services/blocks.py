"""StreamField blocks that show services on reader pages ("get help now", contacts)."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.highrisk import Fact, walk_children

from .directory import services_for_block
from .models import Category, Service


class ServiceChooserBlock(SnippetChooserBlock):
    """Chooses a service. The choice is the same service in every language: wagtail-localize
    copies it into translations unchanged, and readers see the service in their own language.
    """

    def __init__(self, **kwargs):
        super().__init__("services.Service", **kwargs)

    def get_translatable_segments(self, value):
        return []

    def bulk_to_python(self, values):
        """The chosen services with their source's phones: two queries for any number of them."""
        wanted = [value for value in values if value is not None]
        found = {
            service.pk: service
            for service in Service.objects.filter(pk__in=wanted)
            .select_related("locale", "organization")
            .prefetch_related("phones")
        }
        attach_structure(found.values())
        return [found.get(value) for value in values]

    def restore_translated_segments(self, value, segments):
        return value

    def high_risk_facts(self, value, path, where, facts):
        """Which service a page points readers to (cms.highrisk)."""
        facts[path] = Fact("service", where, str(value))


def attach_structure(services):
    """Give each service its source-language row (with phones), one query for those not sources."""
    missing = {service.translation_key for service in services if not service.is_source}
    sources = {}
    if missing:
        sources = {
            source.translation_key: source
            for source in Service.objects.sources()
            .filter(translation_key__in=missing)
            .prefetch_related("phones")
        }
    for service in services:
        if service.is_source:
            service.structure = service
        else:
            service.structure = sources.get(service.translation_key, service)


class GetHelpBlock(blocks.StructBlock):
    """A short list of services to reach now: chosen one by one, or every service of a category."""

    heading = blocks.CharBlock(
        max_length=120,
        required=False,
        label=_("Heading"),
        help_text=_("Leave empty for “Services that can help”."),
    )
    category = blocks.ChoiceBlock(
        choices=Category.Code.choices,
        required=False,
        label=_("Category"),
        help_text=_("Lists every service in this category, unless you choose services below."),
    )
    services = blocks.ListBlock(ServiceChooserBlock(), default=[], label=_("Services"))

    class Meta:
        icon = "list-ul"
        template = "services/blocks/get_help.html"
        label = _("Get help now")
        description = _("Services readers can call, text or visit, with whether they are open.")
        preview_value = {"heading": "", "category": "reporting", "services": []}

    def high_risk_facts(self, value, path, where, facts):
        """The category whose services are listed, and each chosen service, under the heading."""
        where = value.get("heading") or where
        if value.get("category"):
            facts[f"{path}.category"] = Fact("category", where, value["category"])
        walk_children(self, value, path, where, facts)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        context["services"] = services_for_block(
            chosen=[service for service in value["services"] if service is not None],
            category=value["category"],
            language_code=translation.get_language(),
            request=request,
        )
        return context
