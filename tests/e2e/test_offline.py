"""Offline reading in real Chromium: first-visit essentials, saving a language, updates, removal."""

import json
import re
import time
import urllib.request

import pytest

from .conftest import READY


@pytest.fixture
def phone(browser, demo_server):
    """A fresh phone: no saved pages, no worker, online."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=demo_server)
    yield context
    context.close()


def first_visit(context, url):
    tab = context.new_page()
    tab.goto(url)
    assert tab.evaluate(READY) == "activated"
    return tab


def manifest(demo_server, language):
    with urllib.request.urlopen(f"{demo_server}/{language}/offline.json") as response:
        return json.load(response)


def test_after_one_visit_the_essentials_open_offline(phone):
    tab = first_visit(phone, "/es/")
    phone.set_offline(True)
    for url, heading in (
        ("/es/", None),
        ("/es/temas/denunciar/", "denunciar"),
        ("/es/servicios/", "Servicios de apoyo"),
    ):
        tab.goto(url)
        assert tab.locator("h1").count() == 1, url
        if heading:
            assert heading.lower() in tab.locator("h1").inner_text().lower()
        notice = tab.locator("[data-offline-notice]")
        assert notice.is_visible(), url
        assert "Está sin conexión" in notice.inner_text()
        assert tab.locator("[data-saved-at]").inner_text().strip() != ""
    # A page never opened: the Spanish offline page, listing what is saved.
    tab.goto("/es/temas/trabajo-legal/")
    assert tab.locator("h1").inner_text() == "Está sin conexión"
    # The list is filled from the caches after the page is shown.
    saved = tab.locator("[data-saved-list] a", has_text=re.compile("denunciar", re.IGNORECASE))
    saved.first.wait_for(timeout=5_000)


def test_arabic_pages_offline_keep_right_to_left(phone):
    tab = first_visit(phone, "/ar/")
    phone.set_offline(True)
    tab.goto("/ar/")
    assert tab.locator("html").get_attribute("dir") == "rtl"
    tab.goto("/ar/no-such-page-saved/")
    assert tab.locator("html").get_attribute("dir") == "rtl"
    assert tab.locator("html").get_attribute("lang") == "ar"


def test_save_a_language_update_one_change_and_remove_everything(phone, demo_server):
    tab = first_visit(phone, "/es/")
    tab.get_by_role("button", name="Guardar este idioma").click()
    tab.wait_for_selector("html[data-language-saved]", timeout=60_000)
    status = tab.locator("[data-offline-status]").inner_text()
    pages = manifest(demo_server, "es")["pages"]
    assert f"Las {len(pages)} páginas están guardadas" in status

    phone.set_offline(True)
    for page in pages:
        if page["url"].endswith(".json"):
            continue  # the offline search index
        tab.goto(page["url"])
        assert tab.locator("h1").inner_text() != "Está sin conexión", page["url"]
        assert tab.locator("html").get_attribute("lang") == "es"
    phone.set_offline(False)

    # An editor publishes one change: saving again downloads only that page.
    demo_server.manage(
        "shell",
        "-c",
        "from home.models import TopicPage\n"
        "p = TopicPage.objects.get(slug='legal-work', locale__language_code='en')"
        ".get_translation_or_none(__import__('wagtail.models').models.Locale.objects.get("
        "language_code='es')).specific\n"
        "p.title = p.title + ' (actualizado)'\n"
        "p.save_revision().publish()",
    )
    tab.goto("/es/")
    tab.evaluate("document.documentElement.removeAttribute('data-language-saved')")
    tab.get_by_role("button", name="Guardar este idioma").click()
    tab.wait_for_selector("html[data-language-saved]", timeout=60_000)
    # Two downloads: the changed page, and the search index that covers it.
    assert "(2 descargadas ahora" in tab.locator("[data-offline-status]").inner_text()

    # Offline search finds a saved page by a word in its body.
    phone.set_offline(True)
    tab.goto("/es/")
    tab.get_by_role("searchbox").fill("enfrente")
    tab.get_by_role("button", name="Buscar").click()
    results = tab.locator("[data-offline-search]")
    results.wait_for()
    assert "Resultados entre las páginas guardadas" in results.inner_text()
    assert results.locator("a").count() >= 1
    phone.set_offline(False)

    # Remove saved pages: no cache and no worker left.
    tab.get_by_role("button", name="Quitar las páginas guardadas").click()
    tab.wait_for_selector("html[data-saved-removed]")
    assert tab.evaluate("caches.keys()") == []
    assert tab.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    databases = tab.evaluate("indexedDB.databases().then(list => list.map(d => d.name))")
    assert "waymark" not in databases


def feedback_count(demo_server, message):
    output = demo_server.manage(
        "shell",
        "--no-imports",
        "-c",
        "from editorial.models import Feedback\n"
        f"print(Feedback.objects.filter(message={message!r}).count())",
    )
    return int(output.strip().splitlines()[-1])


def test_a_report_written_offline_is_sent_once_when_back_online(phone, demo_server):
    tab = first_visit(phone, "/es/temas/denunciar/")
    phone.set_offline(True)
    tab.goto("/es/temas/denunciar/")
    tab.get_by_text("¿Hay algún error en esta página?").click()
    message = "Sin conexión: el horario cambió."
    tab.get_by_label("¿Qué está mal?").fill(message)
    tab.get_by_role("button", name="Enviar").click()
    status = tab.locator("[data-feedback-status]")
    status.wait_for()
    assert "se enviará cuando vuelva a tener conexión" in status.inner_text()
    assert feedback_count(demo_server, message) == 0
    phone.set_offline(False)
    tab.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(50):
        if feedback_count(demo_server, message):
            break
        tab.wait_for_timeout(200)
    assert feedback_count(demo_server, message) == 1
    # A later visit finds nothing left to send.
    tab.reload()
    tab.wait_for_timeout(1000)
    assert feedback_count(demo_server, message) == 1
    queued = tab.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("waymark", 1);
            open.onsuccess = () => {
                const req = open.result.transaction("feedback").objectStore("feedback").count();
                req.onsuccess = () => resolve(req.result);
            };
        })"""
    )
    assert queued == 0


