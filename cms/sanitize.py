"""What staff (and readers, through feedback) type is cleaned as it is saved, whatever the way in.

The admin's rich text editor already keeps only the tags its features allow,
but rows are also written by wagtail-localize (translations, PO uploads), the
HSDS importer and management commands. So every save of a Waymark model

- keeps, in rich text, only the tags the reader templates expect (paragraphs,
  emphasis, lists, links) and only links whose scheme is safe (no
  ``javascript:``); anything else is unwrapped to its text;
- does the same to each new revision (draft) of those models, so previews and
  comparisons show staff what readers would get;
- removes the Unicode bidirectional override, embedding and isolate controls
  (U+202A-U+202E, U+2066-U+2069) from every piece of text, so a name cannot
  reverse the characters around it ("Trojan Source" spoofing) on a page or in
  the admin. Right-to-left text needs none of them: Arabic is laid out by the
  page's `dir`, and the left-to-right and right-to-left marks stay.

Everything else is escaped when it is rendered, by Django's templates.

Which apps are cleaned is said by each app, on its AppConfig:
`clean_saved_text = True` (or False, with a reason in a comment). A system check
(cms.checks) fails when one of Waymark's apps with text fields says neither, so
a new app cannot be silently left out.
"""

import json
import re

from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import CharField, TextField
from wagtail.whitelist import Whitelister, allow_without_attributes, attribute_rule, check_url

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# The AppConfig attribute by which an app says whether what it saves is cleaned.
OPT_IN = "clean_saved_text"


# Where an editor-typed link may send a reader: a web page, a number to call or text, an
# e-mail address, a map, or a path on this site. Never javascript:, data: or vbscript:.
SAFE_SCHEMES = ("https:", "http:", "tel:", "sms:", "mailto:", "geo:")
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


def safe_link(value):
    """The link target if readers may safely follow it, else "".

    Forms already refuse other schemes; this guards rows written some other way.
    """
    href = str(value or "").strip()
    squeezed = _IGNORED_IN_SCHEME.sub("", href).lower()
    if squeezed.startswith(SAFE_SCHEMES):
        return href
    if href.startswith("/") and not href.startswith(("//", "/\\")):
        return href
    return ""


def strip_bidi(text):
    """Text without bidirectional override, embedding or isolate controls."""
    return BIDI_CONTROLS.sub("", text) if text else text


class RichTextCleaner(Whitelister):
    """Wagtail's database rich text, limited to what Waymark's editors can make."""

    element_rules = {
        "[document]": allow_without_attributes,
        "a": attribute_rule({"href": check_url, "linktype": True, "id": True}),
        "b": allow_without_attributes,
        "br": allow_without_attributes,
        "em": allow_without_attributes,
        "i": allow_without_attributes,
        "li": allow_without_attributes,
        "ol": allow_without_attributes,
        "p": allow_without_attributes,
        "strong": allow_without_attributes,
        "ul": allow_without_attributes,
    }

    def clean_tag_node(self, doc, tag):
        if tag.name in ("script", "style", "template", "noscript", "iframe", "object"):
            tag.decompose()  # their contents are code, not text for readers
            return
        super().clean_tag_node(doc, tag)


_cleaner = RichTextCleaner()


def clean_rich_text(html):
    """Database rich text with only the allowed tags and safe links, and no bidi controls."""
    if not html:
        return html
    return strip_bidi(_cleaner.clean(html))


def clean_block_value(block, value):
    """A StreamField block's value with its rich text and text cleaned, in place where possible."""
    from wagtail import blocks
    from wagtail.rich_text import RichText

    if value is None:
        return value
    if isinstance(block, blocks.RichTextBlock):
        cleaned = clean_rich_text(value.source)
        return value if cleaned == value.source else RichText(cleaned)
    if isinstance(block, blocks.StreamBlock):
        for child in value:
            child.value = clean_block_value(child.block, child.value)
        return value
    if isinstance(block, blocks.ListBlock):
        for child in value.bound_blocks:
            child.value = clean_block_value(block.child_block, child.value)
        return value
    if isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            if name in value:
                value[name] = clean_block_value(child_block, value[name])
        return value
    if isinstance(value, str):
        return strip_bidi(value)
    return value


def clean_instance(instance):
    """Clean every text, rich text and StreamField value of a model instance before it is saved."""
    from wagtail.fields import RichTextField, StreamField

    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if value is None:
            continue
        if isinstance(field, RichTextField):
            cleaned = clean_rich_text(value)
        elif isinstance(field, StreamField):
            cleaned = clean_block_value(field.stream_block, value)
        elif isinstance(field, (CharField, TextField)) and isinstance(value, str):
            cleaned = strip_bidi(value)
        else:
            continue
        if cleaned is not value and cleaned != value:
            setattr(instance, field.attname, cleaned)


def clean_content(model, content):
    """Clean a revision's stored content (field name -> JSON value) the way a save would."""
    from wagtail.fields import RichTextField, StreamField

    for name, stored in list(content.items()):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # pk, or Wagtail's bookkeeping keys
        if stored in (None, ""):
            continue
        if isinstance(field, RichTextField) and isinstance(stored, str):
            content[name] = clean_rich_text(stored)
        elif isinstance(field, StreamField):
            raw = json.loads(stored) if isinstance(stored, str) else stored
            stream = field.stream_block.to_python(raw)
            cleaned = field.stream_block.get_prep_value(
                clean_block_value(field.stream_block, stream)
            )
            if isinstance(stored, str):
                cleaned = json.dumps(cleaned, cls=DjangoJSONEncoder)
            content[name] = cleaned
        elif isinstance(field, (CharField, TextField)) and isinstance(stored, str):
            content[name] = strip_bidi(stored)
        elif getattr(field, "one_to_many", False) and isinstance(stored, list):
            # Child rows (phones, hours, sources): plain text only.
            for row in stored:
                if isinstance(row, dict):
                    for key, item in row.items():
                        if isinstance(item, str):
                            row[key] = strip_bidi(item)
    return content


def is_cleaned(model):
    """Whether saves of this model are cleaned: its app said so on its AppConfig."""
    return getattr(model._meta.app_config, OPT_IN, False) is True


def clean_revision(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save receiver for new revisions of Waymark's models: drafts are cleaned too, so
    previews, comparisons and the high-risk record read what readers would get."""
    if raw or update_fields or not instance._state.adding:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    if model is None or not is_cleaned(model) or not instance.content:
        return
    instance.content = clean_content(model, instance.content)


def clean_before_save(sender, instance, raw=False, **kwargs):
    """pre_save receiver for Waymark's own models (page types, services, settings, feedback)."""
    if raw or not is_cleaned(sender):
        return
    clean_instance(instance)


def connect_signals():
    """Clean on every save of a model in Waymark's apps (called from CmsConfig.ready)."""
    from django.db.models.signals import pre_save
    from wagtail.models import Revision

    pre_save.connect(clean_before_save, dispatch_uid="waymark_clean_before_save")
    pre_save.connect(clean_revision, sender=Revision, dispatch_uid="waymark_clean_revision")
