"""High-risk facts: the values readers act on (a phone number, a text keyword, a link), read
from any page, service or setting, compared between two versions, and shown in the editor.

A stolen editor account does the most harm by swapping a hotline's number
for someone else's. So every change to the ways readers reach help is shown
to the reviewer old beside new before approval (`HighRiskPanel`), and, once
published, recorded and e-mailed by the editorial app (editorial.highrisk).

This module is the generic part and knows no page type or model of its own:

- A model names its own facts with a `high_risk_facts()` method (services,
  reader settings). Pages are walked field by field: every StreamField and
  rich text field.
- A block that holds facts says so with a `high_risk_facts(value, path, where,
  facts)` method (contacts, chosen services, "get help now"), which the walker
  calls instead of looking inside; rich text blocks give their links.
- An app puts its own stored values into staff's words by registering
  labellers (`register_labels`) from its AppConfig.ready().

"Facts" sit under a key that stays the same from one revision to the next (a
block's id, a phone's HSDS id), so a changed value shows as a change, not as
one removal and one addition.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import Panel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Revision

WHAT = {
    "phone": _("Phone number"),
    "keyword": _("Text keyword"),
    "url": _("Web address"),
    "email": _("E-mail address"),
    "service": _("Service linked"),
    "category": _("Services listed"),
    "link": _("Link in text"),
    "address": _("Address"),
    "field": _("Reporting service"),
    "alert": _("Alert"),
}
# How a phone fact's value starts ("call: (203) 854-3011"); apps add their own kinds.
PHONE_KINDS = {"call": _("Call"), "text": _("Text (SMS)")}
FIELD_TEXT_MAX = 300
HREF = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"", re.IGNORECASE)


@dataclass(frozen=True)
class Fact:
    """One value readers act on: what it is, which contact or field it belongs to, the value."""

    what: str
    where: str
    value: str


def fact_text(value):
    """A stored field value as a fact's text: yes/no, empty for none, long text cut short."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = "" if value is None else str(value)
    return text if len(text) <= FIELD_TEXT_MAX else text[: FIELD_TEXT_MAX - 1] + "…"


# -- reading facts -------------------------------------------------------------


def facts_of(obj):
    """The high-risk facts of a page, or of any model that names its own, by stable key."""
    own = getattr(obj, "high_risk_facts", None)
    if callable(own):
        return own()
    if isinstance(obj, Page):
        return page_facts(obj)
    return {}


def page_facts(page):
    """Facts in every StreamField and rich text field of a page."""
    facts = {}
    for field in page._meta.concrete_fields:
        value = getattr(page, field.name, None)
        if isinstance(field, StreamField) and value is not None:
            walk_stream(value, field.name, facts)
        elif isinstance(field, RichTextField):
            add_links(value or "", field.name, str(field.verbose_name), facts)
    return facts


def walk_stream(stream, path, facts):
    """Facts in a StreamField value (or a StreamBlock's), each block under its own id."""
    for child in stream:
        walk(child.block, child.value, f"{path}.{child.id}", str(child.block.label), facts)


def walk(block, value, path, where, facts):
    """Facts in one block's value: the block's own `high_risk_facts`, else what it contains."""
    if value is None:
        return
    own = getattr(block, "high_risk_facts", None)
    if callable(own):
        own(value, path, where, facts)
    elif isinstance(block, blocks.RichTextBlock):
        add_links(value.source, path, where, facts)
    elif isinstance(block, blocks.StreamBlock):
        walk_stream(value, path, facts)
    elif isinstance(block, blocks.ListBlock):
        for item in value.bound_blocks:
            walk(block.child_block, item.value, f"{path}.{item.id}", where, facts)
    elif isinstance(block, blocks.StructBlock):
        walk_children(block, value, path, where, facts)


def walk_children(block, value, path, where, facts):
    """Facts in each child of a StructBlock value (for blocks that add their own first)."""
    for name, child_block in block.child_blocks.items():
        walk(child_block, value.get(name), f"{path}.{name}", where, facts)


def add_links(html, path, where, facts):
    """Every link in a piece of rich text, one fact each."""
    for href in dict.fromkeys(HREF.findall(html)):
        facts[f"{path}.link.{href}"] = Fact("link", where, href)


def compare(old, new):
    """What changed between two sets of facts: [{"what", "where", "old", "new"}], in order.

    A value removed and another added in the same place (a phone deleted and a new one
    added, a link's address replaced) read as one change from the old value to the new.
    """
    changes, added = [], {}
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if (before.value if before else "") == (after.value if after else ""):
            continue
        fact = after or before
        change = {
            "what": fact.what,
            "where": fact.where,
            "old": before.value if before else "",
            "new": after.value if after else "",
        }
        if before is None:
            added.setdefault((fact.what, fact.where), []).append(change)
        changes.append(change)
    for change in list(changes):
        replacements = added.get((change["what"], change["where"]))
        if change["new"] == "" and replacements:
            replacement = replacements.pop(0)
            change["new"] = replacement["new"]
            changes.remove(replacement)
    return changes


# -- putting stored values in staff's words ------------------------------------

_where_labellers = []
_value_labellers = []


def register_labels(where=None, value=None, phone_kinds=None):
    """Let an app name its facts in staff's words (called from its AppConfig.ready()).

    `where(what, where)` and `value(what, value)` return a label, or None when the
    fact is not theirs; `phone_kinds` adds the kinds a phone fact's value may start with.
    """
    if where is not None and where not in _where_labellers:
        _where_labellers.append(where)
    if value is not None and value not in _value_labellers:
        _value_labellers.append(value)
    PHONE_KINDS.update(phone_kinds or {})


