"""Factories for reader pages, so tests build exactly the content they talk about."""

import datetime

import factory
import wagtail_factories
from wagtail.models import Locale

from home.models import TopicIndexPage, TopicPage


def question(n):
    """One question block's raw data."""
    return {
        "type": "question",
        "value": {"question": f"Question number {n}?", "answer": f"<p>Answer number {n}.</p>"},
    }


def contact(n):
    """One call block's raw data."""
    return {
        "type": "contact",
        "value": {
            "kind": "call",
            "label": f"Helpline {n}",
            "phone": "+12038543011",
            "keyword": "",
            "url": "",
            "note": "",
        },
    }


class TopicIndexPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Index {n}")
    slug = factory.Sequence(lambda n: f"index-{n}")

    class Meta:
        model = TopicIndexPage


class TopicPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    summary = "A topic made by a test."
    last_reviewed = datetime.date(2026, 10, 1)
    body = factory.LazyFunction(lambda: [question(1), question(2), contact(1)])

    class Meta:
        model = TopicPage


def english_index():
    """The demo's English topic index."""
    return TopicIndexPage.objects.get(locale=Locale.objects.get(language_code="en"))
