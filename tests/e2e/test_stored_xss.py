"""In a real browser, payloads stored in every field run nowhere: not on reader pages, not in
the admin. A copy of the demo database gets the payloads, so other browser tests are untouched.
"""

import json
import shutil
import subprocess
import sys

import pytest

from tests.batteries.payloads import PAYLOADS
from tests.e2e.conftest import ROOT, running_server

# Several payloads at once: each field gets as much of them as it holds.
COMBINED = (
    PAYLOADS["attribute"] + PAYLOADS["svg"] + PAYLOADS["end-script"] + PAYLOADS["single-quote"]
)
FILL = (
    "import json, sys\n"
    "from tests.batteries.payloads import fill\n"
    f"made = fill({COMBINED!r})\n"
    "print(json.dumps({'topic': made['topic'].url, 'service': made['service'].slug}))\n"
)


@pytest.fixture(scope="module")
def xss_server(demo_server, tmp_path_factory):
    """The demo with payloads everywhere, served from its own copy of the database."""
    work = tmp_path_factory.mktemp("xss")
    source = demo_server.env["DATABASE_URL"].removeprefix("sqlite:///")
    shutil.copy(source, work / "xss.sqlite3")
    env = {
        **demo_server.env,
        "DATABASE_URL": f"sqlite:///{work / 'xss.sqlite3'}",
        "TWO_STEP_SIGN_IN": "0",  # this throwaway server's admin signs in with a password
    }
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", FILL],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    try:
        with running_server(env) as base:
            yield base, json.loads(made.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def visit_all(browser, base, paths, sign_in=False):
    """Load each page, hover over and focus everything; return any dialog or injected node."""
    context = browser.new_context(base_url=base)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    if sign_in:
        page.goto("/admin/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", "waymark-admin-demo")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert page.url.endswith("/admin/"), (page.url, page.content()[:3000])
    injected = []
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        # Event-handler payloads need an event: move over and focus every element.
        page.evaluate(
            "for (const el of document.querySelectorAll('body *')) {"
            " for (const type of ['mouseover', 'focus', 'load', 'error'])"
            "  el.dispatchEvent(new Event(type)); }"
        )
        page.wait_for_timeout(100)
        found = page.evaluate(
            "[...document.querySelectorAll('img[onerror], svg[onload], [onmouseover]')]"
            ".map(el => el.outerHTML.slice(0, 80))"
        )
        injected += [(path, html) for html in found]
    context.close()
    return dialogs, injected


def test_reader_pages_run_no_stored_payload(browser, xss_server):
    base, made = xss_server
    paths = [
        made["topic"],
        "/en/services/" + made["service"] + "/",
        "/es/servicios/" + made["service"] + "/",
        "/en/",
        "/en/topics/",
        "/en/services/",
        "/en/search/?q=XSS",
    ]
    dialogs, injected = visit_all(browser, base, paths)
    assert dialogs == [] and injected == []


def test_admin_pages_run_no_stored_payload(browser, xss_server):
    base, _made = xss_server
    paths = [
        "/admin/",
        "/admin/pages/search/?q=XSS",
        "/admin/snippets/services/service/?locale=en&q=XSS",
        "/admin/snippets/services/organization/",
        "/admin/snippets/services/location/",
        "/admin/reader_feedback/",
        "/admin/reports/high-risk-changes/",
        "/admin/reports/due-for-review/",
        "/admin/reports/translation-status/",
    ]
    dialogs, injected = visit_all(browser, base, paths, sign_in=True)
    assert dialogs == [] and injected == []
