"""The editorial journey by clicks alone, in real Chromium: an editor writes a new English page,
the English reviewer approves it, the Spanish translator translates it and submits it, the
Spanish reviewer approves it, and readers get it in Spanish; then the English page changes
and the change travels the same road. Everyone signs in as staff do, two-step included.

Each step's time is printed (run with -s to see them).
"""

import base64
import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from .conftest import running_server

TITLE, SLUG = "Night shelter tonight", "night-shelter-tonight"
SPANISH = {
    "Night shelter tonight": "Refugio nocturno esta noche",
    "night-shelter-tonight": "refugio-nocturno-esta-noche",
    "Where to sleep safely tonight.": "Dónde dormir seguro esta noche.",
    "Is there a bed tonight?": "¿Hay una cama esta noche?",
    "Call before 9 pm.": "Llame antes de las 9 de la noche.",
    "Call before 10 pm.": "Llame antes de las 10 de la noche.",
}
# Where a failed walk leaves what each person had on screen (ignored by git).
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
PASSWORDS = {
    "editor": "waymark-editor-demo",
    "reviewer": "waymark-reviewer-demo",
    "translator-es": "waymark-translator-demo",
    "reviewer-es": "waymark-reviewer-es-demo",
}


@pytest.fixture(scope="module")
def journey_server(demo_server, tmp_path_factory):
    """The demo on a copy of its database, so the other browser tests read it unchanged."""
    work = tmp_path_factory.mktemp("journey")
    source = demo_server.env["DATABASE_URL"].removeprefix("sqlite:///")
    shutil.copy(source, work / "journey.sqlite3")
    env = {**demo_server.env, "DATABASE_URL": f"sqlite:///{work / 'journey.sqlite3'}"}
    try:
        with running_server(env) as base:
            yield base
    finally:
        shutil.rmtree(work, ignore_errors=True)


class Desk:
    """One person's browser, signed in once, as they would be all day."""

    def __init__(self, browser, base, username):
        self.context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.username = username
        self.sign_in()

    def sign_in(self):
        page = self.page
        page.goto("/admin/login/")
        page.fill("#id_username", self.username)
        page.fill("#id_password", PASSWORDS[self.username])
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        if "/two-step/setup/" in page.url:
            # The app's secret, as staff copy it into their authenticator app.
            words = re.search(r"([A-Z2-7]{4}(?: [A-Z2-7]{1,4})+)", page.inner_text("main"))
            secret = words.group(1).replace(" ", "")
            key = base64.b32decode(secret + "=" * (-len(secret) % 8))
            page.fill("input[name=code]", f"{TOTP(key).token():06d}")
            page.click("main button[type=submit]")
            page.get_by_text("I have saved them").click()
            page.wait_for_load_state()
        assert page.url.endswith("/admin/"), page.url

    def dashboard(self):
        self.page.goto("/admin/")

    def message(self):
        messages = self.page.locator(".messages")
        return messages.inner_text() if messages.count() else ""


def approve_from_dashboard(desk, title):
    """'Awaiting your review' on the dashboard: the row's actions, then Approve."""
    desk.dashboard()
    row = awaiting(desk, title)
    row.locator("button.w-dropdown__toggle").click()
    actions = desk.page.locator("[data-w-dropdown-target=content] button:visible")
    actions.filter(has_text="Approve").first.click()
    desk.page.wait_for_load_state()


def awaiting(desk, title):
    """The row of `title` in the dashboard's "Awaiting your review"."""
    region = desk.page.get_by_role("region", name="Awaiting your review")
    return region.locator("tr", has_text=title)


def approve_translation_from_dashboard(desk, title):
    """'Awaiting your review': the row's Edit opens the translation, then Approve and publish."""
    desk.dashboard()
    awaiting(desk, title).locator("button.w-dropdown__toggle").click()
    actions = desk.page.locator("[data-w-dropdown-target=content] a:visible")
    actions.filter(has_text="Edit").first.click()
    desk.page.get_by_role("button", name="Approve and publish").click()
    desk.page.wait_for_load_state()


def open_from_status(desk, status, title):
    """The dashboard's count of items with `status`, then that item's cell in the report."""
    desk.dashboard()
    desk.page.get_by_role("link", name=re.compile(status)).first.click()
    desk.page.locator("tr", has_text=title).get_by_role("link", name=status).click()


def translate_every_string(desk):
    """In wagtail-localize's editor, Translate, type and Save each string, on every tab."""
    page = desk.page
    for tab in ("Content", "Promote"):
        page.get_by_role("tab", name=tab).click()
        buttons = page.get_by_role("button", name="Translate").filter(visible=True)
        for _ in range(40):  # the demo's longest page has fewer strings
            if not buttons.count():
                break
            source = source_beside(buttons.first)
            buttons.first.click()
            box = page.locator("textarea:visible").first
            box.fill(SPANISH[source])
            page.get_by_role("button", name="Save").filter(visible=True).first.click()
            expect(box).to_have_count(0)
        else:
            page.screenshot(path=SHOTS / "journey-strings.png", full_page=True)
            raise AssertionError(f"strings never all translated on the {tab} tab")


