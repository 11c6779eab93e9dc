"""StreamField blocks for topic pages: questions and answers, callouts, contacts, text."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from cms.fields import LIMITED_FEATURES, web_address
from cms.highrisk import Fact
from cms.phones import display_phone, normalize_phone, phone_href
from services.blocks import GetHelpBlock, ServiceChooserBlock


class StructuralTextBlock(blocks.FieldBlock):
    """Short text that is the same in every language (a phone number, an SMS keyword).

    Not a CharBlock on purpose: wagtail-localize offers CharBlocks to translators,
    while these values are copied unchanged into every translation.
    """

    def __init__(self, required=False, help_text=None, max_length=None, **kwargs):
        self.field = forms.CharField(required=required, help_text=help_text, max_length=max_length)
        super().__init__(**kwargs)

    def get_searchable_content(self, value):
        return [value] if value else []


class QuestionBlock(blocks.StructBlock):
    """One question and its answer; the questions make the page's table of contents."""

    question = blocks.CharBlock(max_length=200, label=_("Question"))
    answer = blocks.RichTextBlock(features=LIMITED_FEATURES, label=_("Answer"))

    class Meta:
        icon = "help"
        template = "home/blocks/question.html"
        label = _("Question and answer")
        description = _("A question readers ask, answered in plain words.")
        preview_value = {
            "question": "Where can I get a free, confidential test?",
            "answer": "<p>The health department tests for free, without an appointment.</p>",
        }


class CalloutBlock(blocks.StructBlock):
    """A boxed warning or piece of information that must not be missed."""

    kind = blocks.ChoiceBlock(
        choices=[("warning", _("Warning")), ("info", _("Information"))],
        default="info",
        label=_("Kind"),
    )
    title = blocks.CharBlock(max_length=120, required=False, label=_("Title"))
    text = blocks.RichTextBlock(features=LIMITED_FEATURES, label=_("Text"))

    class Meta:
        icon = "warning"
        template = "home/blocks/callout.html"
        label = _("Callout")
        description = _("A warning or an important piece of information, set apart.")
        preview_value = {
            "kind": "warning",
            "title": "Do not confront anyone",
            "text": "<p>Write down what you saw and report it.</p>",
        }


class ContactBlock(blocks.StructBlock):
    """One tap to call, to text (keyword pre-filled) or to open a web page."""

    kind = blocks.ChoiceBlock(
        choices=[("call", _("Call")), ("text", _("Text (SMS)")), ("web", _("Web link"))],
        default="call",
        label=_("Kind"),
    )
    label = blocks.CharBlock(max_length=120, label=_("Label"))
    service = ServiceChooserBlock(
        required=False,
        label=_("Service"),
        help_text=_(
            "Use this directory service's number, text line or website, so a change "
            "to the service reaches this page too. Leave the fields below empty."
        ),
    )
    phone = StructuralTextBlock(
        max_length=32,
        label=_("Phone number or short code"),
        help_text=_("For calls and texts, e.g. (203) 854-3011 or 847411."),
    )
    keyword = StructuralTextBlock(
        max_length=60,
        label=_("Text message keyword"),
        help_text=_("Pre-filled in the reader's message, e.g. NORWALKPD."),
    )
    url = blocks.URLBlock(required=False, label=_("Web address"), validators=[web_address])
    note = blocks.CharBlock(
        max_length=200,
        required=False,
        label=_("Note"),
        help_text=_("e.g. 'Anonymous, 24 hours a day'."),
    )

    class Meta:
        icon = "mobile-alt"
        template = "home/blocks/contact.html"
        label = _("Contact")
        description = _("A phone number, text line or web page the reader can reach in one tap.")
        preview_value = {
            "kind": "call",
            "label": "National Human Trafficking Hotline",
            "phone": "1-888-373-7888",
            "note": "24 hours a day",
        }

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        kind = value.get("kind")
        if value.get("service") is not None:
            if not service_contact(value["service"], kind):
                errors["service"] = ErrorList(
                    [_("This service has no way to be reached like that. Choose another kind.")]
                )
            elif value.get("phone") or value.get("keyword") or value.get("url"):
                errors["service"] = ErrorList(
                    [_("Either choose a service or type a number or address, not both.")]
                )
        elif kind in ("call", "text"):
            try:
                value["phone"] = normalize_phone(value.get("phone"))
            except ValidationError as exc:
                errors["phone"] = ErrorList([exc])
            if kind == "call" and value.get("keyword"):
                errors["keyword"] = ErrorList([_("A keyword only makes sense for a text line.")])
        elif kind == "web" and not value.get("url"):
            errors["url"] = ErrorList([_("Give a web address starting with https://.")])
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def high_risk_facts(self, value, path, where, facts):
        """The contact's number (and whether it is to call or text), keyword, link or service."""
        where = value.get("label") or ""
        if value.get("service") is not None:
            facts[f"{path}.service"] = Fact("service", where, str(value["service"]))
        if value.get("phone"):
            kind = "text" if value.get("kind") == "text" else "call"
            facts[f"{path}.phone"] = Fact(
                "phone", where, f"{kind}: {display_phone(value['phone'])}"
            )
        if value.get("keyword"):
            facts[f"{path}.keyword"] = Fact("keyword", where, value["keyword"])
        if value.get("url"):
            facts[f"{path}.url"] = Fact("url", where, value["url"])

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        kind, phone = value.get("kind"), value.get("phone") or ""
        if value.get("service") is not None:
            href, phone, keyword = service_contact(value["service"], kind) or ("", "", "")
            context.update(href=href, display_phone=display_phone(phone), keyword=keyword)
            return context
        if kind in ("call", "text"):
            href = phone_href(phone, text=kind == "text", keyword=value.get("keyword"))
        else:
            href = value.get("url")
        context.update(href=href, display_phone=display_phone(phone), keyword=value.get("keyword"))
        return context


def service_contact(service, kind):
    """(href, number, keyword) to reach a service that way, from its source-language phones."""
    structure = service.structure
    phones = list(structure.phones.all())
    if kind == "call":
        for phone in phones:
            if phone.kind in ("hotline", "voice"):
                return phone.href, phone.number, ""
    elif kind == "text":
        for phone in phones:
            if phone.kind == "text":
                return phone.href, phone.number, phone.sms_keyword
    elif kind == "web" and structure.url:
        return structure.url, "", ""
    return None


class TopicBodyBlock(blocks.StreamBlock):
    """What a topic page is made of."""

    question = QuestionBlock()
    callout = CalloutBlock()
    contact = ContactBlock()
    services = GetHelpBlock()
    text = blocks.RichTextBlock(
        features=LIMITED_FEATURES,
        icon="pilcrow",
        template="home/blocks/text.html",
        label=_("Text"),
        description=_("A paragraph or list outside any question."),
    )


class HelpLinksBlock(blocks.StreamBlock):
    """The "get help now" contacts shown first on the home page."""

    contact = ContactBlock()
