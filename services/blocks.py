"""StreamField blocks that show services on reader pages ("get help now", contacts)."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .models import Category


class ServiceChooserBlock(SnippetChooserBlock):
    """Chooses a service. The choice is the same service in every language: wagtail-localize
    copies it into translations unchanged, and readers see the service in their own language.
    """

    def __init__(self, **kwargs):
        super().__init__("services.Service", **kwargs)

    def get_translatable_segments(self, value):
        return []

    def restore_translated_segments(self, value, segments):
        return value


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

    def get_context(self, value, parent_context=None):
        from .directory import services_for_block

        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        context["services"] = services_for_block(
            chosen=[service for service in value["services"] if service is not None],
            category=value["category"],
            language_code=translation.get_language(),
            request=request,
        )
        return context
