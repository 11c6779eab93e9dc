"""The content API: Wagtail's own v2 API (PagesAPIViewSet, WagtailAPIRouter), read-only.

What a reader can open and nothing else: live pages outside any view restriction (for
everyone alike: a staff session sees no more), per language with ?locale=, each with its
translations, its blocks written out (questions and answers, contacts with their tel:/sms:
targets, the services a "get help" block lists), its review dates and sources. Wagtail's
other routes (writing, publishing, translating, the admin API) are not mounted here.

The changes feed (/api/v2/changes/) says what changed in one language since a cursor:
pages and services to store again, and what to remove (api.changes).
"""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.fields import Field
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api import APIField
from wagtail.api.v2.filters import ChildOfFilter, DescendantOfFilter, TranslationOfFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page, Site

from cms import languages
from home.models import HomePage, TopicIndexPage, TopicPage
from services.hsds.exporter import records_for, with_record_structure
from services.models import Service
from services.pages import ServiceDirectoryPage

from . import changes, params
from .problems import ApiError, from_error, problem
from .records import RecordCache
from .representation import Loader, page_queryset, resolve


class JSONOnly(BaseContentNegotiation):
    """Always JSON, whatever the Accept header asks (the API has one representation)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Loaded(Field):
    """A field whose value the response's Loader prepared (see api.representation)."""

    def __init__(self, method, *args, **kwargs):
        self.method = method
        kwargs["read_only"] = True
        super().__init__(*args, **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        return self.method(self.context["view"].loader, page)


class HtmlUrl(Field):
    """The page's address on the reader site (site root paths read once per request)."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        return page.get_full_url(self.context["request"])


def rich(name):
    return lambda loader, page: loader.rich_text(getattr(page, name))


def streamed(name):
    return lambda loader, page: loader.stream(page, name)


TYPE_FIELDS = {
    HomePage: [
        APIField("intro", serializer=Loaded(rich("intro"))),
        APIField("help_links", serializer=Loaded(streamed("help_links"))),
        APIField("featured", serializer=Loaded(lambda loader, page: loader.featured(page))),
    ],
    TopicIndexPage: [APIField("intro", serializer=Loaded(rich("intro")))],
    ServiceDirectoryPage: [APIField("intro", serializer=Loaded(rich("intro")))],
    TopicPage: [
        "summary",
        APIField("body", serializer=Loaded(streamed("body"))),
        "last_reviewed",
        "next_review_due",
        "offline_essential",
        APIField("sources", serializer=Loaded(lambda loader, page: loader.sources(page))),
    ],
}


class ReaderPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, narrowed to what readers see and to documented parameters."""

    authentication_classes = []  # a session or password changes nothing here
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
    filter_backends = [ChildOfFilter, DescendantOfFilter, TranslationOfFilter]
    known_query_parameters = frozenset(
        [
            "limit",
            "offset",
            "fields",
            "type",
            "locale",
            "child_of",
            "descendant_of",
            "translation_of",
        ]
    )
    find_query_parameters = frozenset(["html_path"])
    body_fields = ["id", "title"]
    meta_fields = [
        "type",
        "detail_url",
        APIField("html_url", serializer=HtmlUrl(read_only=True)),
        "slug",
        "locale",
        "first_published_at",
        "last_published_at",
        "search_description",
        APIField("translations", serializer=Loaded(lambda loader, page: loader.translations(page))),
        "parent",
    ]
    listing_default_fields = ["id", "type", "detail_url", "title", "html_url", "slug", "locale"]
    nested_default_fields = ["id", "type", "detail_url", "title"]
    loader = None

    @classmethod
    def get_body_fields(cls, model):
        extra = []
        for page_type, fields in TYPE_FIELDS.items():
            if issubclass(model, page_type):
                extra = fields
        return cls._convert_api_fields(cls.body_fields + list(extra))

    @classmethod
    def get_detail_default_fields(cls, model):
        return cls.get_available_fields(model)

    def get_base_queryset(self):
        # Built once per request: it reads the view restrictions, and every record's
        # serializer asks for it.
        if not hasattr(self, "_base_queryset"):
            self._base_queryset = page_queryset()
        return self._base_queryset

    def get_queryset(self):
        raw = params.text(self.request, "type", max_length=200)
        try:
            models = page_models_from_string(raw) if raw else []
        except (LookupError, ValueError):
            raise ApiError(
                f"Unknown page type {raw!r}: use one of "
                + ", ".join(sorted(f"{m._meta.app_label}.{m.__name__}" for m in TYPE_FIELDS))
                + ".",
                parameter="type",
            ) from None
        pages = self.get_base_queryset()
        code = params.locale(self.request)
        if code:
            pages = pages.filter(locale__language_code=code)
        if len(models) == 1 and models[0] is not Page:
            pages = models[0].objects.filter(pk__in=pages.values("pk")).select_related("locale")
        elif models:
            pages = pages.type(*models)
        return pages.order_by("path")

    def check_query_parameters(self, queryset):
        """Only the documented parameters, within the documented bounds (Wagtail then reads
        them again as it always does)."""
        request = self.request
        params.check_known(request, self.known_query_parameters)
        params.integer(request, "limit", None, minimum=0, maximum=settings.WAGTAILAPI_LIMIT_MAX)
        params.integer(request, "offset", None, minimum=0, maximum=10**6)
        params.text(request, "fields", max_length=500)
        for name in ("child_of", "descendant_of", "translation_of"):
            params.text(request, name, max_length=20)

    def get_renderer_context(self):
        context = super().get_renderer_context()
        context["indent"] = None  # compact: phones on slow networks pay for every byte
        return context

    def language_code(self):
        return params.locale(self.request) or languages.source()

    def respond(self, serializer, pages):
        data = serializer.data
        self.loader.texts.expand()
        return resolve(data)

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        pages = list(self.paginate_queryset(queryset))
        self.loader = Loader(pages, self.language_code(), request)
        serializer = self.get_serializer(pages, many=True)
        return self.get_paginated_response(self.respond(serializer, pages))

    def detail_view(self, request, pk):
        params.check_known(request, ["fields"])
        instance = self.get_object()
        self.loader = Loader([instance], instance.locale.language_code, request)
        serializer = self.get_serializer(instance)
        return Response(self.respond(serializer, [instance]))

    def find_object(self, queryset, request):
        """The page at a reader path such as /es/temas/la-ley/: its language's tree, then
        Wagtail's own routing."""
        parts = [part for part in request.GET["html_path"].split("/") if part]
        site = Site.find_for_request(request)
        if not parts or not languages.is_known(parts[0]) or site is None:
            return None
        root = (
            self.get_base_queryset()
            .filter(translation_key=site.root_page.translation_key, locale__language_code=parts[0])
            .first()
        )
        if root is None:
            return None
        try:
            page, _args, _kwargs = root.specific.route(request, parts[1:])
        except Http404:
            return None
        return page if queryset.filter(pk=page.pk).exists() else None

    def find_view(self, request):
        params.check_known(request, ["html_path"])
        if not params.text(request, "html_path", max_length=500):
            raise ApiError("Give html_path, the path of a reader page.", parameter="html_path")
        return super().find_view(request)

    def handle_exception(self, exc):
        if isinstance(exc, ApiError):
            return from_error(exc, self.request)
        if isinstance(exc, BadRequestError):
            return problem(400, str(exc), self.request.path)
        if isinstance(exc, Http404):
            return problem(404, "There is no live public page here.", self.request.path)
        if isinstance(exc, APIException):
            return problem(exc.status_code, str(exc.detail), self.request.path)
        return super().handle_exception(exc)


FEED_LIMIT, FEED_MAX = 100, 500


class ChangesAPIViewSet(ReaderPagesAPIViewSet):
    """/api/v2/changes/?locale=es[&cursor=…|&modified_after=…]: what to store and remove."""

    name = "changes"
    known_query_parameters = frozenset(["locale", "cursor", "modified_after", "limit"])

    @classmethod
    def get_urlpatterns(cls):
        from django.urls import path

        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    def listing_view(self, request):
        params.check_known(request, self.known_query_parameters)
        # To the day: the same question gets the same answer (and ETag) all day.
        now = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        code = self.language_code()
        limit = params.integer(request, "limit", FEED_LIMIT, minimum=1, maximum=FEED_MAX)
        token = params.text(request, "cursor", max_length=500)
        since = params.moment(request, "modified_after")
        if token and since:
            raise ApiError("Give a cursor or modified_after, not both.", parameter="cursor")
        position = changes.Position.decode(token, code) if token else None
        if since is not None:
            position = changes.Position(since)
        changes.check_not_expired(position)
        entries, has_more = changes.feed(code, position, limit, include_removals=bool(position))
        items, removed = self.represent(entries, code)
        following = changes.next_position(entries, has_more, position)
        # The copy is complete as of this call once nothing more is to come; while paging,
        # as of where paging began.
        issued = position.issued if position and has_more else now
        return Response(
            {
                "meta": {
                    "locale": code,
                    "since": position.at.isoformat() if position else None,
                    "total_count": len(items) + len(removed),
                    "has_more": has_more,
                    "cursor": following.encode(code, issued=issued),
                },
                "items": items,
                "removed": removed,
            }
        )

    def represent(self, entries, code):
        wanted = {(kind, ident): at for at, _rank, ident, kind, _key in entries if kind in RECORDS}
        kept = RecordCache(self.request, code)
        records = kept.get(wanted)
        made = {}
        missing = [entry for entry in wanted if entry not in records]
        made.update(self.page_records([ident for kind, ident in missing if kind == "page"], code))
        service_ids = [ident for kind, ident in missing if kind == "service"]
        rows = list(with_record_structure(Service.objects.filter(pk__in=service_ids)))
        made.update(
            (("service", row.pk), record)
            for row, record in zip(rows, records_for(rows), strict=True)
        )
        kept.keep(made, wanted)
        records.update(made)
        items, removed = [], []
        for at, _rank, ident, kind, key in entries:
            moment = at.isoformat()
            record = records.get((kind, ident))
            if kind == "page" and record is not None:
                items.append({"kind": "page", "id": ident, "changed_at": moment, "page": record})
            elif kind == "service" and record is not None:
                items.append(
                    {"kind": "service", "id": record["id"], "changed_at": moment, "service": record}
                )
            elif kind == "removed-page":
                removed.append({"kind": "page", "id": ident, "removed_at": moment})
            elif kind == "removed-service":
                removed.append({"kind": "service", "id": str(key), "removed_at": moment})
        return items, removed

    def page_records(self, page_ids, code):
        """{("page", id): record} for these pages, as the detail view shows them."""
        if not page_ids:
            return {}
        found = list(self.get_base_queryset().filter(pk__in=page_ids).specific())
        prefetch_related_objects(found, "locale")
        self.loader = Loader(found, code, self.request)
        # One serializer per page type, for all its pages: DRF builds a serializer's
        # fields once per instance, and that, not the data, was most of the time.
        by_type = {}
        for page in found:
            by_type.setdefault(type(page), []).append(page)
        context = self.get_serializer_context()
        shown = {}
        for model, group in by_type.items():
            serializer_class = self._get_serializer_class(
                self.request.wagtailapi_router, model, [("parent", True, None)], show_details=True
            )
            data = serializer_class(group, many=True, context=context).data
            shown.update(zip((("page", page.pk) for page in group), data, strict=True))
        self.loader.texts.expand()
        return {entry: resolve(data) for entry, data in shown.items()}


RECORDS = ("page", "service")  # the feed entries that carry a record (not removals)


router = WagtailAPIRouter("waymark_api")
router.register_endpoint("pages", ReaderPagesAPIViewSet)
router.register_endpoint("changes", ChangesAPIViewSet)
