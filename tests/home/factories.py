"""Factories for reader pages, so tests build exactly the pages they talk about."""

import datetime

import factory
import wagtail_factories
from wagtail.models import Locale, Page, Site

from home.models import HomePage, TopicIndexPage, TopicPage


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


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Home"
    slug = factory.Sequence(lambda n: f"home-{n}")

    class Meta:
        model = HomePage


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


def english_site():
    """A reader site of our own, without the demo: an English home page at /en/ (the default
    site's root) with a topic index under it. Returns the topic index."""
    home = HomePageFactory(parent=Page.get_first_root_node())
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return TopicIndexPageFactory(parent=home, title="Topics", slug="topics")
