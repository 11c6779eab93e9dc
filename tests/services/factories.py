"""Factories for services and what they hang on, so tests build exactly the services they
talk about."""

import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale

from services.models import (
    Category,
    Location,
    OpeningHours,
    Organization,
    Service,
    ServiceLanguage,
    ServiceLocation,
    ServicePhone,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Organization {n}")
    description = "Runs services for a test."

    class Meta:
        model = Organization


class LocationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Clinic {n}")
    address_1 = factory.Sequence(lambda n: f"{n} East Ave")
    city = "Norwalk"
    state_province = "CT"
    postal_code = "06851"

    class Meta:
        model = Location


def hours(weekday, opens, closes, next_day=False, **kwargs):
    """One weekly opening, times as "HH:MM"."""
    return OpeningHours(
        weekday=weekday,
        opens_at=datetime.time.fromisoformat(opens),
        closes_at=datetime.time.fromisoformat(closes),
        closes_next_day=next_day,
        **kwargs,
    )


def make_service(
    name="Free testing",
    slug=None,
    phones=(("voice", "+12038543011", ""),),
    opening_hours=(),
    exceptions=(),
    categories=(),
    languages=(),
    locations=(),
    live=True,
    **fields,
):
    """An English (source) service with its phones, hours, places and categories, saved."""
    defaults = {
        "description": f"What {name} offers.",
        "organization": OrganizationFactory(),
    }
    service = Service(
        name=name,
        slug=slug or slugify(name),
        locale=Locale.objects.get(language_code="en"),
        live=live,
        **{**defaults, **fields},
    )
    service.phones = [
        ServicePhone(kind=kind, number=number, sms_keyword=keyword)
        for kind, number, keyword in phones
    ]
    service.opening_hours = list(opening_hours)
    service.exceptions = list(exceptions)
    service.languages = [ServiceLanguage(code=code) for code in languages]
    service.service_locations = [ServiceLocation(location=place) for place in locations]
    service.categories = list(Category.objects.filter(code__in=categories))
    service.save()
    return service


def translate_service(service, code, live=True, **text):
    """A translation of a service's words into another language, saved."""
    translated = service.copy_for_translation(Locale.objects.get(language_code=code))
    for name, value in text.items():
        setattr(translated, name, value)
    translated.live = live
    translated.save()
    return translated


def closing_soon_service(slug="closing-soon"):
    """An English service open now (since an hour ago, or midnight) and closing in ten minutes:
    what says "Open now" until a moment a cache must not outlive."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    opened = max(now - datetime.timedelta(hours=1), midnight)
    closes = now + datetime.timedelta(minutes=10)
    return make_service(
        "Closing soon clinic",
        slug=slug,
        opening_hours=[
            hours(
                opened.weekday(),
                opened.strftime("%H:%M"),
                closes.strftime("%H:%M"),
                next_day=closes.date() != opened.date(),
            )
        ],
    )
