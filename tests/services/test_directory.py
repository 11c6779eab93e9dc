"""The services directory as a reader uses it: filters, tap to call, Spanish, pagination."""

import datetime
import gzip
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from services.models import Category, OpeningHours, Service, ServiceLanguage, ServicePhone
from services.pages import ServiceDirectoryPage
from tests.services.factories import (
    LocationFactory,
    OrganizationFactory,
    hours,
    make_service,
    translate_service,
)

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def directory(code="en"):
    return ServiceDirectoryPage.objects.get(locale__language_code=code)


def names(response):
    """Service names listed on a directory page, in order."""
    return re.findall(r'class="service-card__name"><a [^>]*>([^<]+)</a>', response.content.decode())


@pytest.fixture
def isolated():
    """Only the services a test makes are listed."""
    Service.objects.all().delete()


@pytest.fixture
def clinic(isolated):
    service = make_service(
        "Confidential testing",
        phones=[("voice", "+12038543011", ""), ("text", "847411", "TEST")],
        always_open=True,
        free=True,
        confidential=True,
        no_police=True,
        languages=["es", "en"],
        categories=["health"],
        locations=[LocationFactory(address_1="137 East Ave")],
        assured_date=datetime.date(2026, 10, 1),
    )
    translate_service(service, "es", name="Pruebas confidenciales", description="Pruebas gratis.")
    return service


def test_reader_filters_free_confidential_open_now_spanish_speaking_and_taps_to_call(
    reader, clinic
):
    make_service("Paid clinic", always_open=True, confidential=True, languages=["es"])
    make_service("No Spanish", always_open=True, free=True, confidential=True, languages=["en"])
    make_service("Hours unknown", free=True, confidential=True, languages=["es"])
    make_service("Police line", always_open=True, free=True, confidential=True, languages=["es"])
    url = directory("es").url + "?free=on&confidential=on&open_now=on&language=es&no_police=on"
    response = reader.get(url)
    assert response.status_code == 200
    assert names(response) == ["Pruebas confidenciales"]
    html = response.content.decode()
    assert 'href="tel:+12038543011"' in html
    assert 'href="sms:847411?body=TEST"' in html
    # The filters stay ticked: the URL is the shareable state.
    assert re.search(r'name="free"[^>]*checked', html)
    assert '<option value="es" selected>español</option>' in html


def test_filters_work_without_javascript_as_a_plain_get_form(reader, clinic):
    html = reader.get(directory().url).content.decode()
    form = re.search(r"<form class=\"filters\"[^>]*>", html).group(0)
    assert 'method="get"' in form and f'action="{directory().url}"' in form
    assert '<button type="submit">' in html


def test_category_filter(reader, clinic):
    make_service("Hotline", categories=["reporting"])
    assert names(reader.get(directory().url + "?category=reporting")) == ["Hotline"]
    assert names(reader.get(directory().url + "?category=health")) == ["Confidential testing"]


def test_untranslated_services_are_listed_in_english_and_marked(reader, clinic):
    make_service("Apple shelter")
    html = reader.get(directory("es").url).content.decode()
    assert names(reader.get(directory("es").url)) == ["Apple shelter", "Pruebas confidenciales"]
    assert 'lang="en" dir="ltr">Apple shelter</a>' in html


def test_drafts_defunct_and_translations_alone_are_not_listed(reader, clinic):
    make_service("Draft", live=False)
    make_service("Gone", status=Service.Status.DEFUNCT)
    assert names(reader.get(directory().url)) == ["Confidential testing"]


def test_a_shared_link_keeps_working_when_no_service_speaks_its_language(reader, clinic):
    response = reader.get(directory().url + "?language=ht&free=on")
    assert response.status_code == 200
    assert "No service matches all of these filters" in response.content.decode()
    assert reader.get(directory().url + "?language=xx-nonsense").status_code == 400


def test_bad_filters_get_a_clear_400_and_a_missing_page_a_404(reader, clinic):
    response = reader.get(directory().url + "?category=bogus")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    response = reader.get(directory().url + "?page=99")
    assert response.status_code == 404
    assert "no such page" in response.content.decode()
    assert reader.get(directory().url + "?page=abc").status_code == 400


def test_pagination_keeps_the_filters(reader, isolated):
    for n in range(45):
        make_service(f"Service {n:02d}", free=True, phones=())
    first = reader.get(directory().url + "?free=on")
    assert len(names(first)) == 20
    html = first.content.decode()
    assert 'href="?free=on&amp;page=2"' in html
    assert '<p class="result-count" role="status">45 services</p>' in html
    last = reader.get(directory().url + "?free=on&page=3")
    assert len(names(last)) == 5


