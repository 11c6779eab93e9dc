"""Static files: hashed names, compressed, cached for a year, served by the app itself."""

import re
import urllib.request


def fetch(url, encoding=None):
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


def test_stylesheet_and_script_are_hashed_compressed_and_long_cached(demo_server):
    _headers, body = fetch(f"{demo_server}/es/")
    html = body.decode()
    css = re.search(r'href="(/static/css/reader\.[0-9a-f]{12}\.css)"', html).group(1)
    js = re.search(r'src="(/static/js/exit-this-page\.[0-9a-f]{12}\.js)"', html).group(1)
    for path in (css, js):
        headers, _body = fetch(demo_server + path, encoding="br, gzip")
        assert headers["Content-Encoding"] in ("br", "gzip")
        assert "max-age=31536000" in headers["Cache-Control"]
        assert "immutable" in headers["Cache-Control"]
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_reader_pages_are_not_cached_as_static_files(demo_server):
    headers, _body = fetch(f"{demo_server}/es/")
    assert "immutable" not in (headers.get("Cache-Control") or "")
    assert headers.get("Set-Cookie") is None
