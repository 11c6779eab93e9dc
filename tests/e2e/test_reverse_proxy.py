"""Through a real caching proxy (Varnish, as deployed): a published change is served at once.

The app runs as in production (gunicorn, production settings, Redis page
cache) behind Varnish with deploy/varnish.vcl. Editors' changes are made by
another process, as the admin would, and reach readers through the purge.
"""

import http.client
import re
import shutil
import time
import urllib.parse
import urllib.request
from urllib.parse import urlsplit

import pytest

from bench import stack

pytestmark = pytest.mark.e2e
HOST = "localhost"  # the demo site's hostname, so purges name the URLs readers use


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """(proxy URL, app env): Varnish on a free port in front of gunicorn with the demo."""
    if not shutil.which(stack.VARNISHD):
        pytest.fail("varnishd is missing: install Debian's varnish (apt-get install varnish)")
    work = tmp_path_factory.mktemp("proxy")
    app_port, proxy_port = stack.free_port(), stack.free_port()
    env = stack.production_env(
        work,
        f"sqlite:///{work / 'demo.sqlite3'}",
        FRONTEND_CACHE_URL=f"http://127.0.0.1:{proxy_port}",
    )
    stack.install_demo(env)
    with (
        stack.varnish(work / "varnish", proxy_port, app_port, log=work / "varnish.log"),
        stack.gunicorn(env, app_port, workers=2, log=work / "gunicorn.log"),
    ):
        base = f"http://127.0.0.1:{proxy_port}"
        stack.wait_for(f"http://127.0.0.1:{app_port}/healthz")
        stack.wait_for(f"{base}/healthz", headers={"Host": HOST})
        yield base, env