def test_a_new_version_is_offered_never_forced(phone, demo_server):
    tab = first_visit(phone, "/es/")
    first = tab.evaluate("navigator.serviceWorker.controller.scriptURL")
    # An editor republishes the Spanish home page, which every Spanish phone precaches.
    demo_server.manage(
        "shell",
        "--no-imports",
        "-c",
        "from home.models import HomePage\n"
        "p = HomePage.objects.get(locale__language_code='es')\n"
        "p.save_revision().publish()",
    )
    tab.reload()
    tab.evaluate("window.stillReading = true")
    banner = tab.locator("[data-update-banner]")
    banner.wait_for(state="visible", timeout=20_000)
    assert "Hay una nueva versión de este sitio." in banner.inner_text()
    tab.wait_for_timeout(1000)
    assert tab.evaluate("window.stillReading") is True  # nothing reloaded by itself
    with tab.expect_navigation():
        banner.get_by_role("button", name="Recargar").click()
    assert tab.evaluate("window.stillReading") is None
    assert tab.evaluate(READY) == "activated"
    assert tab.evaluate("navigator.serviceWorker.controller.scriptURL") == first
    assert not tab.locator("[data-update-banner]").is_visible()


def set_alert(demo_server, slug, text, seconds):
    """An editor's alert on a Spanish topic page, holding for `seconds` from now."""
    demo_server.manage(
        "shell",
        "-c",
        "import datetime\n"
        "from django.utils import timezone\n"
        "from home.models import TopicPage\n"
        f"p = TopicPage.objects.get(slug='{slug}', locale__language_code='es')\n"
        f"p.alert = {text!r}\n"
        f"p.alert_until = timezone.now() + datetime.timedelta(seconds={seconds})\n"
        "p.save_revision().publish()",
    )


def test_a_saved_copy_hides_an_alert_once_it_has_ended(phone, demo_server):
    url = "/es/temas/trabajo-legal/"
    set_alert(demo_server, "trabajo-legal", "La línea está cerrada hoy.", 20)
    ends = time.monotonic() + 20
    try:
        tab = first_visit(phone, url)
        tab.goto(url)  # now through the worker, which keeps the page
        alert = tab.locator(".site-alert")
        assert "La línea está cerrada hoy." in alert.inner_text()
        time.sleep(max(0, ends - time.monotonic()) + 1)
        phone.set_offline(True)
        tab.goto(url)
        assert tab.locator("[data-offline-notice]").is_visible()  # the saved copy
        assert tab.locator("h1").count() == 1 and not alert.is_visible()
    finally:
        phone.set_offline(False)
        set_alert(demo_server, "trabajo-legal", "", 0)
