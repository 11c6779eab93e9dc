"""Right-to-left done right, as Chromium lays it out: in Arabic pages phone numbers keep their
digits in order (rich text included), and English words shown as a fallback read left to
right. Tested by where the characters are drawn, not by the markup."""

import itertools

DRAWN = """(needle) => {
    const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
    const found = [];
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const at = node.data.indexOf(needle);
        if (at < 0) continue;
        const boxes = [];
        for (let k = 0; k < needle.length; k++) {
            if (!/[0-9A-Za-z]/.test(needle[k])) continue;
            const range = document.createRange();
            range.setStart(node, at + k);
            range.setEnd(node, at + k + 1);
            const box = range.getBoundingClientRect();
            boxes.push([box.left, box.top]);
        }
        found.push(boxes);
    }
    return found;
}"""


def drawn_in_order(page, needle, one_line=False):
    """Each occurrence's characters drawn as written: left to right along a line, lines
    going down (a phone number on one line)."""
    occurrences = page.evaluate(DRAWN, needle)
    assert occurrences, f"{needle!r} is not on the page"
    for boxes in occurrences:
        tops = [round(top) for _left, top in boxes]
        if tops != sorted(tops) or (one_line and len(set(tops)) != 1):
            return False
        for (left, top), (next_left, next_top) in itertools.pairwise(boxes):
            if round(top) == round(next_top) and next_left < left:
                return False
    return True


def test_phone_numbers_in_arabic_rich_text_keep_their_digits_in_order(page):
    page.goto("/ar/topics/reporting/")
    for number in ("(203) 854-3011", "1-888-373-7888"):
        assert drawn_in_order(page, number, one_line=True), number


def test_english_fallback_words_on_arabic_pages_read_left_to_right(page):
    page.goto("/ar/services/health-department-testing/")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).direction") == "ltr"
    assert page.evaluate("getComputedStyle(document.querySelector('address')).direction") == "ltr"
    assert drawn_in_order(page, "137 East Ave")
    page.goto("/ar/services/")
    directions = page.evaluate(
        "[...document.querySelectorAll('.service-card__name [lang=en]')]"
        ".map(el => getComputedStyle(el).direction)"
    )
    assert directions and set(directions) == {"ltr"}
