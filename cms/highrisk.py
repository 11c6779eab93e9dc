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
    "field": _("Reporting service"),
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
            self.changes = [describe(change) for change in pending_changes(self.instance)]

        def is_shown(self):
            return bool(self.changes)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["changes"] = self.changes
            return context
