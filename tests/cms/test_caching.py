"""Reader pages are cached per language and a published change is visible at once."""

import re
from types import SimpleNamespace
from urllib.parse import urlencode
from wsgiref.headers import Headers
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from wagtail.contrib.frontend_cache.backends.base import BaseBackend
from wagtail.models import Page

from cms.caching import CACHE_HEADER, ServeCachedPages, languages_of
from home.models import TopicPage
from services.models import Service
from tests.services.factories import closing_soon_service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

PAGE_CACHE = override_settings(WAYMARK_PAGE_CACHE_SECONDS=600)


class Fetched:
    """A response as a WSGI server gets it from cms.wsgi: status, headers, body."""

    def __init__(self, status, headers, content):
        self.status_code = int(status.split(" ", 1)[0])
        self.headers = Headers(headers)
        self.content = content

    def __getitem__(self, name):
        return self.headers[name]

    def __contains__(self, name):
        return name in self.headers


@pytest.fixture
def wsgi_reader():
    """A reader's browser talking to the WSGI application gunicorn runs (cms.wsgi), in which
    cached pages are answered before Django. Database connections stay open, as the test
    client keeps them, so each test's transaction survives the request. The application is
    made afresh for each request, so that it reads the settings a test overrides."""

    def get(path, params=None, **headers):
        application = ServeCachedPages(WSGIHandler())
        environ = {}
        setup_testing_defaults(environ)
        environ.update(
            REQUEST_METHOD="GET",
            PATH_INFO=path,
            QUERY_STRING=urlencode(params or {}),
            HTTP_HOST="testserver",
            HTTP_ACCEPT="text/html",
            **headers,
        )
        started = {}

        def start_response(status, response_headers, exc_info=None):
            started.update(status=status, headers=response_headers)

        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = application(environ, start_response)
            content = b"".join(body)
            if hasattr(body, "close"):
                body.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return Fetched(started["status"], started["headers"], content)

    return SimpleNamespace(get=get)


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def max_ages(response):
    control = response["Cache-Control"]
    assert control.startswith("public, ")
    match = re.fullmatch(r"public, max-age=(\d+), s-maxage=(\d+)", control)
    assert match, control
    return int(match[1]), int(match[2])