def _first_label(labellers, what, item):
    for labeller in labellers:
        label = labeller(what, item)
        if label is not None:
            return str(label)
    return None


def describe(change):
    """One change as staff read it, in the active language: (what, where, old, new)."""
    what, where = change["what"], change["where"]
    return (
        str(WHAT.get(what, what)),
        _first_label(_where_labellers, what, where) or where,
        value_label(what, change["old"]),
        value_label(what, change["new"]),
    )


def value_label(what, value):
    """A stored value as staff read it: a phone's kind, yes/no and apps' own codes in words."""
    if what == "phone":
        prefix, sep, rest = value.partition(": ")
        if sep and prefix in PHONE_KINDS:
            return f"{PHONE_KINDS[prefix]}: {rest}"
        return value
    label = _first_label(_value_labellers, what, value)
    if label is not None:
        return label
    if what == "field" and value in ("yes", "no"):
        return gettext("yes") if value == "yes" else gettext("no")
    return value


# -- old numbers left in prose --------------------------------------------------

PHONE_LIKE = re.compile(r"\+?\d[\d\s().\-]{5,}\d")


def _digits(text):
    return re.sub(r"\D", "", text)


def _same_number(old, candidate):
    """Whether two written numbers are the same: their last ten digits, or all of a short code."""
    old, candidate = _digits(old), _digits(candidate)
    if len(old) <= 6:
        return old == candidate
    return len(candidate) >= 7 and old[-10:] == candidate[-10:]


def _block_text(block, value, where, texts):
    """The prose in one block's value, appended to `texts` as (where, text)."""
    if value is None:
        return
    if isinstance(block, blocks.RichTextBlock):
        _add_text(texts, where, value.source)
    elif isinstance(block, blocks.StreamBlock):
        for child in value:
            _block_text(child.block, child.value, str(child.block.label), texts)
    elif isinstance(block, blocks.ListBlock):
        for item in value.bound_blocks:
            _block_text(block.child_block, item.value, where, texts)
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            _block_text(child_block, value.get(name), where, texts)
    else:
        _add_text(texts, where, value)


def _add_text(texts, where, value):
    if isinstance(value, str) and value.strip():
        texts.append((where, strip_tags(value) if "<" in value else value))


def free_text(obj):
    """[(where, text)] of everything written in prose on a page or model: its text fields,
    rich text and the text of its blocks."""
    texts = []
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname, None)
        where = str(field.verbose_name)
        if isinstance(field, StreamField) and value is not None:
            _block_text(field.stream_block, value, where, texts)
        elif isinstance(field, (models.CharField, models.TextField)) and not isinstance(
            field, (models.SlugField, models.URLField, models.EmailField)
        ):
            _add_text(texts, where, value)
    return texts


def _mentions(what, old, text):
    if what != "phone":
        return re.search(rf"\b{re.escape(old)}\b", text, re.IGNORECASE) is not None
    if any(_same_number(old, match) for match in PHONE_LIKE.findall(text)):
        return True
    digits = _digits(old)
    return len(digits) <= 6 and re.search(rf"\b{digits}\b", text) is not None


def stale_mentions(obj, changes):
    """Where a number or keyword this draft replaces is still written in prose, in the draft
    and in its translations: [(language, where, old value)]."""
    olds = [
        (change["what"], (change["old"].partition(": ")[2] or change["old"]).split(" ext. ")[0])
        for change in changes
        if change["what"] in ("phone", "keyword") and change["old"]
    ]
    if not olds:
        return []
    items = [obj]
    if getattr(obj, "translation_key", None) and obj.pk:
        items += [getattr(item, "specific", item) for item in obj.get_translations()]
    found = []
    for item in items:
        language = item.locale.get_display_name() if getattr(item, "locale", None) else ""
        for where, text in free_text(item):
            for what, old in olds:
                if what == "phone":
                    hit = any(_same_number(old, match) for match in PHONE_LIKE.findall(text))
                    hit = hit or (
                        len(_digits(old)) <= 6 and re.search(rf"\b{_digits(old)}\b", text)
                    )
                else:
                    hit = re.search(rf"\b{re.escape(old)}\b", text, re.IGNORECASE)
                if hit:
                    found.append((language, where, old))
    return list(dict.fromkeys(found))


# -- marking drafts in review --------------------------------------------------


def pending_changes(obj):
    """High-risk changes between the live version of a page or model and this draft of it."""
    if obj is None or obj.pk is None:
        return []
    live_revision_id = (
        type(obj)._default_manager.filter(pk=obj.pk).values_list("live_revision", flat=True).first()
    )
    live = Revision.objects.filter(pk=live_revision_id).first() if live_revision_id else None
    old = facts_of(live.as_object()) if live else {}
    return compare(old, facts_of(obj))


class HighRiskPanel(Panel):
    """Shows the editor and the reviewer every high-risk change the draft makes, old beside new."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("High-risk changes"))
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return "high_risk_changes"

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/panels/high_risk.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            pending = pending_changes(self.instance)
            self.changes = [describe(change) for change in pending]
            self.stale = stale_mentions(self.instance, pending) if pending else []

        def is_shown(self):
            return bool(self.changes)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["changes"] = self.changes
            context["stale"] = self.stale
            return context
