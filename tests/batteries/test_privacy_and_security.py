"""Readers leave no trace: no cookies, no third parties, strict headers, no 500s on bad URLs."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from wagtail.models import Page

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

READER_URLS = ["/en/", "/es/", "/ar/", "/es/temas/", "/es/temas/denunciar/", "/ht/nope/"]


def reader_page_urls():
    return [page.url for page in Page.objects.live().filter(depth__gte=2)]


def test_no_reader_page_sets_a_cookie(reader):
    for url in [*reader_page_urls(), "/", "/sitemap.xml", "/es/nope/"]:
        response = reader.get(url)
        assert not response.cookies, (url, response.cookies)
        assert "Set-Cookie" not in response.headers, url


def test_nothing_a_reader_loads_comes_from_another_origin(reader):
    for url in reader_page_urls():
        html = reader.get(url).content.decode()
        loaded = re.findall(
            r'<(?:script|link|img|iframe|source|video|audio)\b[^>]*?(?:src|href)="([^"]+)"', html
        )
        for address in loaded:
            is_alternate = address.startswith("http://testserver/")
            assert address.startswith("/") or is_alternate, (url, address)
        assert "@import" not in html and "url(http" not in html


@pytest.mark.parametrize("url", READER_URLS)
def test_reader_responses_carry_the_protective_headers(reader, url):
    response = reader.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_reader_pages_need_no_inline_script_or_style(reader):
    for url in reader_page_urls():
        html = reader.get(url).content.decode()
        assert " style=" not in html, url
        assert "<style" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url
        inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert all('type="application/ld+json"' in attrs for attrs in inline_scripts), url


def test_admin_gets_its_own_policy_and_stays_frameable_by_itself(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    # Not "no-referrer": browsers would then send "Origin: null" with the sign-in form,
    # and Django's CSRF check would refuse every staff member (the browser test signs in).
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path",
    [
        "/xx/",
        "/fr/ayuda/",
        "/es/no-existe/",
        "/es/%ff%fe/",
        "/es/%00/",
        "/ar/" + "a/" * 300,
        "/es/temas/denunciar/../../../etc/passwd",
        "/es/temas/%2e%2e/",
        "/es/<script>/",
        "/es//temas//",
    ],
)
def test_unknown_and_malformed_paths_get_a_localized_404_never_a_500(reader, path):
    response = reader.get(path, follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<html lang=" in html
    assert "Exit this page" in html or "Salir de esta página" in html or "اخرج" in html


def test_404_is_in_the_language_of_the_url(reader):
    html = reader.get("/es/no-existe/").content.decode()
    assert '<html lang="es" dir="ltr">' in html
    assert "Página no encontrada" in html
    html = reader.get("/ar/missing/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_production_settings_pass_the_deployment_checklist():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "x9!" + "k" * 20 + "Qz7#" + "m" * 30 + "p4@" + "r" * 10,
        "ALLOWED_HOSTS": "waymark.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.production", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