def publish(page_or_service, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page_or_service.save_revision().publish()


def test_reader_pages_may_be_kept_by_a_cdn_but_browsers_ask_again(reader):
    response = reader.get("/es/temas/")
    assert max_ages(response) == (0, 3600)
    assert "Accept-Encoding" in response["Vary"]
    assert not response.cookies


@pytest.mark.parametrize(
    "url", ["/es/offline.json", "/sw.js", "/healthz", "/admin/login/", "/sitemap.xml"]
)
def test_what_must_stay_fresh_or_private_is_not_public(reader, url):
    response = reader.get(url, follow=True)
    assert "public" not in response.get("Cache-Control", "")


@PAGE_CACHE
def test_a_cached_page_is_served_without_touching_the_database(
    wsgi_reader, django_assert_num_queries
):
    first = wsgi_reader.get("/es/temas/")
    assert first[CACHE_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = wsgi_reader.get("/es/temas/")
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content
    for header in ("Content-Security-Policy", "Cross-Origin-Resource-Policy", "Content-Type"):
        assert second[header] == first[header]
    assert max_ages(second) == max_ages(first)


@PAGE_CACHE
def test_each_language_and_query_is_its_own_entry(wsgi_reader):
    wsgi_reader.get("/es/search/", {"q": "ayuda"})
    assert wsgi_reader.get("/es/search/", {"q": "clínica"})[CACHE_HEADER] == "miss"
    assert wsgi_reader.get("/en/topics/")[CACHE_HEADER] == "miss"
    assert wsgi_reader.get("/es/search/", {"q": "ayuda"})[CACHE_HEADER] == "hit"


@PAGE_CACHE
def test_a_published_change_is_visible_at_once(wsgi_reader, django_capture_on_commit_callbacks):
    page = TopicPage.objects.get(locale__language_code="es", slug="denunciar")
    wsgi_reader.get(page.url)
    assert wsgi_reader.get(page.url)[CACHE_HEADER] == "hit"
    page.title = "Cómo denunciar (actualizado)"
    publish(page, django_capture_on_commit_callbacks)
    response = wsgi_reader.get(page.url)
    assert response[CACHE_HEADER] == "miss"
    assert "Cómo denunciar (actualizado)" in response.content.decode()


@PAGE_CACHE
def test_a_translation_change_leaves_languages_it_does_not_show_in_cached(
    wsgi_reader, django_capture_on_commit_callbacks
):
    spanish = TopicPage.objects.get(locale__language_code="es", slug="visitantes")
    assert languages_of(spanish) == {"en", "es"}  # no pt, ht or ar translation
    for url in ("/pt/", "/es/", spanish.url):
        wsgi_reader.get(url)
    publish(spanish, django_capture_on_commit_callbacks)
    assert wsgi_reader.get("/pt/")[CACHE_HEADER] == "hit"
    assert wsgi_reader.get("/es/")[CACHE_HEADER] == "miss"
    assert wsgi_reader.get(spanish.url)[CACHE_HEADER] == "miss"


@PAGE_CACHE
def test_unpublishing_and_moving_are_visible_at_once(
    wsgi_reader, django_capture_on_commit_callbacks
):
    page = TopicPage.objects.get(locale__language_code="en", slug="reporting")
    old_url = page.url
    wsgi_reader.get(old_url)
    home = Page.objects.get(locale__language_code="en", depth=2)
    with django_capture_on_commit_callbacks(execute=True):
        page.move(home, pos="last-child")
    moved = TopicPage.objects.get(pk=page.pk)
    assert wsgi_reader.get(old_url).headers["Location"] == moved.url  # Wagtail's automatic redirect
    assert wsgi_reader.get(moved.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        moved.unpublish()
    assert wsgi_reader.get(moved.url).status_code == 404


@PAGE_CACHE
def test_a_changed_hotline_number_reaches_every_language_at_once(
    wsgi_reader, django_capture_on_commit_callbacks
):
    hotline = Service.objects.get(locale__language_code="en", slug="human-trafficking-hotline")
    pages = ["/en/services/human-trafficking-hotline/", "/pt/servicos/human-trafficking-hotline/"]
    pages.append("/es/servicios/human-trafficking-hotline/")
    for url in pages:
        wsgi_reader.get(url)
    phone = hotline.phones.first()
    phone.number = "+18005550123"
    hotline.phones = [phone]
    publish(hotline, django_capture_on_commit_callbacks)
    for url in pages:
        response = wsgi_reader.get(url)
        assert response[CACHE_HEADER] == "miss"
        assert "tel:+18005550123" in response.content.decode()


@PAGE_CACHE
def test_an_open_now_status_is_kept_only_until_it_changes(wsgi_reader):
    closing_soon_service()
    response = wsgi_reader.get("/en/services/closing-soon/")
    assert "Open now" in response.content.decode()
    browser, shared = max_ages(response)
    assert shared <= 600 and browser == 0
    later = wsgi_reader.get("/en/services/closing-soon/")
    assert later[CACHE_HEADER] == "hit"
    assert max_ages(later)[1] <= shared


@PAGE_CACHE
def test_staff_are_neither_served_nor_fill_the_readers_cache(wsgi_reader, client, admin_user):
    wsgi_reader.get("/es/temas/")
    client.force_login(admin_user)
    session = f"sessionid={client.cookies['sessionid'].value}"
    for _ in range(2):
        response = wsgi_reader.get("/es/temas/", HTTP_COOKIE=session)
        assert CACHE_HEADER not in response
        assert "public" not in response.headers.get("Cache-Control", "")


@PAGE_CACHE
@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_gets_the_https_redirect_not_a_cached_page(wsgi_reader):
    wsgi_reader.get("/es/temas/", **{"wsgi.url_scheme": "https"})
    assert wsgi_reader.get("/es/temas/", **{"wsgi.url_scheme": "https"})[CACHE_HEADER] == "hit"
    response = wsgi_reader.get("/es/temas/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/es/temas/"


class RecordingBackend(BaseBackend):
    """A frontend cache that writes down what it is asked to purge."""

    purged = []

    def purge(self, url):
        self.purged.append(url)


@PAGE_CACHE
@override_settings(
    WAGTAILFRONTENDCACHE={"proxy": {"BACKEND": "tests.cms.test_caching.RecordingBackend"}},
    WAGTAILFRONTENDCACHE_LANGUAGES=[],
)
def test_the_proxy_is_asked_to_purge_each_language_the_change_shows_in(
    django_capture_on_commit_callbacks,
):
    RecordingBackend.purged.clear()
    spanish = TopicPage.objects.get(locale__language_code="es", slug="visitantes")
    publish(spanish, django_capture_on_commit_callbacks)
    assert sorted(RecordingBackend.purged) == [
        "http://localhost/api/",  # the APIs register their prefix (api.apps)
        "http://localhost/en/",
        "http://localhost/es/",
        "http://localhost/es/temas/visitantes/",
        "http://localhost/sitemap.xml",
    ]
