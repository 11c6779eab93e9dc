"""Builds the Norwalk demo pages in English and translates them through wagtail-localize."""

import datetime
import json
from pathlib import Path

import polib
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.models import ReaderSettings
from cms.translating import TranslationIncomplete, translate_object
from home.models import HomePage, TopicIndexPage, TopicPage
from services.models import Service
from services.pages import ServiceDirectoryPage

DEMO_DIR = Path(__file__).resolve().parent
# Which pages each language gets: Spanish is complete; the others get the
# essentials (home, the topic index that holds them, the services directory
# and how to report).
TRANSLATED_SLUGS = {
    "es": None,  # every page
    "pt": {"home", "topics", "services", "reporting"},
    "ht": {"home", "topics", "services", "reporting"},
    "ar": {"home", "topics", "services", "reporting"},
}


class DemoTranslationMissing(Exception):
    """A demo page cannot be translated because its PO file lacks some strings."""


def load_content():
    """The English demo content, as data."""
    return json.loads((DEMO_DIR / "pages.json").read_text(encoding="utf-8"))


def load_catalogue(language_code):
    """English source string -> translation, from home/demo/locale/<code>.po."""
    po = polib.pofile(str(DEMO_DIR / "locale" / f"{language_code}.po"))
    return {entry.msgid: entry.msgstr for entry in po if entry.msgstr and not entry.obsolete}


def load_pages(user=None, log=print):
    """Create the demo tree once; later runs find it and change nothing.

    The English tree is created in one transaction. Each translation then
    commits in a transaction of its own: wagtail-localize publishes a
    translation in an on_commit hook with the page object as it was when
    translated, so a parent translated in the same transaction as its children
    would be re-saved with a stale child count and hide them. An interrupted
    run leaves whole pages only, and the next run completes it.
    """
    locales = {
        code: Locale.objects.get_or_create(language_code=code)[0] for code in TRANSLATED_SLUGS
    }
    locales["en"] = Locale.objects.get_or_create(language_code="en")[0]
    content = load_content()
    home = HomePage.objects.filter(locale=locales["en"]).first()
    if home is None:
        with transaction.atomic():
            home = _create_english_tree(content, locales["en"], user)
        log(f"Created the English demo pages under {home.url_path}")
    if not ServiceDirectoryPage.objects.child_of(home).exists():
        home = HomePage.objects.get(pk=home.pk)  # a fresh child count for the tree
        with transaction.atomic():
            _create_directory(home, content["directory"], user)
        log("Created the services directory page")
    pages = [home, *home.get_descendants().specific().order_by("path")]
    for code, slugs in TRANSLATED_SLUGS.items():
        catalogue = None
        for page in pages:
            slug = "home" if page.depth == 2 else page.slug
            if slugs is not None and slug not in slugs:
                continue
            if page.has_translation(locales[code]):
                continue
            catalogue = catalogue if catalogue is not None else load_catalogue(code)
            with transaction.atomic():
                translate_page(page, locales[code], catalogue, user)
            log(f"Translated {page.url_path} into {code}")
    return home


def clean_stream(model, field_name, data):
    """Run demo data through the field's own validation (normalises phone numbers too)."""
    stream_block = model._meta.get_field(field_name).stream_block
    return stream_block.clean(stream_block.to_python(resolve_services(data)))


def resolve_services(data):
    """Demo blocks name services by slug; blocks store the English service's id."""
    slugs = dict(Service.objects.sources().values_list("slug", "pk"))
    resolved = []
    for block in data:
        value = dict(block["value"])
        if isinstance(value.get("service"), str):
            value["service"] = slugs[value["service"]]
        if block["type"] == "services":
            value["services"] = [slugs[slug] for slug in value.get("services", [])]
        resolved.append({**block, "value": value})
    return resolved


def _create_directory(home, data, user):
    directory = ServiceDirectoryPage(
        title=data["title"], slug=data["slug"], intro=data["intro"], owner=user
    )
    home.add_child(instance=directory)
    directory.save_revision(user=user).publish()
    return directory


def _create_english_tree(content, locale, user):
    root = Page.get_first_root_node()
    # Wagtail's placeholder "Welcome" page holds the slug "home": move it aside.
    placeholders = [child for child in root.get_children() if child.specific_class is Page]
    for placeholder in placeholders:
        placeholder.slug = f"placeholder-{placeholder.pk}"
        placeholder.save(update_fields=["slug"], clean=False)
    home = HomePage(
        title=content["home"]["title"],
        slug="home",
        locale=locale,
        owner=user,
        intro=content["home"]["intro"],
        help_links=clean_stream(HomePage, "help_links", content["home"]["help_links"]),
    )
    root.add_child(instance=home)
    index_data = content["index"]
    index = TopicIndexPage(
        title=index_data["title"], slug=index_data["slug"], intro=index_data["intro"], owner=user
    )
    home.add_child(instance=index)
    index.save_revision(user=user).publish()
    topics = {}
    for data in content["topics"]:
        topic = TopicPage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            search_description=data["summary"],
            body=clean_stream(TopicPage, "body", data["body"]),
            last_reviewed=datetime.date.fromisoformat(data["last_reviewed"]),
            offline_essential=data.get("offline_essential", False),
            owner=user,
        )
        index.add_child(instance=topic)
        topic.save_revision(user=user).publish()
        topics[data["slug"]] = topic
    home.featured = [("topic", topics[slug]) for slug in content["home"]["featured"]]
    home.save_revision(user=user).publish()
    # The site now opens on our home page; Wagtail's placeholder welcome page goes.
    site = Site.objects.filter(is_default_site=True).first() or Site(
        hostname="localhost", is_default_site=True
    )
    site.root_page = home
    site.site_name = "Waymark"
    site.save()
    ReaderSettings.for_site(site)  # created now, so no reader request ever writes it
    for placeholder in placeholders:
        placeholder.delete()
    return home


def translate_page(page, locale, catalogue, user):
    """Translate one page with wagtail-localize, using the strings of a demo PO catalogue."""
    try:
        translate_object(page, locale, catalogue, user)
    except TranslationIncomplete as exc:
        raise DemoTranslationMissing(
            f"home/demo/locale/{locale.language_code}.po lacks strings for {page.url_path}: {exc}"
        ) from exc
