"""Help first on a phone: at 360 x 740 the page's title and the emergency number (a large tap
target) are on the first screen in every language, and nothing scrolls sideways at 320 or
360 px on any page type in any language. Measured in Chromium, as a phone draws the page."""

import pytest

HOME_AND_PAGES = {
    "en": ["/en/", "/en/topics/", "/en/topics/reporting/", "/en/services/"],
    "es": ["/es/", "/es/temas/", "/es/temas/denunciar/", "/es/servicios/"],
    "pt": ["/pt/", "/pt/temas/", "/pt/temas/denunciar/", "/pt/servicos/"],
    "ht": ["/ht/", "/ht/sije/", "/ht/sije/rapote/", "/ht/sevis/"],
    "ar": ["/ar/", "/ar/topics/", "/ar/topics/reporting/", "/ar/services/"],
}


def every_page_type(code):
    """Home, topic index, topic, directory, a service, search (with results) and offline."""
    home, index, topic, directory = HOME_AND_PAGES[code]
    return [
        home,
        index,
        topic,
        directory,
        f"{directory}human-trafficking-hotline/",
        f"/{code}/search/?q=911",
        f"/{code}/offline/",
    ]


def phone(browser, demo_server, width=360, **options):
    """A browser context the size of a phone `width` pixels wide, on the demo."""
    return browser.new_context(
        viewport={"width": width, "height": 740}, base_url=demo_server, **options
    )


FIRST_SCREEN = """() => {
    const h1 = document.querySelector("h1").getBoundingClientRect();
    const call = document.querySelector(".emergency-strip a[href^='tel:']").getBoundingClientRect();
    return {h1: h1.top, callTop: call.top, callBottom: call.bottom, callHeight: call.height};
}"""


@pytest.mark.parametrize("code", sorted(HOME_AND_PAGES))
def test_the_title_and_the_emergency_number_are_on_the_first_screen(page, code):
    for url in every_page_type(code):
        page.goto(url)
        found = page.evaluate(FIRST_SCREEN)
        assert found["h1"] < 300, (url, found)
        assert found["callHeight"] >= 44 and found["callBottom"] <= 740, (url, found)


@pytest.mark.parametrize("width", [320, 360])
def test_nothing_scrolls_sideways(browser, demo_server, width):
    context = phone(browser, demo_server, width)
    tab = context.new_page()
    wide = []
    for code in sorted(HOME_AND_PAGES):
        for url in every_page_type(code):
            tab.goto(url)
            # The language list and the sample notice open too: their contents must fit.
            tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            measured = tab.evaluate("document.documentElement.scrollWidth")
            if measured > width:
                wide.append((url, measured))
    context.close()
    assert wide == []


def test_the_language_choice_is_one_line_and_opens_without_javascript(browser, demo_server):
    context = phone(browser, demo_server, java_script_enabled=False)
    tab = context.new_page()
    tab.goto("/ar/topics/reporting/")
    spanish = tab.locator(".language-switcher a[hreflang='es']")
    assert not spanish.is_visible()
    summary = tab.locator(".language-switcher summary")
    assert summary.bounding_box()["height"] <= 48
    summary.click()
    spanish.click()
    tab.wait_for_url("**/es/temas/denunciar/")
    assert tab.locator("html").get_attribute("lang") == "es"
    context.close()


@pytest.mark.parametrize("width", [320, 360])
def test_the_language_choice_and_exit_never_overlap(browser, demo_server, width):
    context = phone(browser, demo_server, width)
    tab = context.new_page()
    overlapping = []
    for code in sorted(HOME_AND_PAGES):
        tab.goto(f"/{code}/")
        boxes = tab.evaluate(
            """() => ['.language-switcher summary', '.exit-this-page__button'].map(selector => {
                const element = document.querySelector(selector);
                const box = element.getBoundingClientRect();
                return [box.left, box.right, box.top, box.bottom, element.scrollWidth, box.width];
            })"""
        )
        (
            (a_left, a_right, a_top, a_bottom, a_content, a_width),
            (b_left, b_right, b_top, b_bottom, _, _),
        ) = boxes
        apart = a_right <= b_left or b_right <= a_left or a_bottom <= b_top or b_bottom <= a_top
        inside = min(a_left, b_left) >= 0 and max(a_right, b_right) <= width
        if not (apart and inside and a_content <= a_width + 1):
            overlapping.append((code, boxes))
    context.close()
    assert overlapping == []