def source_beside(button):
    """The English text of the segment a Translate button belongs to: wagtail-localize draws
    each segment as an item holding [label], source, translation, then the list of actions."""
    return button.evaluate(
        """button => {
            const actions = button.closest("ul");
            const segment = actions.parentElement;
            const parts = [...segment.children];
            return parts[parts.indexOf(actions) - 2].innerText.trim();
        }"""
    )


def type_answer(page, text, replace=False):
    """Type into the answer's rich text editor, and wait until the form holds it."""
    answer = page.locator(".Draftail-Editor [contenteditable=true]").first
    answer.click()
    if replace:
        page.keyboard.press("Control+A")
    answer.press_sequentially(text, delay=20)
    page.wait_for_function(
        "text => document.querySelector('input[name=body-0-value-answer]').value.includes(text)",
        arg=text,
    )


def read(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return response.read().decode()


def test_a_page_travels_from_editor_to_spanish_readers_and_its_update_follows(
    browser, journey_server
):
    timings = {}

    def step(name, started):
        timings[name] = round(time.monotonic() - started, 1)
        print(f"{name}: {timings[name]} s", flush=True)

    started = time.monotonic()
    desks = [Desk(browser, journey_server, name) for name in PASSWORDS]
    editor, reviewer, translator, reviewer_es = desks
    step("four people sign in (three with two-step)", started)
    try:
        walk_the_journey(journey_server, editor, reviewer, translator, reviewer_es, step)
    except Exception:
        for desk in desks:  # what each person had on screen, to see where the road broke
            desk.page.screenshot(path=SHOTS / f"journey-{desk.username}.png", full_page=True)
        raise
    print("\njourney timings (s):", timings)


def walk_the_journey(journey_server, editor, reviewer, translator, reviewer_es, step):

    # 1. The editor writes the page and submits it to the English review.
    started = time.monotonic()
    page = editor.page
    page.goto("/admin/pages/")
    page.get_by_role("link", name="Explore child pages of 'All topics'").click()
    page.get_by_role("link", name="Add child page").first.click()
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "Where to sleep safely tonight.")
    page.locator(".c-sf-add-button").first.click()
    page.get_by_role("option", name="Question and answer").click()
    page.fill("#body-0-value-question", "Is there a bed tonight?")
    type_answer(page, "Call before 9 pm.")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Content review").click()
    page.wait_for_load_state()
    assert "submitted for moderation" in editor.message()
    assert f"/en/topics/{SLUG}/" not in read(journey_server, "/sitemap.xml")
    step("editor writes and submits", started)

    # 2. The English reviewer approves it from the dashboard: live in English.
    started = time.monotonic()
    approve_from_dashboard(reviewer, TITLE)
    english = read(journey_server, f"/en/topics/{SLUG}/")
    assert "Call before 9 pm." in english
    step("English reviewer approves", started)

    # 3. The Spanish translator finds it missing, starts it, translates it, submits it.
    started = time.monotonic()
    page = translator.page
    open_from_status(translator, "Missing", TITLE)
    page.wait_for_url(re.compile(r"/admin/localize/submit/page/\d+/"))
    # Spanish is chosen, and the only language offered.
    expect(page.locator("input[name=locales]")).to_have_count(1)
    expect(page.locator("input[name=locales]:checked")).to_have_count(1)
    page.locator("main button[type=submit], main input[type=submit]").last.click()
    page.wait_for_load_state()
    translate_every_string(translator)
    page.reload()
    assert "Every string is translated" in page.inner_text("main")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    assert "submitted to the Español reviewers" in translator.message()
    assert "refugio-nocturno" not in read(journey_server, "/sitemap.xml")
    step("Spanish translator translates and submits", started)

    # 4. The Spanish reviewer opens it from the dashboard and approves it: live in Spanish.
    started = time.monotonic()
    approve_translation_from_dashboard(reviewer_es, SPANISH[TITLE])
    assert "approved and published in Español" in reviewer_es.message()
    spanish_url = "/es/temas/refugio-nocturno-esta-noche/"
    assert "Llame antes de las 9 de la noche." in read(journey_server, spanish_url)
    step("Spanish reviewer approves", started)

    # 5. The source changes: the editor edits, the English reviewer approves.
    started = time.monotonic()
    page = editor.page
    page.goto("/admin/pages/search/?q=" + TITLE.replace(" ", "+"))
    page.get_by_role("link", name=TITLE).first.click()
    type_answer(page, "Call before 10 pm.", replace=True)
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Content review").click()
    page.wait_for_load_state()
    approve_from_dashboard(reviewer, TITLE)
    assert "Call before 10 pm." in read(journey_server, f"/en/topics/{SLUG}/")
    assert "Llame antes de las 9 de la noche." in read(journey_server, spanish_url)
    step("source updated and approved in English", started)

    # 6. The translator sees it outdated, brings it up to date, translates the new string,
    #    submits; the Spanish reviewer approves; Spanish readers get the update.
    started = time.monotonic()
    page = translator.page
    open_from_status(translator, "Outdated", TITLE)
    page.get_by_role("button", name="Update from the source").click()
    page.wait_for_load_state()
    translate_every_string(translator)
    page.reload()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    assert "Llame antes de las 9 de la noche." in read(journey_server, spanish_url)
    approve_translation_from_dashboard(reviewer_es, SPANISH[TITLE])
    assert "Llame antes de las 10 de la noche." in read(journey_server, spanish_url)
    step("update translated, submitted and approved in Spanish", started)
