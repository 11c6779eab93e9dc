"""The baseline page `make bench` measures Waymark's pages against (bench.models.BaselinePage).

It holds the text of a topic page (questions, answers, callouts, contacts, text)
as one rich-text field, in the database's own rich-text format (internal links
are resolved when it is served, as in the topic page), beside that page's
language home: the same routing, settings and middleware, none of Waymark's
blocks or components.
"""

from django.utils.html import escape
from wagtail.models import Page

from bench.models import BaselinePage

SLUG = "bench-baseline"


def stream_as_rich_text(stream):
    """A topic page body's stored text as rich-text HTML (no block is rendered)."""
    html = []
    for item in stream.raw_data:
        kind, value = item["type"], item["value"]
        if kind == "question":
            html.append(f"<h2>{escape(value['question'])}</h2>{value['answer']}")
        elif kind == "callout":
            if value.get("title"):
                html.append(f"<h3>{escape(value['title'])}</h3>")
            html.append(value["text"])
        elif kind == "text":
            html.append(value)
        elif kind == "contact":
            parts = [value.get("label"), value.get("phone"), value.get("note")]
            words = " ".join(part for part in parts if part)
            html.append(f"<p>{escape(words)}</p>")
        elif kind == "services" and value.get("heading"):
            html.append(f"<h2>{escape(value['heading'])}</h2>")
    return "".join(html)


def install_baseline(topic):
    """Create (or refresh) the baseline page beside `topic`'s language home; return its URL."""
    home = Page.objects.get(locale_id=topic.locale_id, depth=2)
    body = f"<p>{escape(topic.summary)}</p>{stream_as_rich_text(topic.body)}"
    page = BaselinePage.objects.filter(slug=SLUG, locale_id=topic.locale_id).first()
    if page is None:
        page = home.add_child(
            instance=BaselinePage(
                title=topic.title, slug=SLUG, body=body, locale_id=topic.locale_id, live=True
            )
        )
    else:
        page.title, page.body = topic.title, body
        page.save()
    return page.url
