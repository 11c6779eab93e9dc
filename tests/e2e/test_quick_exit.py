"""Leaving fast: the exit control by tap, by keyboard, by Shift x3, and with no JavaScript."""

import re

from tests.e2e.conftest import EXIT_URL


def test_tapping_exit_leaves_and_back_does_not_return_to_the_page(page):
    page.goto("/en/")
    page.goto("/en/topics/reporting/")
    page.get_by_role("link", name=re.compile("Exit this page")).click()
    page.wait_for_url(EXIT_URL)
    page.go_back()
    # The page the reader was on was replaced in the history: Back skips it.
    assert page.url.endswith("/en/")


def test_exit_by_keyboard_alone(page):
    page.goto("/es/temas/denunciar/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # exit control comes next
    focused = page.evaluate("document.activeElement.textContent")
    assert "Salir de esta página" in focused
    page.keyboard.press("Enter")
    page.wait_for_url(EXIT_URL)


def test_shift_pressed_three_times_leaves(page):
    page.goto("/ar/topics/reporting/")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL)


def test_shift_presses_are_announced_to_screen_readers(page):
    page.goto("/en/")
    page.keyboard.press("Shift")
    assert page.locator("[data-exit-status]").text_content() == "Shift, press 2 more times to exit."
    page.keyboard.press("a")
    page.keyboard.press("Shift")
    assert page.url.endswith("/en/")


def test_exit_is_a_working_link_without_javascript(browser, demo_server):
    context = browser.new_context(java_script_enabled=False, base_url=demo_server)
    tab = context.new_page()
    tab.route(EXIT_URL + "**", lambda route: route.fulfill(body="Weather"))
    tab.goto("/pt/")
    tab.get_by_role("link", name=re.compile("Sair desta página")).click()
    tab.wait_for_url(EXIT_URL)
    context.close()
