"""What readers see of services: filtered, localized and loaded in a fixed number of queries.

Structure (phones, hours, places, categories) always comes from the
source-language service; words come from the reader's language when a live
translation exists, else from the source (marked with its language).
"""

import datetime

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce, Lower
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cms import languages
from cms.caching import kept_for_language, kept_many
from cms.formatting import format_date_long
from cms.sanitize import safe_link

from . import pages
from .hours import open_status, upcoming_exceptions, weekly_table
from .languages import is_known, language_name
from .models import (
    TRANSLATED_FIELDS,
    Category,
    Service,
    ServiceLanguage,
    ServiceLocation,
)

PAGE_SIZE = 20
# The words of a service, read in the reader's language where translated.
TEXT_FIELDS = TRANSLATED_FIELDS
# Only these attributes are reader filters; each is a yes/no box.
FLAG_FILTERS = [
    ("free", _("Free")),
    ("confidential", _("Confidential")),
    ("no_police", _("No police involvement")),
]


class DirectoryFilterForm(forms.Form):
    """The directory's filters: a plain GET form, so every filtered list has a shareable URL."""

    category = forms.ChoiceField(label=_("Kind of help"), required=False)
    language = forms.ChoiceField(label=_("Staff speak"), required=False)
    free = forms.BooleanField(label=_("Free"), required=False)
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    no_police = forms.BooleanField(label=_("No police involvement"), required=False)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, data, spoken_codes, language_code):
        super().__init__(data)
        self.fields["category"].choices = [("", _("All")), *Category.Code.choices]
        # A shared link keeps working when no service speaks its language any more.
        asked = (data or {}).get("language")
        if asked and is_known(asked):
            spoken_codes = {*spoken_codes, asked}
        self.fields["language"].choices = [
            ("", _("Any language")),
            *sorted(
                ((code, language_name(code, language_code)) for code in spoken_codes),
                key=lambda choice: choice[1].casefold(),
            ),
        ]


class ServiceView:
    """One service as a reader sees it: translated words over shared structure."""

    def __init__(self, structure, text, language_code, now, url=None):
        self.structure = structure
        self.text = text
        self.language_code = language_code
        # When the words are not in the reader's language, say which language they are in.
        self.text_language = (
            text.locale.language_code if text is not structure else languages.source()
        )
        self.page_url = url
        self.now = now

    def __getattr__(self, name):
        if name in TEXT_FIELDS:
            return getattr(self.text, name)
        return getattr(self.structure, name)

    @property
    def lang_attribute(self):
        """A lang attribute for the words, when they are not in the page's language."""
        return "" if self.text_language == self.language_code else self.text_language

    @property
    def lang_direction(self):
        """Their direction ("ltr" for English words on an Arabic page), to go with it."""
        return languages.direction(self.text_language)

    @property
    def phones(self):
        return list(self.structure.phones.all())

    @property
    def call_phones(self):
        return [phone for phone in self.phones if phone.kind in ("voice", "hotline")]

    @property
    def text_phones(self):
        return [phone for phone in self.phones if phone.kind == "text"]

    @property
    def locations(self):
        return [link.location for link in self.structure.service_locations.all()]

    @property
    def categories(self):
        return list(self.structure.categories.all())

    @property
    def spoken_languages(self):
        return [
            {"code": row.code, "name": language_name(row.code, self.language_code)}
            for row in self.structure.languages.all()
        ]

    @property
    def badges(self):
        """What a reader can count on, and a warning when the police are involved."""
        badges = []
        for name, label in (
            ("free", _("Free")),
            ("confidential", _("Confidential")),
            ("no_police", _("No police involvement")),
            ("walk_in", _("Walk-in")),
            ("anonymous_testing", _("Anonymous testing")),
        ):
            if getattr(self.structure, name):
                badges.append({"label": label, "warning": False})
        if self.structure.police:
            badges.append({"label": _("This is the police"), "warning": True})
        return badges

    @property
    def status(self):
        return open_status(
            self.structure,
            list(self.structure.opening_hours.all()),
            list(self.structure.exceptions.all()),
            now=self.now,
            language_code=self.language_code,
        )

    @property
    def status_line(self):
        """(state, words) under the name: the open status where hours mean something (known
        hours, or a place to go to); else how the service is reached, rather than "hours not
        known" over a phone line or a website."""
        status = self.status
        if status.state == "unknown" and not self.structure.service_locations.all():
            if self.call_phones:
                return {"state": "phone", "text": _("Phone line")}
            if self.text_phones:
                return {"state": "text", "text": _("Text line")}
            if self.structure.url:
                return {"state": "online", "text": _("Online")}
        return {"state": status.state, "text": status.describe()}

    @property
    def weekly_hours(self):
        return weekly_table(
            list(self.structure.opening_hours.all()), self.language_code, self.now.date()
        )

    @property
    def upcoming_exceptions(self):
        return upcoming_exceptions(
            list(self.structure.exceptions.all()), self.language_code, self.now.date()
        )

    @property
    def verified_text(self):
        if self.structure.assured_date is None:
            return None
        return format_date_long(self.structure.assured_date, self.language_code)

    def structured_data(self):
        """schema.org data: a MedicalClinic for health care at an address, else a Service."""
        structure = self.structure
        locations = self.locations
        contact_points = [
            {
                "@type": "ContactPoint",
                "telephone": phone.number,
                "contactType": phone.get_kind_display(),
            }
            for phone in self.call_phones
        ]
        hours = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{DAY_NAMES[row.weekday]}",
                "opens": row.opens_at.strftime("%H:%M"),
                "closes": row.closes_at.strftime("%H:%M"),
                **({"validFrom": row.valid_from.isoformat()} if row.valid_from else {}),
                **({"validThrough": row.valid_to.isoformat()} if row.valid_to else {}),
            }
            for row in structure.opening_hours.all()
        ]
        addresses = [
            {
                "@type": "PostalAddress",
                "streetAddress": " ".join(filter(None, [place.address_1, place.address_2])),
                "addressLocality": place.city,
                "addressRegion": place.state_province,
                "postalCode": place.postal_code,
                "addressCountry": place.country,
            }
            for place in locations
        ]
        is_clinic = bool(locations) and any(c.code == "health" for c in self.categories)
        data = {
            "@context": "https://schema.org",
            "@type": "MedicalClinic" if is_clinic else "Service",
            "name": self.name,
            "description": self.description,
            "inLanguage": self.text_language,
        }
        if self.page_url:
            data["url"] = self.page_url
        if is_clinic:
            data["address"] = addresses[0]
            if self.call_phones:
                data["telephone"] = self.call_phones[0].number
            if hours:
                data["openingHoursSpecification"] = hours
            data["isAccessibleForFree"] = structure.free
        else:
            if structure.organization_id:
                data["provider"] = {"@type": "Organization", "name": structure.organization.name}
            channel = {"@type": "ServiceChannel"}
            if contact_points:
                channel["servicePhone"] = contact_points[0]
            if addresses:
                channel["serviceLocation"] = {"@type": "Place", "address": addresses[0]}
            if safe_link(structure.url):
                channel["serviceUrl"] = structure.url
            if len(channel) > 1:
                data["availableChannel"] = channel
            if hours:
                data["hoursAvailable"] = hours
            data["areaServed"] = {"@type": "City", "name": settings.WAYMARK_AREA_SERVED}
        return data


DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def structure_lookups():
    """What a service card shows besides the service's row, as prefetch lookups."""
    return [
        "phones",
        "opening_hours",
        "exceptions",
        "categories",
        "languages",
        Prefetch("service_locations", queryset=ServiceLocation.objects.select_related("location")),
    ]


def localize(sources, language_code, now=None, url_for=None):
    """ServiceViews for source services, words in `language_code` where translated (one query)."""
    now = now or timezone.now()
    translations = {}
    if language_code != languages.source() and sources:
        for row in (
            Service.objects.filter(
                translation_key__in=[source.translation_key for source in sources],
                locale__language_code=language_code,
                live=True,
            )
            .select_related("locale")
            .only("translation_key", "last_published_at", "locale__language_code", *TEXT_FIELDS)
        ):
            translations[row.translation_key] = row
    return [
        ServiceView(
            source,
            translations.get(source.translation_key, source),
            language_code,
            now,
            url=url_for(source) if url_for else None,
        )
        for source in sources
    ]


def ordered_by_local_name(queryset, language_code):
    """Services in alphabetical order of their name in the reader's language."""
    if language_code == languages.source():
        return queryset.order_by(Lower("name"), "pk")
    translated_name = Service.objects.filter(
        translation_key=OuterRef("translation_key"),
        locale__language_code=language_code,
        live=True,
    ).values("name")[:1]
    return queryset.annotate(local_name=Coalesce(Subquery(translated_name), F("name"))).order_by(
        Lower("local_name"), "pk"
    )


def spoken_language_codes():
    """Every language some listed service speaks (one query), for the language filter."""
    return sorted(
        set(
            ServiceLanguage.objects.filter(service__in=Service.objects.listed()).values_list(
                "code", flat=True
            )
        )
    )


