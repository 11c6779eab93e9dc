"""Production headers graded by the MDN HTTP Observatory's rules (scoring as published in 2024).

Observatory scans a site's front page from outside; here its tests run on responses made
with the production settings, for the reader front page and for the admin's sign-in page
(the only admin page open to anyone). Baseline 100; penalties first; bonuses only if the
score is still 90 or more.
"""

import importlib
import sys

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

SIX_MONTHS = 15_768_000
PRIVATE_REFERRERS = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
GRADES = [
    (100, "A+"),
    (90, "A"),
    (85, "A-"),
    (80, "B+"),
    (70, "B"),
    (65, "B-"),
    (60, "C+"),
    (50, "C"),
    (45, "C-"),
    (40, "D+"),
    (30, "D"),
    (25, "D-"),
    (0, "F"),
]


def parse_csp(header):
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *sources = directive.split()
        policy[name.lower()] = [source.lower() for source in sources]
    return policy


def csp_test(response):
    """The Content Security Policy test: (name, modifier)."""
    header = response.get("Content-Security-Policy")
    if not header:
        return "csp-not-implemented", -25
    policy = parse_csp(header)
    scripts = policy.get("script-src", policy.get("default-src", []))
    styles = policy.get("style-src", policy.get("default-src", []))
    if "'unsafe-inline'" in scripts or "*" in scripts or "http:" in scripts:
        return "csp-implemented-with-unsafe-inline", -20
    if "'unsafe-eval'" in scripts:
        return "csp-implemented-with-unsafe-eval", -10
    if "'unsafe-inline'" in styles:
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    if policy.get("default-src") == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5


def cookies_test(response):
    cookies = list(response.cookies.values())
    if not cookies:
        return "cookies-not-found", 0
    if not all(cookie["secure"] for cookie in cookies):
        return "cookies-without-secure-flag", -20
    if not all(cookie["httponly"] for cookie in cookies if "session" in cookie.key):
        return "cookies-session-without-httponly-flag", -30
    if all(cookie["samesite"].lower() in ("lax", "strict") for cookie in cookies):
        return "cookies-secure-with-httponly-sessions-and-samesite", 5
    return "cookies-secure-with-httponly-sessions", 0


def referrer_test(response):
    referrer = response.get("Referrer-Policy", "")
    if referrer in PRIVATE_REFERRERS:
        return "referrer-policy-private", 5
    if referrer:
        return "referrer-policy-unsafe", -5
    return "referrer-policy-not-implemented", 0


def hsts_test(response):
    """Strict-Transport-Security (the +5 "hsts-preloaded" needs the browsers' preload list)."""
    hsts = response.get("Strict-Transport-Security", "")
    max_age = int(hsts.split("max-age=")[1].split(";")[0]) if "max-age=" in hsts else 0
    if not hsts:
        return "hsts-not-implemented", -20
    if max_age < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months", -10
    return "hsts-implemented-max-age-at-least-six-months", 0


def frame_options_test(response):
    header = response.get("Content-Security-Policy")
    if header and "frame-ancestors" in parse_csp(header):
        return "x-frame-options-implemented-via-csp", 5
    if response.get("X-Frame-Options", "").upper() in ("DENY", "SAMEORIGIN"):
        return "x-frame-options-sameorigin-or-deny", 0
    return "x-frame-options-not-implemented", -20


def observatory(response, plain_http_response):
    """(score, grade, {test: modifier}) for one HTTPS response and its plain-HTTP twin."""
    results = dict([csp_test(response), cookies_test(response)])
    # Cross-origin resource sharing
    if response.get("Access-Control-Allow-Origin") == "*":
        results["cross-origin-resource-sharing-implemented-with-universal-access"] = -50
    else:
        results["cross-origin-resource-sharing-not-implemented"] = 0
    # Redirection from HTTP
    location = plain_http_response.get("Location", "")
    if plain_http_response.status_code in (301, 302, 307, 308) and location.startswith(
        "https://testserver/"
    ):
        results["redirection-to-https"] = 0
    else:
        results["redirection-missing"] = -20
    results.update([referrer_test(response), hsts_test(response)])
    # Subresource integrity: every script is our own, from our origin
    results["sri-not-implemented-but-all-scripts-loaded-from-secure-origin"] = 0
    # X-Content-Type-Options
    if response.get("X-Content-Type-Options") == "nosniff":
        results["x-content-type-options-nosniff"] = 0
    else:
        results["x-content-type-options-not-implemented"] = -5
    results.update([frame_options_test(response)])
    score = 100 + sum(modifier for modifier in results.values() if modifier < 0)
    if score >= 90:
        score += sum(modifier for modifier in results.values() if modifier > 0)
    score = max(score, 0)
    grade = next(letter for floor, letter in GRADES if score >= floor)
    return score, grade, results


@pytest.fixture
def production(monkeypatch, settings):
    """The security settings of cms/settings/production.py, on top of the test settings."""
    # What the environment gives production (base.py read the environment at start-up).
    monkeypatch.setattr("cms.settings.base.SECRET_KEY", "observatory-test-" + "x" * 40)
    monkeypatch.setattr("cms.settings.base.ALLOWED_HOSTS", ["testserver"])
    sys.modules.pop("cms.settings.production", None)
    module = importlib.import_module("cms.settings.production")
    for name in dir(module):
        if name.startswith(("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_")):
            setattr(settings, name, getattr(module, name))
    sys.modules.pop("cms.settings.production", None)
    return module


def test_the_reader_front_page_grades_a_plus(client, production):
    response = client.get("/en/", secure=True)
    assert response.status_code == 200
    score, grade, results = observatory(response, client.get("/en/"))
    assert (score, grade) == (120, "A+"), results
    assert results["csp-implemented-with-no-unsafe-default-src-none"] == 10
    assert "cookies-not-found" in results  # readers get no cookie at all
    # Preload-ready: two years, subdomains, preload. Submitting the domain to the preload
    # list would add Observatory's last +5 (hsts-preloaded).
    assert response["Strict-Transport-Security"] == ("max-age=63072000; includeSubDomains; preload")
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_admin_sign_in_page_grades_a_plus(client, production):
    response = client.get("/admin/login/", secure=True)
    assert response.status_code == 200
    score, grade, results = observatory(response, client.get("/admin/login/"))
    assert (score, grade) == (115, "A+"), results
    assert "cookies-secure-with-httponly-sessions-and-samesite" in results
    assert "'unsafe-inline'" not in parse_csp(response["Content-Security-Policy"])["script-src"]


def test_behind_the_sign_in_the_editor_needs_inline_scripts(admin_client, production):
    """Wagtail 8's editing forms still write inline scripts (inline panels, date pickers):
    signed-in admin pages allow them, and Observatory's rules would grade them lower."""
    response = admin_client.get("/admin/", secure=True)
    score, grade, results = observatory(response, admin_client.get("/admin/"))
    assert "csp-implemented-with-unsafe-inline" in results
    assert (score, grade) == (80, "B+")
