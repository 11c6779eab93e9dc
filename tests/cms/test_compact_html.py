"""Reader pages are sent without the templates' indentation, and nothing else changes."""

import pytest

from cms.middleware import compact_html

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_indentation_and_blank_lines_go_words_and_preformatted_text_stay():
    html = (
        b"<ul>\n    <li>one</li>\n\n\n    <li>two\n        words</li>\n</ul>\n"
        b"<pre>\n  keep   this\n    as is</pre>\n    "
        b"<textarea name=m>\n  a reader's\n    text</textarea>"
    )
    assert compact_html(html) == (
        b"<ul>\n<li>one</li>\n<li>two\nwords</li>\n</ul>\n"
        b"<pre>\n  keep   this\n    as is</pre>\n"
        b"<textarea name=m>\n  a reader's\n    text</textarea>"
    )


def test_reader_pages_are_sent_compact(reader):
    for url in ("/es/", "/ar/topics/reporting/", "/pt/servicos/", "/ht/search/?q=911"):
        page = reader.get(url).content
        assert b"\n " not in page and b"\n\n" not in page, url