def test_service_page_in_spanish(reader, clinic):
    response = reader.get(directory("es").url + "confidential-testing/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Pruebas confidenciales</h1>" in html
    assert 'href="tel:+12038543011"' in html and "(203) 854-3011" in html
    assert 'href="sms:847411?body=TEST"' in html
    assert "geo:0,0?q=137%20East%20Ave" in html
    assert "1 de octubre de 2026" in html  # last verified, in Spanish
    assert "español" in html and "inglés" in html  # languages spoken
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "MedicalClinic"
    assert data["telephone"] == "+12038543011"
    assert data["address"]["streetAddress"] == "137 East Ave"
    # The language switcher goes to the same service in English.
    assert f'href="{directory("en").url}confidential-testing/"' in html


def test_service_page_hours_and_status(reader, isolated):
    make_service(
        "Weekday clinic",
        opening_hours=[hours(day, "09:00", "15:00") for day in range(5)],
        categories=["legal"],
    )
    html = reader.get(directory().url + "weekday-clinic/").content.decode()
    assert re.search(r"<th scope=\"row\">Monday</th><td>9:00\s?AM–3:00\s?PM</td>", html)
    assert '<th scope="row">Sunday</th><td>Closed</td>' in html
    assert re.search(r'class="open-status open-status--(open|closed)">(Open now|Closed)', html)
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Service"
    assert data["hoursAvailable"][0]["dayOfWeek"] == "https://schema.org/Monday"
    assert "Not verified yet" in html


def test_phone_changes_in_english_reach_every_language_at_once(reader, clinic):
    phone = clinic.phones.get(kind="voice")
    phone.number = "+12035550100"
    phone.save()
    html = reader.get(directory("es").url + "confidential-testing/").content.decode()
    assert 'href="tel:+12035550100"' in html


def test_unknown_draft_and_untranslated_slugs(reader, clinic):
    assert reader.get(directory().url + "nothing-here/").status_code == 404
    make_service("Draft", live=False)
    assert reader.get(directory().url + "draft/").status_code == 404
    # Portuguese has no translation: the English words, marked as English.
    html = reader.get(directory("pt").url + "confidential-testing/").content.decode()
    assert '<h1 lang="en" dir="ltr">Confidential testing</h1>' in html


def count_queries(reader, url):
    """Queries of a view in the steady state (what the cache keeps, such as the directory's
    own address for the footer, is kept by a first view)."""
    reader.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = reader.get(url)
    assert response.status_code == 200, url
    return len(queries), response


def bulk_services(count, start=0):
    """Many services with phones, hours, languages and categories, made in a few queries."""
    english = Locale.objects.get(language_code="en")
    organization = OrganizationFactory()
    services = Service.objects.bulk_create(
        Service(
            name=f"Bulk {n:03d}",
            slug=f"bulk-{n:03d}",
            description="Made in bulk.",
            locale=english,
            live=True,
            organization=organization,
            free=True,
            confidential=True,
            no_police=True,
            always_open=n % 2 == 0,
        )
        for n in range(start, start + count)
    )
    services = list(Service.objects.filter(slug__in=[service.slug for service in services]))
    ServicePhone.objects.bulk_create(
        phone
        for service in services
        for phone in (
            ServicePhone(service=service, kind="voice", number="+12038543011"),
            ServicePhone(service=service, kind="text", number="847411", sms_keyword="HI"),
        )
    )
    OpeningHours.objects.bulk_create(
        # Hours that ended long ago: only the always-open half is open now, at any time of day.
        hours(day, "09:00", "15:00", service=service, valid_to=datetime.date(2020, 1, 1))
        for service in services
        for day in range(7)
    )
    ServiceLanguage.objects.bulk_create(
        ServiceLanguage(service=service, code=code)
        for service in services
        for code in ("es", "en", "pt")
    )
    through = Service.categories.through
    through.objects.bulk_create(
        through(service=service, category=category)
        for service in services
        for category in Category.objects.filter(code__in=["health", "legal"])
    )


ALL_FILTERS = "?category=health&language=es&free=on&confidential=on&no_police=on&open_now=on"
# The page's 11 (site, locale, routing, view restrictions, language links,
# reader settings: see test_budgets.py) and the directory's 11: open-now
# candidates, their hours and exceptions; the count; one page of services; its
# phones, hours, exceptions, categories, languages, locations; their Spanish
# words. The languages services speak (the filter's choices) are kept between
# views until a service changes. With the cards kept (cms.caching.kept_many) the
# page's services are all it reads: see tests/cms/test_fragments.py.
DIRECTORY_QUERIES = 22


def test_directory_with_500_services_and_every_filter_has_fixed_queries_and_bytes(reader, isolated):
    bulk_services(5)
    url = directory("es").url + ALL_FILTERS
    small, _response = count_queries(reader, url)
    bulk_services(495, start=5)
    large, response = count_queries(reader, url)
    assert small == large == DIRECTORY_QUERIES
    assert len(names(response)) == 20
    # The always-open half, counted in Spanish.
    assert re.search(
        r'class="result-count" role="status">250 servicios<', response.content.decode()
    )
    with open(finders.find("css/reader.css"), "rb") as css:
        stylesheet = gzip.compress(css.read(), 9)
    assert len(gzip.compress(response.content, 9)) + len(stylesheet) <= 14_000


def test_readers_are_told_when_a_service_is_the_police(reader, isolated):
    make_service("Tip line", police=True, categories=["reporting"])
    make_service("Clinic", no_police=True)
    html = reader.get(directory().url).content.decode()
    assert '<li class="badge--warning">This is the police</li>' in html
    assert "<li>No police involvement</li>" in html
    spanish = reader.get(directory("es").url + "tip-line/").content.decode()
    assert '<li class="badge--warning">Es la policía</li>' in spanish
