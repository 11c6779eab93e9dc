"""Reading with a keyboard, a small screen, reduced motion and on paper."""

import re


def test_language_switcher_by_keyboard_reaches_the_same_page_in_spanish(page):
    page.goto("/en/topics/reporting/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.language-switcher summary') !== null"):
            break
    else:
        raise AssertionError("the language choice was never reached with Tab")
    page.keyboard.press("Enter")  # opens the list
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "es":
            break
    else:
        raise AssertionError("the Spanish link was never reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/es/temas/denunciar/$"))
    assert page.locator("html").get_attribute("lang") == "es"


def test_focused_elements_are_never_hidden_under_the_sticky_exit_bar(page):
    page.goto("/en/topics/reporting/")
    hidden = []
    for _ in range(25):
        page.keyboard.press("Tab")
        covered = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (el === document.body) return null;  // focus wrapped past the last control
                const box = el.getBoundingClientRect();
                const x = box.left + Math.min(box.width / 2, 10), y = box.top + box.height / 2;
                const top = document.elementFromPoint(x, y);
                const visible = el === top || el.contains(top) || top.contains(el);
                return top && !visible ? el.outerHTML.slice(0, 80) : null;
            }"""
        )
        if covered:
            hidden.append(covered)
    assert hidden == []


def test_touch_targets_are_at_least_24_css_pixels(page):
    page.goto("/es/temas/denunciar/")
    small = page.evaluate(
        """() => [...document.querySelectorAll(
                '.exit-this-page a, .emergency-strip a, .language-switcher a, .contact a, '
                + '.topic-list a, .toc a, .site-name')]
            .map(el => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
            .filter(([, r]) => r.height < 24 || r.width < 24)
            .map(([name, r]) => `${name}: ${r.width}x${r.height}`)"""
    )
    assert small == []


def test_arabic_layout_mirrors(page):
    page.goto("/ar/")
    # The page's exit bar (the offline controls carry a second one, shown after a removal).
    button = page.locator(".exit-this-page .exit-this-page__button").bounding_box()
    # In a right-to-left page the exit control sits at the inline end: the left.
    assert button["x"] < 360 / 2
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"


def test_reduced_motion_is_honoured(browser, demo_server):
    context = browser.new_context(reduced_motion="reduce", base_url=demo_server)
    tab = context.new_page()
    tab.goto("/en/")
    assert tab.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    assert tab.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    context.close()


def test_print_stylesheet_hides_controls_and_shows_link_addresses(page):
    page.goto("/en/topics/reporting/")
    page.emulate_media(media="print")
    assert page.locator(".exit-this-page").is_hidden()
    assert page.locator(".language-switcher").is_hidden()
    assert page.locator(".review-dates").is_visible()
