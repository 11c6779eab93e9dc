"""A reader reports a problem from a real browser: sent, thanked, and no cookie left behind."""


def test_report_a_problem_without_javascript_or_cookies(browser, demo_server):
    context = browser.new_context(java_script_enabled=False, base_url=demo_server)
    page = context.new_page()
    page.goto("/es/temas/denunciar/")
    page.get_by_text("¿Hay algún error en esta página?").click()
    page.get_by_label("¿Qué está mal?").fill("El número de teléfono no funciona.")
    page.get_by_role("button", name="Enviar").click()
    assert "/es/feedback/" in page.url
    assert page.get_by_text("Gracias. Un editor lo revisará.").is_visible()
    page.get_by_role("link", name="Volver a la página").click()
    assert page.url.endswith("/es/temas/denunciar/")
    assert context.cookies() == []
    context.close()


def test_an_empty_report_is_explained_in_the_readers_language(page):
    page.goto("/ar/topics/reporting/")
    page.get_by_text("هل في هذه الصفحة خطأ؟").click()
    # The browser itself asks for the required text first; bypass it to see the server's answer.
    page.evaluate("document.querySelector('#feedback-message').removeAttribute('required')")
    page.get_by_role("button", name="إرسال").click()
    assert page.get_by_text("أخبرنا ما الخطأ.").is_visible()
    assert page.locator("#feedback-message").get_attribute("aria-invalid") == "true"