def filtered_services(cleaned, now):
    """The listed source services matching the filters, as a queryset."""
    queryset = Service.objects.listed()
    if cleaned.get("category"):
        queryset = queryset.filter(
            Exists(
                Service.categories.through.objects.filter(
                    service_id=OuterRef("pk"), category__code=cleaned["category"]
                )
            )
        )
    if cleaned.get("language"):
        queryset = queryset.filter(
            Exists(
                ServiceLanguage.objects.filter(service_id=OuterRef("pk"), code=cleaned["language"])
            )
        )
    for name, _label in FLAG_FILTERS:
        if cleaned.get(name):
            queryset = queryset.filter(**{name: True})
    if cleaned.get("open_now"):
        candidates = queryset.only("pk", "status", "always_open").prefetch_related(
            "opening_hours", "exceptions"
        )
        open_ids = [
            service.pk
            for service in candidates
            if open_status(
                service, list(service.opening_hours.all()), list(service.exceptions.all()), now
            ).is_open
        ]
        queryset = queryset.filter(pk__in=open_ids)
    return queryset


def directory_page_context(request, url_for, now=None):
    """Context for the directory: the filter form, one page of services, the paginator."""
    now = now or timezone.now()
    language_code = translation.get_language()
    # The same for every page of results until a service changes (the generation moves).
    spoken = kept_for_language("spoken-languages", request, lambda _code: spoken_language_codes())
    form = DirectoryFilterForm(request.GET or None, spoken, language_code)
    if form.is_bound and not form.is_valid():
        return {"filter_form": form, "cards": [], "page_obj": None, "invalid": True}
    cleaned = form.cleaned_data if form.is_bound else {}
    queryset = ordered_by_local_name(filtered_services(cleaned, now), language_code)
    paginator = Paginator(queryset, PAGE_SIZE)
    number = cleaned.get("page") or 1
    if number > max(paginator.num_pages, 1):
        return {
            "filter_form": form,
            "cards": [],
            "page_obj": None,
            "invalid": True,
            "page_missing": True,
        }
    page_obj = paginator.page(number)
    sources = list(page_obj.object_list.select_related("organization"))
    page_obj.object_list = sources  # evaluated once
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "cards": service_cards(request, sources, language_code, now, url_for),
        "page_obj": page_obj,
        "query_without_page": query.urlencode(),
        "now": now,
        "invalid": False,
    }


def service_cards(request, sources, language_code, now, url_for):
    """Each source service's card (HTML) in the reader's language, kept per service and
    language until a publish in that language (cms.caching.kept_many): a directory filter or
    page shows cards other pages of results already made, and loads what a card shows
    (phones, hours, places, translation) only for those not kept yet, in one batch."""

    def prepare(indices):
        wanted = [sources[index] for index in indices]
        prefetch_related_objects(wanted, *structure_lookups())
        views = dict(zip(indices, localize(wanted, language_code, now, url_for), strict=True))
        # No request: a card shows the service alone (no context processor is needed).
        return lambda index: render_to_string(
            "components/service_card.html", {"service": views[index]}
        )

    return kept_many(
        request,
        "service-card",
        [(source.pk, source.last_published_at, url_for(source)) for source in sources],
        prepare,
    )


def service_detail_context(service, request, preview=False, now=None):
    """Context for one service's page; `service` is any language's row of it."""
    now = now or timezone.now()
    language_code = translation.get_language()
    if preview:
        # A preview shows the edited (unsaved) words over the saved structure.
        structure = service if service.is_source else service.structure
        view = ServiceView(structure, service, language_code, now)
        view.text_language = service.locale.language_code
    else:
        view = localize([service], language_code, now)[0]
    return {
        "service": view,
        "now": now,
        "today": now.date() if isinstance(now, datetime.datetime) else now,
    }


BLOCK_LIMIT = 8


def with_contact_structure(queryset):
    """What a compact service card needs: phones, hours and whether it has a place (four
    queries)."""
    return queryset.select_related("organization").prefetch_related(
        "phones", "opening_hours", "exceptions", "service_locations"
    )


def services_for_block(chosen, category, language_code, request=None, limit=BLOCK_LIMIT):
    """The services a "get help now" block lists: those chosen, in order, else a category's."""
    if chosen:
        # The chooser already loaded them with their source and its phones.
        sources = [
            service.structure
            for service in chosen
            if service.structure.live and service.structure.status != Service.Status.DEFUNCT
        ]
        prefetch_related_objects(sources, "opening_hours", "exceptions", "service_locations")
    elif category:
        queryset = Service.objects.listed().filter(categories__code=category)
        sources = list(
            with_contact_structure(ordered_by_local_name(queryset, language_code))[:limit]
        )
    else:
        return []
    if not sources:
        return []
    base = (
        pages.directory_link(request).get("url")  # kept, as the footer's link
        if request is not None
        else pages.directory_url(language_code)
    )
    return localize(
        sources,
        language_code,
        url_for=(lambda service: f"{base}{service.slug}/") if base else None,
    )
