"""'Is something wrong on this page?': readers report problems without cookies or tracking."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from wagtail.models import Locale

from editorial.models import Feedback
from home.models import TopicPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

ORIGIN = "http://testserver"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


def reporting(language="es"):
    english = TopicPage.objects.get(slug="reporting", locale__language_code="en")
    return english.get_translation(Locale.objects.get(language_code=language))


def post(reader, language="es", origin=ORIGIN, **data):
    page = reporting(language)
    fields = {
        "message": "The phone number is wrong.",
        "contact": "",
        "website": "",
        "page": page.pk,
        "path": page.url,
        **data,
    }
    headers = {"Origin": origin} if origin else {}
    return reader.post(f"/{language}/feedback/", fields, headers=headers)


def test_every_page_offers_the_form_without_setting_cookies(reader):
    for url in ("/es/", reporting().url, "/es/servicios/", "/es/servicios/text-a-tip/"):
        response = reader.get(url)
        html = response.content.decode()
        assert "¿Hay algún error en esta página?" in html
        assert 'action="/es/feedback/"' in html
        assert "csrfmiddlewaretoken" not in html
        assert not response.cookies


def test_a_report_is_stored_with_its_page_and_language_and_nothing_else(reader):
    response = post(reader, contact="Signal: +1 203 555 0100")
    assert response.status_code == 200
    assert "Gracias" in response.content.decode()
    assert not response.cookies
    feedback = Feedback.objects.get()
    assert feedback.page.pk == reporting().pk
    assert feedback.locale.language_code == "es"
    assert feedback.path == reporting().url
    assert feedback.message == "The phone number is wrong."
    assert feedback.contact == "Signal: +1 203 555 0100"
    stored = " ".join(str(value) for value in Feedback.objects.values().get().values())
    assert "127.0.0.1" not in stored


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": ""}, "Díganos qué está mal."),
        ({"message": "x" * 2001}, "2000"),
        ({"contact": "y" * 201}, "200"),
        ({"path": "https://elsewhere.example/"}, "página desconocida"),
    ],
)
def test_bad_input_gets_a_clear_localized_error_and_nothing_is_stored(reader, data, message):
    response = post(reader, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert Feedback.objects.count() == 0
    if data.get("message") == "":
        assert 'aria-invalid="true"' in html


def test_cross_site_posts_are_refused_without_needing_a_csrf_cookie(reader):
    assert post(reader, origin="https://evil.example").status_code == 403
    page = reporting()
    fields = {"message": "Spam", "page": page.pk, "path": page.url}
    cross = reader.post("/es/feedback/", fields, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    assert Feedback.objects.count() == 0
    same = reader.post("/es/feedback/", fields, headers={"Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200 and Feedback.objects.count() == 1
    # With our no-referrer policy, browsers send "Origin: null" plus Sec-Fetch-Site.
    null_same = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    assert reader.post("/es/feedback/", fields, headers=null_same).status_code == 200
    null_cross = {"Origin": "null", "Sec-Fetch-Site": "cross-site"}
    assert reader.post("/es/feedback/", fields, headers=null_cross).status_code == 403
    assert Feedback.objects.count() == 2


def test_the_honeypot_thanks_bots_and_keeps_nothing(reader):
    response = post(reader, website="http://spam.example")
    assert response.status_code == 200
    assert Feedback.objects.count() == 0


def test_reports_are_rate_limited(reader):
    for _ in range(5):
        assert post(reader).status_code == 200
    response = post(reader)
    assert response.status_code == 429
    assert "demasiados avisos" in response.content.decode()
    assert Feedback.objects.count() == 5


def test_editors_read_reports_in_the_admin_inbox(client, reader):
    post(reader, message="Les heures sont fausses.", language="ht")
    client.force_login(get_user_model().objects.get(username="translator-es"))
    inbox = reverse("reader_feedback:index")
    html = client.get(inbox).content.decode()
    assert "Les heures sont fausses." in html
    feedback = Feedback.objects.get()
    assert feedback.locale.language_code == "ht"
    client.force_login(get_user_model().objects.get(username="editor"))
    edit = reverse("reader_feedback:edit", args=[feedback.pk])
    client.post(edit, {"status": "done", "notes": "Fixed the hours."})
    feedback.refresh_from_db()
    assert feedback.status == "done" and feedback.notes == "Fixed the hours."
    assert feedback.message == "Les heures sont fausses."  # read-only for editors


def test_a_report_queued_offline_is_kept_once_however_often_it_arrives(reader):
    queued = "7b0c6d4e-1f2a-4b3c-8d9e-0a1b2c3d4e5f"
    for _ in range(3):
        assert post(reader, client_id=queued).status_code == 200
    assert Feedback.objects.filter(client_id=queued).count() == 1
