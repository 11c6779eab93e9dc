"""axe-core finds nothing on any reader page type in any language (WCAG 2.2 AA)."""

from pathlib import Path

import axe_playwright_python
import pytest

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PAGE_TYPES = {
    "home": {"en": "/en/", "es": "/es/", "pt": "/pt/", "ht": "/ht/", "ar": "/ar/"},
    "topic index": {
        "en": "/en/topics/",
        "es": "/es/temas/",
        "pt": "/pt/temas/",
        "ht": "/ht/sije/",
        "ar": "/ar/topics/",
    },
    "topic": {
        "en": "/en/topics/reporting/",
        "es": "/es/temas/denunciar/",
        "pt": "/pt/temas/denunciar/",
        "ht": "/ht/sije/rapote/",
        "ar": "/ar/topics/reporting/",
    },
    "services directory": {
        "en": "/en/services/?category=health&free=on",
        "es": "/es/servicios/",
        "pt": "/pt/servicos/",
        "ht": "/ht/sevis/",
        "ar": "/ar/services/?open_now=on",
    },
    "service": {
        "en": "/en/services/health-department-testing/",
        "es": "/es/servicios/health-department-testing/",
        "pt": "/pt/servicos/human-trafficking-hotline/",
        "ht": "/ht/sevis/text-a-tip/",
        "ar": "/ar/services/health-department-testing/",
    },
    "not found": {code: f"/{code}/no-such-page/" for code in ("en", "es", "pt", "ht", "ar")},
}
CASES = [(kind, code, url) for kind, urls in PAGE_TYPES.items() for code, url in urls.items()]


def axe_violations(page):
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]][:3])
        for violation in result["violations"]
    ]


@pytest.mark.parametrize(("kind", "code", "url"), CASES, ids=[f"{k}-{c}" for k, c, _ in CASES])
def test_no_axe_violations(page, kind, code, url):
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == code
    assert axe_violations(page) == []


def test_pages_run_under_the_strict_content_security_policy_without_violations(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    for url in (
        "/en/",
        "/es/temas/denunciar/",
        "/ar/topics/",
        "/ht/no-such-page/",
        "/es/servicios/?free=on",
        "/es/servicios/health-department-testing/",
    ):
        response = page.goto(url)
        assert "unsafe-inline" not in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert [error for error in errors if "Content Security Policy" in error] == []
