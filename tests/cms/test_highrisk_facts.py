"""The generic high-risk walker: blocks and models name their own facts, apps name their values."""

from wagtail import blocks

from cms import highrisk
from cms.highrisk import Fact, compare, describe, walk, walk_stream


class PagerBlock(blocks.StructBlock):
    """A block of a (made-up) app of the future that holds a number readers call."""

    label = blocks.CharBlock()
    number = blocks.CharBlock()

    def high_risk_facts(self, value, path, where, facts):
        facts[f"{path}.number"] = Fact("phone", value["label"], f"call: {value['number']}")


def test_a_block_with_its_own_facts_is_asked_for_them_not_looked_into():
    block = PagerBlock()
    facts = {}
    walk(block, block.to_python({"label": "Pager", "number": "555"}), "body.x", "Pager", facts)
    assert facts == {"body.x.number": Fact("phone", "Pager", "call: 555")}


def test_other_blocks_are_looked_into_and_their_links_found():
    stream_block = blocks.StreamBlock([("pager", PagerBlock()), ("text", blocks.RichTextBlock())])
    value = stream_block.to_python(
        [
            {"type": "pager", "id": "a", "value": {"label": "Pager", "number": "555"}},
            {"type": "text", "id": "b", "value": '<p><a href="https://example.org/">x</a></p>'},
        ]
    )
    facts = {}
    walk_stream(value, "body", facts)
    assert set(facts) == {"body.a.number", "body.b.link.https://example.org/"}


def test_a_number_replaced_reads_as_one_change_from_old_to_new():
    old = {"a": Fact("phone", "Hotline", "call: 111")}
    new = {"b": Fact("phone", "Hotline", "call: 222")}
    assert compare(old, new) == [
        {"what": "phone", "where": "Hotline", "old": "call: 111", "new": "call: 222"}
    ]


def test_apps_put_their_own_values_into_words(monkeypatch):
    monkeypatch.setattr(highrisk, "_where_labellers", [])
    monkeypatch.setattr(highrisk, "_value_labellers", [])
    monkeypatch.setattr(highrisk, "PHONE_KINDS", dict(highrisk.PHONE_KINDS))
    change = {"what": "phone", "where": "pager", "old": "", "new": "beep: 555"}
    assert describe(change)[1:] == ("pager", "", "beep: 555")
    highrisk.register_labels(
        where=lambda what, where: "Pager line" if where == "pager" else None,
        phone_kinds={"beep": "Page"},
    )
    assert describe(change)[1:] == ("Pager line", "", "Page: 555")