def get(base, path, headers=None):
    request = urllib.request.Request(base + path, headers={"Host": HOST, **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read().decode()


def fetch(base, path, headers=None):
    """(status, headers, body) without following a redirect."""
    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def tls_proxied(proxied, tmp_path_factory):
    """Varnish and gunicorn as docs/deploy.md prescribes behind a TLS proxy
    (BEHIND_TLS_PROXY=1, the HTTPS redirect on), on a copy of the demo database: a
    deployment of its own (sharing the database, its sweeper would apply the other
    deployment's pending invalidations to its own caches)."""
    _base, env = proxied
    work = tmp_path_factory.mktemp("tls-proxy")
    database = work / "demo.sqlite3"
    shutil.copy(env["DATABASE_URL"].removeprefix("sqlite:///"), database)
    app_port, proxy_port = stack.free_port(), stack.free_port()
    env = {
        **env,
        "DATABASE_URL": f"sqlite:///{database}",
        "BEHIND_TLS_PROXY": "1",
        "SECURE_SSL_REDIRECT": "1",
        "FRONTEND_CACHE_URL": f"http://127.0.0.1:{proxy_port}",
        "CACHE_KEY_PREFIX": env["CACHE_KEY_PREFIX"] + "-tls",
    }
    https = {"Host": HOST, "X-Forwarded-Proto": "https"}
    with (
        stack.varnish(work / "varnish", proxy_port, app_port, log=work / "varnish.log"),
        stack.gunicorn(env, app_port, workers=2, log=work / "gunicorn.log"),
    ):
        stack.wait_for(f"http://127.0.0.1:{app_port}/healthz", headers=https)
        stack.wait_for(f"http://127.0.0.1:{proxy_port}/healthz", headers=https)
        yield f"http://127.0.0.1:{proxy_port}"


# Headers a client may send that the cache key does not name: none may change what the
# proxy stores for everyone (scheme, host and path tricks, and what readers' browsers send).
UNKEYED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Ssl": "on",
    "X-Forwarded-Protocol": "ssl",
    "X-Forwarded-Scheme": "https",
    "X-Url-Scheme": "https",
    "Front-End-Https": "on",
    "Forwarded": "for=192.0.2.1;proto=https;host=evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Server": "evil.example",
    "X-Forwarded-Port": "8443",
    "X-Forwarded-For": "192.0.2.1",
    "X-Host": "evil.example",
    "X-Original-URL": "/admin/",
    "X-Rewrite-URL": "/admin/",
    "Accept-Language": "ar",
    "Cookie": "django_language=ar; theme=dark",
    "User-Agent": "Mozilla/5.0 (evil)",
}


def edit(env, code):
    """Change content in another process, as an editor in the admin would."""
    stack.manage(env, "shell", "-c", code)


def test_pages_are_served_by_the_proxy_once_fetched(proxied):
    base, _env = proxied
    first, _ = get(base, "/es/temas/")
    again, _ = get(base, "/es/temas/")
    assert first["X-Proxy-Cache"] == "miss" and again["X-Proxy-Cache"] == "hit"
    assert again["Cache-Control"] == "public, max-age=0, s-maxage=3600"
    assert "x-url" not in again and "x-host" not in again


def test_a_published_page_is_served_new_by_the_proxy_at_once(proxied):
    base, env = proxied
    url = "/en/topics/reporting/"
    get(base, url)
    headers, _ = get(base, url)
    assert headers["X-Proxy-Cache"] == "hit"
    get(base, "/es/temas/denunciar/")
    assert get(base, "/es/temas/denunciar/")[0]["X-Proxy-Cache"] == "hit"
    edit(
        env,
        "from home.models import TopicPage\n"
        "p = TopicPage.objects.get(locale__language_code='en', slug='reporting')\n"
        "p.title = 'How to report (checked today)'\n"
        "p.save_revision().publish()",
    )
    headers, html = get(base, url)
    assert headers["X-Proxy-Cache"] == "miss"
    assert "How to report (checked today)" in html
    # The Spanish translation now says its English source has changed.
    headers, _ = get(base, "/es/temas/denunciar/")
    assert headers["X-Proxy-Cache"] == "miss"


def test_a_translation_publish_leaves_other_languages_in_the_proxy(proxied):
    base, env = proxied
    for path in ("/pt/", "/es/temas/visitantes/"):
        get(base, path)
    edit(
        env,
        "from home.models import TopicPage\n"
        "p = TopicPage.objects.get(locale__language_code='es', slug='visitantes')\n"
        "p.title = 'Si visita Norwalk (revisado)'\n"
        "p.save_revision().publish()",
    )
    headers, html = get(base, "/es/temas/visitantes/")
    assert headers["X-Proxy-Cache"] == "miss" and "Si visita Norwalk (revisado)" in html
    assert get(base, "/pt/")[0]["X-Proxy-Cache"] == "hit"


def test_a_corrected_hotline_number_reaches_readers_through_the_proxy(proxied):
    base, env = proxied
    path = "/es/servicios/human-trafficking-hotline/"
    get(base, path)
    assert get(base, path)[0]["X-Proxy-Cache"] == "hit"
    edit(
        env,
        "from services.models import Service\n"
        "s = Service.objects.get(locale__language_code='en', slug='human-trafficking-hotline')\n"
        "phone = s.phones.first(); phone.number = '+18005550123'; s.phones = [phone]\n"
        "s.save_revision().publish()",
    )
    headers, html = get(base, path)
    assert headers["X-Proxy-Cache"] == "miss"
    assert "tel:+18005550123" in html


def test_staff_go_straight_to_the_app(proxied):
    base, _env = proxied
    request = urllib.request.Request(
        base + "/es/temas/", headers={"Host": HOST, "Cookie": "sessionid=abc"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["X-Proxy-Cache"] == "miss"
        assert "X-Waymark-Cache" not in response.headers


@pytest.mark.parametrize("header", sorted(UNKEYED))
def test_no_header_outside_the_cache_key_changes_what_readers_are_served(proxied, header):
    """A request that carries the header comes first (a miss: it is rendered for it and
    stored); a plain reader then gets exactly what a plain reader's own request renders."""
    base, _env = proxied
    path = f"/es/temas/?probe={header.lower()}"
    _status, _headers, expected = fetch(base, "/es/temas/?probe=plain")
    first, _headers, _body = fetch(base, path, {header: UNKEYED[header]})
    assert first == 200
    status, _headers, body = fetch(base, path)
    assert status == 200
    assert body.replace(f"probe={header.lower()}", "probe=plain") == expected
    assert "evil.example" not in body and f"https://{HOST}" not in body


def test_a_plain_http_request_never_sends_https_readers_a_redirect(tls_proxied):
    """One request forwarded as plain HTTP gets the redirect to HTTPS; readers who came by
    HTTPS, before and after it, get the page, and its links say https."""
    https = {"X-Forwarded-Proto": "https"}
    status, _headers, body = fetch(tls_proxied, "/es/temas/", https)
    assert status == 200
    status, headers, _body = fetch(tls_proxied, "/es/temas/")
    assert status == 301 and headers["Location"] == f"https://{HOST}/es/temas/"
    for _reader in range(3):
        status, headers, body = fetch(tls_proxied, "/es/temas/", https)
        assert status == 200, headers.get("Location")
        assert f"https://{HOST}/" in body and f"http://{HOST}/" not in body
    # A scheme header other than X-Forwarded-Proto counts for nothing.
    status, headers, _body = fetch(tls_proxied, "/es/", {"X-Forwarded-Ssl": "on"})
    assert status == 301


def test_a_publisher_killed_after_the_commit_still_reaches_readers_within_seconds(proxied, capsys):
    """The process that published dies right after the commit, before it could tell Redis
    or the proxy (its first after-commit step kills it, as kill -9 would): the change was
    recorded as pending in the same transaction, and the app servers' sweep applies it."""
    base, env = proxied
    path = "/es/temas/visitantes/"
    get(base, path)
    assert get(base, path)[0]["X-Proxy-Cache"] == "hit"
    with pytest.raises(RuntimeError):  # manage.py exits with 9
        edit(
            env, stack.retitle_visitors("Si visita Norwalk (tras un fallo)", die_after_commit=True)
        )
    started = time.monotonic()
    while "(tras un fallo)" not in get(base, path)[1]:
        assert time.monotonic() - started < 10, "readers still get the old page after 10 s"
        time.sleep(0.2)
    with capsys.disabled():
        elapsed = time.monotonic() - started
        print(f"\n  killed publisher: readers get the change after {elapsed:.1f} s")


def report_from(base, source, page_id):
    """A reader's report of a mistake, sent through the proxy from address `source`."""
    where = urlsplit(base)
    connection = http.client.HTTPConnection(
        where.hostname, where.port, timeout=10, source_address=(source, 0)
    )
    body = urllib.parse.urlencode(
        {
            "message": "The number is wrong.",
            "contact": "",
            "website": "",
            "page": page_id,
            "path": "/es/temas/denunciar/",
        }
    )
    try:
        connection.request(
            "POST",
            "/es/feedback/",
            body=body,
            headers={
                "Host": HOST,
                "Content-Type": "application/x-www-form-urlencoded",
                "Sec-Fetch-Site": "same-origin",
            },
        )
        return connection.getresponse().status
    finally:
        connection.close()


def test_one_clients_reports_through_the_proxy_never_block_anothers(proxied):
    """Every request reaches the app from Varnish's address; the client is the one Varnish
    names in X-Forwarded-For (the app trusts it from 127.0.0.1 only)."""
    base, _env = proxied
    page_id = re.search(r'name="page" value="(\d+)"', get(base, "/es/temas/denunciar/")[1])[1]
    statuses = [report_from(base, "127.0.0.2", page_id) for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert report_from(base, "127.0.0.3", page_id) == 200
