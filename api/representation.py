"""Pages as the content API shows them, loaded for a whole response at once.

A response's pages are read together: their translations, the services their blocks
name or list, their sources and every piece of rich text are each loaded in one go, so a
response of 50 pages makes as many queries as a response of one. Blocks are written from
their stored (raw) form: a contact's tel:/sms: target is built as the reader page builds
it (cms.phones.phone_href, or the service's own phones), and a "get help" block lists the
services the reader page lists.
"""

from django.urls import reverse
from wagtail.blocks import StreamValue
from wagtail.rich_text import expand_db_html

from cms import languages
from cms.phones import display_phone, phone_href
from cms.sanitize import safe_link
from home.blocks import service_contact
from home.models import HomePage, PageSource, TopicPage
from services.blocks import attach_structure
from services.directory import BLOCK_LIMIT
from services.models import Service

from .changes import visible_pages

SPLIT = "\x00"  # never in stored rich text (PostgreSQL cannot even store it)


class RichTexts:
    """Collects rich text, expands every piece in one pass (one query for all page links)."""

    def __init__(self):
        self.pieces = []

    def add(self, html):
        self.pieces.append(html or "")
        return Expanded(self, len(self.pieces) - 1)

    def expand(self):
        if not self.pieces:
            self.done = []
            return
        self.done = expand_db_html(SPLIT.join(self.pieces)).split(SPLIT)


class Expanded:
    """A placeholder for one piece of rich text until RichTexts.expand has run."""

    def __init__(self, texts, index):
        self.texts, self.index = texts, index

    def value(self):
        return self.texts.done[self.index]


def resolve(value):
    """The representation with every placeholder replaced by its expanded HTML."""
    if isinstance(value, Expanded):
        return value.value()
    if isinstance(value, dict):
        return {key: resolve(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item) for item in value]
    return value


def list_items(raw):
    """A ListBlock's stored items, in the current ({"type": "item", ...}) or the old form."""
    return [
        item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
        for item in raw or []
    ]


def raw_stream(page, name):
    """A StreamField's stored blocks; nothing for a page type whose field of that name is not
    one (the benchmark's baseline page has a rich-text `body`)."""
    field = getattr(page, name, None)
    return list(field.raw_data) if isinstance(field, StreamValue) else []


