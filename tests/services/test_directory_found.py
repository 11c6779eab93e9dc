"""The directory is found from every page, shows its filters when they are asked for, and
says under each service what it is: open hours for places, "phone line" or "online" for
what has no door."""

import re

import pytest

from services.pages import ServiceDirectoryPage
from tests.services.factories import LocationFactory, hours, make_service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

LANGUAGES = ["en", "es", "pt", "ht", "ar"]


def directory(code):
    return ServiceDirectoryPage.objects.get(locale__language_code=code)


def links_to(html, page):
    return re.findall(rf'<a href="{re.escape(page.url)}">([^<]+)</a>', html)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_links_to_the_directory_in_its_language(reader, code):
    target = directory(code)
    home = reader.get(f"/{code}/").content.decode()
    # In the home page's "get help" area and in the footer, under its own title.
    assert links_to(home, target) == [target.title, target.title]
    for url in (f"/{code}/search/?q=911", f"/{code}/offline/", target.url):
        assert links_to(reader.get(url).content.decode(), target) == [target.title], url


def test_a_renamed_directory_is_named_so_at_once(reader, django_capture_on_commit_callbacks):
    reader.get("/es/")  # the link is kept
    page = directory("es")
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Directorio de ayuda"
        page.save_revision().publish()
    assert "Directorio de ayuda" in links_to(reader.get("/es/").content.decode(), page)


def test_the_filters_are_folded_until_used_and_stay_open_while_set(reader):
    url = directory("es").url
    assert '<details class="filters__fold">' in reader.get(url).content.decode()
    filtered = reader.get(url, {"free": "on"}).content.decode()
    assert '<details class="filters__fold" open>' in filtered


def status_of(reader, service):
    html = reader.get(f"{directory('en').url}{service.slug}/").content.decode()
    return re.search(r'<p class="open-status open-status--([\w-]+)">([^<]+)</p>', html).groups()


def test_status_lines_say_what_a_service_is_where_hours_mean_nothing(reader):
    line = make_service("Night line", phones=[("hotline", "+18005550100", "")])
    texts = make_service("Text us", phones=[("text", "847411", "HELP")])
    web = make_service("Chat online", phones=[], url="https://chat.example.org/")
    place = make_service("Walk-in clinic", locations=[LocationFactory()])
    hours_known = make_service("Day line", opening_hours=[hours(0, "09:00", "17:00")])
    assert status_of(reader, line) == ("phone", "Phone line")
    assert status_of(reader, texts) == ("text", "Text line")
    assert status_of(reader, web) == ("online", "Online")
    # A door to go to: whether it is open is the question, even when nobody knows.
    assert status_of(reader, place) == ("unknown", "Opening hours not known: check before you go")
    assert status_of(reader, hours_known)[0] in ("open", "closed")
