"""Reader page types: a home page per language, a topic index and Q&A topic pages.

The services directory page type belongs to the directory (services.pages).
"""

import re

from django.core.paginator import InvalidPage, Paginator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.fields import LIMITED_FEATURES, StreamField
from cms.highrisk import HighRiskPanel
from cms.models import ReviewDates, Source
from cms.privacy import public
from cms.versions import OfflineVersioned

from .alerts import AlertFields
from .blocks import HelpLinksBlock, TopicBodyBlock


def plain_text(html):
    """Rich text as one line of plain text, keeping a space between paragraphs and items."""
    spaced = re.sub(r"</(p|li|h[1-6])>", r"</\1> ", html)
    return " ".join(strip_tags(spaced).split())


class HomePage(AlertFields, OfflineVersioned, Page):
    """The front door of one language: a short intro, "get help now" contacts, featured topics,
    and the language's site-wide alert (home.alerts)."""

    intro = RichTextField(features=LIMITED_FEATURES, blank=True, verbose_name=_("intro"))
    help_links = StreamField(
        HelpLinksBlock(),
        blank=True,
        verbose_name=_("get help now"),
        help_text=_("Hotlines and text lines shown first, one tap to reach."),
    )
    featured = StreamField(
        [("topic", blocks.PageChooserBlock(page_type="home.TopicPage", label=_("Topic")))],
        blank=True,
        verbose_name=_("featured topics"),
    )

    content_panels = [
        HighRiskPanel(),
        *Page.content_panels,
        *AlertFields.alert_panels,
        FieldPanel("intro"),
        FieldPanel("help_links"),
        FieldPanel("featured"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.TopicIndexPage", "services.ServiceDirectoryPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only if the template renders them: the page's body is kept between views
        # (cms.caching.kept_fragment), and then neither is asked for.
        context["topic_index"] = SimpleLazyObject(
            lambda: TopicIndexPage.objects.child_of(self).live().first()
        )
        context["featured_topics"] = SimpleLazyObject(self.featured_topics)
        return context

    def featured_topics(self):
        """The chosen topics in this page's language, in the chosen order, in one query.

        A choice may point at another language's page (a translation made before
        its topics were translated): its live translation is shown, or nothing.
        """
        chosen = [item["value"] for item in self.featured.raw_data if item["type"] == "topic"]
        if not chosen:
            return []
        chosen_pk = Page.objects.filter(
            pk__in=chosen, translation_key=OuterRef("translation_key")
        ).values("pk")[:1]
        topics = (
            public(TopicPage.objects.live())
            .filter(locale_id=self.locale_id)
            # Narrowed first through the translation-key index: a state's guide has
            # thousands of topics, and only the chosen few need their choice found.
            .filter(
                translation_key__in=Page.objects.filter(pk__in=chosen).values("translation_key")
            )
            .annotate(chosen_pk=Subquery(chosen_pk))
        )
        position = {pk: index for index, pk in enumerate(chosen)}
        return sorted(topics, key=lambda topic: position[topic.chosen_pk])


TOPICS_PER_PAGE = 50  # a state's guide has thousands; a phone should not load them all


class TopicIndexPage(OfflineVersioned, Page):
    """Lists every topic of one language, so nothing depends on what is featured."""

    intro = RichTextField(features=LIMITED_FEATURES, blank=True, verbose_name=_("intro"))

    content_panels = [HighRiskPanel(), *Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.TopicPage"]

    class Meta:
        verbose_name = _("topic index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        topics = public(TopicPage.objects.child_of(self).live()).order_by("path")
        paginator = Paginator(topics, TOPICS_PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("page") or 1)
        except (InvalidPage, ValueError):
            raise Http404(_("There is no such page of topics.")) from None
        context.update(topics=page_obj.object_list, page_obj=page_obj)
        return context


class TopicPage(AlertFields, OfflineVersioned, ReviewDates, Page):
    """One subject (a law, a clinic, how to report) answered as questions, with contacts, and
    an alert of its own (home.alerts)."""

    summary = models.TextField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences shown in lists and to search engines."),
    )
    body = StreamField(TopicBodyBlock(), verbose_name=_("body"))
    offline_essential = models.BooleanField(
        _("save on the first visit"),
        default=False,
        help_text=_(
            "Readers' phones keep this page from their first visit, so it opens with no "
            "network: for how to report and where to get help now."
        ),
    )

    content_panels = [
        HighRiskPanel(),
        *Page.content_panels,
        *AlertFields.alert_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("sources", heading=_("Sources"), label=_("Source")),
    ]
    settings_panels = [
        *Page.settings_panels,
        *ReviewDates.review_panels,
        FieldPanel("offline_essential"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["home.TopicIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("topic page")

    def page_alert(self):
        """This page's own alert while it holds (the site-wide one comes from the home page)."""
        return self.holding_alert()

    def questions(self):
        """The page's questions in order, with the anchor each one's heading carries."""
        return [
            {"anchor": f"q-{block.id}", "question": block.value["question"], "block": block}
            for block in self.body
            if block.block_type == "question"
        ]

    def faq_structured_data(self):
        """schema.org FAQPage data for the page's questions (answers as plain text)."""
        return {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "inLanguage": translation.get_language(),
            "name": self.title,
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": item["question"],
                    "acceptedAnswer": {
                        "@type": "Answer",
                        "text": plain_text(item["block"].value["answer"].source),
                    },
                }
                for item in self.questions()
            ],
        }


class PageSource(Orderable, Source):
    """One source of a topic page's claims."""

    page = ParentalKey(TopicPage, related_name="sources", on_delete=models.CASCADE)

    class Meta(Orderable.Meta):
        verbose_name = _("source")