class Loader:
    """Everything the pages of one response need beyond their own rows."""

    def __init__(self, pages, language_code, request):
        self.request = request
        self.language_code = language_code
        self.pages = pages
        self.texts = RichTexts()
        self._translations = self._load_translations()
        self._load_services()
        self._sources = self._load_sources()

    # -- loading ---------------------------------------------------------------

    def _load_translations(self):
        keys = {page.translation_key for page in self.pages}
        found = {}
        if not keys:
            return found
        # Only what a translation's entry shows and its URL needs: a response of 50 pages
        # reads some 250 of them, and a whole Page is costly to make.
        for page in (
            visible_pages()
            .filter(translation_key__in=keys)
            .select_related("locale")
            .only(
                "id",
                "title",
                "url_path",
                "path",
                "depth",
                "translation_key",
                "locale__language_code",
            )
            .order_by("locale__language_code")
        ):
            found.setdefault(page.translation_key, []).append(page)
        return found

    def _streams(self):
        for page in self.pages:
            for name in ("body", "help_links"):
                yield from raw_stream(page, name)

    def _load_services(self):
        chosen, categories = set(), set()
        for block in self._streams():
            value = block.get("value") or {}
            if block.get("type") == "contact" and value.get("service"):
                chosen.add(value["service"])
            elif block.get("type") == "services":
                picked = [pk for pk in list_items(value.get("services")) if pk]
                chosen.update(picked)
                if not picked and value.get("category"):
                    categories.add(value["category"])
        self.services = {
            service.pk: service
            for service in Service.objects.filter(pk__in=chosen)
            .select_related("locale")
            .prefetch_related("phones")
        }
        attach_structure(self.services.values())
        self.by_category = {}
        if categories:
            listed = (
                Service.objects.listed()
                .filter(categories__code__in=categories)
                .prefetch_related("phones", "categories")
                .distinct()
            )
            for service in listed:
                service.structure = service
                for category in service.categories.all():
                    if category.code in categories:
                        self.by_category.setdefault(category.code, []).append(service)
        structures = [service.structure for service in self.services.values()]
        for group in self.by_category.values():
            structures.extend(group)
        self.names = {}
        if self.language_code != languages.source() and structures:
            self.names = dict(
                Service.objects.filter(
                    translation_key__in={service.translation_key for service in structures},
                    locale__language_code=self.language_code,
                    live=True,
                ).values_list("translation_key", "name")
            )
        for code, group in self.by_category.items():
            group.sort(key=lambda service: (self.local_name(service).casefold(), service.pk))
            self.by_category[code] = group[:BLOCK_LIMIT]

    def _load_sources(self):
        topics = [page.pk for page in self.pages if isinstance(page, TopicPage)]
        found = {}
        if topics:
            for source in (
                PageSource.objects.filter(page_id__in=topics)
                .select_related("document")
                .order_by("sort_order", "pk")
            ):
                found.setdefault(source.page_id, []).append(source)
        return found

    # -- pieces ------------------------------------------------------------------

    def local_name(self, service):
        return self.names.get(service.translation_key, service.name)

    def hsds_url(self, key):
        return self.request.build_absolute_uri(reverse("api_hsds_service", args=[str(key)]))

    def page_url(self, pk):
        # Reversed once per response: the detail route differs only by the id.
        if not hasattr(self, "_page_url"):
            self._page_url = self.request.build_absolute_uri(
                reverse("waymark_api:pages:detail", args=[0])
            ).removesuffix("/0/")
        return f"{self._page_url}/{pk}/"

    def translations(self, page):
        return [
            {
                "id": other.pk,
                "locale": other.locale.language_code,
                "title": other.title,
                "html_url": other.get_full_url(self.request),
                "detail_url": self.page_url(other.pk),
            }
            for other in self._translations.get(page.translation_key, [])
            if other.pk != page.pk
        ]

    def sources(self, page):
        return [
            {
                "title": source.title,
                "url": safe_link(source.href) if source.href else "",
                "accessed": source.accessed.isoformat() if source.accessed else None,
            }
            for source in self._sources.get(page.pk, [])
        ]

    def featured(self, page):
        if not isinstance(page, HomePage):
            return []
        return [
            {"id": topic.pk, "title": topic.title, "detail_url": self.page_url(topic.pk)}
            for topic in page.featured_topics()
        ]

    def rich_text(self, html):
        return self.texts.add(html)

    def stream(self, page, name):
        return [self.block(block) for block in raw_stream(page, name)]

    def block(self, block):
        kind, value = block.get("type"), block.get("value")
        represent = {
            "question": self.question,
            "callout": self.callout,
            "contact": self.contact,
            "services": self.get_help,
            "text": self.rich_text,
        }.get(kind)
        return {
            "type": kind,
            "id": block.get("id"),
            "value": represent(value) if represent else value,
        }

    def question(self, value):
        return {
            "question": value.get("question", ""),
            "answer": self.rich_text(value.get("answer")),
        }

    def callout(self, value):
        return {
            "kind": value.get("kind", "info"),
            "title": value.get("title", ""),
            "text": self.rich_text(value.get("text")),
        }

    def contact(self, value):
        kind = value.get("kind", "call")
        service = self.services.get(value.get("service")) if value.get("service") else None
        if service is not None:
            href, phone, keyword = service_contact(service, kind) or ("", "", "")
        elif kind in ("call", "text"):
            phone, keyword = value.get("phone") or "", value.get("keyword") or ""
            href = phone_href(phone, text=kind == "text", keyword=keyword) if phone else ""
        else:
            href, phone, keyword = value.get("url") or "", "", ""
        structure = service.structure if service is not None else None
        return {
            "kind": kind,
            "label": value.get("label", ""),
            "note": value.get("note", ""),
            "href": safe_link(href),
            "phone": phone,
            "display_phone": display_phone(phone),
            "keyword": keyword,
            "service": self.service_link(structure) if structure and structure.live else None,
        }

    def service_link(self, service):
        return {
            "id": str(service.translation_key),
            "name": self.local_name(service),
            "detail_url": self.hsds_url(service.translation_key),
        }

    def get_help(self, value):
        picked = [self.services.get(pk) for pk in list_items(value.get("services")) if pk]
        if any(picked):
            listed = [
                service.structure
                for service in picked
                if service is not None
                and service.structure.live
                and service.structure.status != Service.Status.DEFUNCT
            ]
        else:
            listed = self.by_category.get(value.get("category"), [])
        return {
            "heading": value.get("heading", ""),
            "category": value.get("category") or None,
            "services": [
                {
                    **self.service_link(service),
                    "phones": [
                        {
                            "kind": phone.kind,
                            "number": phone.number,
                            "display": phone.display,
                            "keyword": phone.sms_keyword,
                            "href": phone.href,
                        }
                        for phone in service.phones.all()
                        if phone.kind != "fax"
                    ],
                }
                for service in listed
            ],
        }


def page_queryset():
    """Pages the API may show, with what every record reads."""
    return visible_pages().select_related("locale")
