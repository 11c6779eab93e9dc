"""No stored XSS: whatever staff type into any field (and readers into feedback) renders as text.

Each payload goes into every field of every page type, block, service, organization,
location, setting and feedback report; then the reader pages and the admin's listings
are rendered and read as a browser would parse them.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Page

from cms.models import ReaderSettings
from cms.sanitize import clean_rich_text, strip_bidi
from home.blocks import ContactBlock
from services.models import Organization, Service, ServicePhone
from services.pages import ServiceDirectoryPage
from tests.batteries.payloads import MARK, PAYLOADS, fill, value

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset"}
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


class Browserish(HTMLParser):
    """Reads HTML the way a browser tokenizes it, noting anything a payload made executable."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.text, self.json_scripts = [], [], []
        self.script = None

    def handle_starttag(self, tag, attrs):
        for name, raw in attrs:
            content = raw or ""
            if name.startswith("on") and "alert" in content:
                self.problems.append(f"<{tag} {name}={content!r}>")
            squeezed = re.sub(r"[\x00-\x20\x7f]+", "", content).lower()
            if name in LINK_ATTRIBUTES and squeezed.startswith(UNSAFE_SCHEMES):
                self.problems.append(f"<{tag} {name}={content!r}>")
            if tag in ("img", "svg", "iframe", "object", "embed", "style") and (
                MARK in content or "alert" in content
            ):
                self.problems.append(f"<{tag} {name}={content!r}>")
        if tag in ("svg", "img") and any(name.startswith("on") for name, _ in attrs):
            self.problems.append(f"<{tag}> with an event handler")
        if tag == "script":
            self.script = {"type": dict(attrs).get("type", ""), "text": []}

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self.script is not None:
            self.script["text"].append(data)
        else:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag != "script" or self.script is None:
            return
        body = "".join(self.script["text"])
        if self.script["type"].endswith("json"):
            try:
                self.json_scripts.append(json.loads(body))
            except ValueError:
                self.problems.append(f"a JSON <script> that is no longer JSON: {body[:80]!r}")
        elif "alert(" in body or MARK in body:
            self.problems.append(f"<script>{body[:80]}</script>")
        self.script = None


def read(response):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    parsed = Browserish()
    parsed.feed(html)
    parsed.close()
    where = response.request["PATH_INFO"]
    assert parsed.problems == [], (where, parsed.problems)
    bidi = BIDI.search(html)
    assert not bidi, (where, html[bidi.start() - 80 : bidi.end() + 20])
    assert "sql_queries" not in html  # {% debug %} typed by an editor stays text
    parsed.text = " ".join(parsed.text)
    return parsed


def shown(payload, max_length=None):
    """What a reader sees of a plain-text field: the typed text, minus bidi controls."""
    return strip_bidi(value(payload, max_length))


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def payload(request):
    return PAYLOADS[request.param]


@pytest.fixture
def content(payload):
    return fill(payload)


def test_reader_pages_show_every_payload_as_text(client, payload, content):
    topic, service = content["topic"], content["service"]
    page = read(client.get(topic.url))
    # Every plain field is there, as the literal text typed (entities stay entities).
    for typed in (
        shown(payload, 255),  # the title
        shown(payload, 300),  # the summary
        shown(payload),  # a question, a callout title, a "get help" heading, a note
        shown(payload, 120),  # a contact's label
    ):
        assert typed in page.text
    # The JSON-LD still parses, and holds the question as typed.
    (faq,) = [data for data in page.json_scripts if data.get("@type") == "FAQPage"]
    assert faq["mainEntity"][0]["name"] == shown(payload)

    directory = ServiceDirectoryPage.objects.get(locale__language_code="en")
    detail = read(client.get(directory.service_url(service)))
    assert shown(payload, 200) in detail.text  # the service's name
    assert shown(payload) in detail.text  # its description
    assert shown(payload, 60) in detail.text  # its text keyword
    (data,) = [data for data in detail.json_scripts if data.get("@type")]
    assert data["name"] == shown(payload, 200)

    spanish = ServiceDirectoryPage.objects.get(locale__language_code="es")
    read(client.get(spanish.service_url(service)))
    for url in ("/en/", "/en/topics/", directory.url, "/en/search/?q=" + MARK):
        read(client.get(url))
    assert shown(payload, 255) in read(client.get("/en/search/?q=" + MARK)).text


def test_admin_listings_and_editors_show_every_payload_as_text(client, payload, content):
    client.force_login(get_user_model().objects.get(username="admin"))
    topic = content["topic"]
    service = content["service"]
    listings = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[topic.get_parent().pk]),
        reverse("wagtailadmin_pages:search") + "?q=" + MARK,
        reverse("wagtailadmin_pages:history", args=[topic.pk]),
        reverse("wagtailsnippets_services_service:list") + "?locale=en&q=" + MARK,
        reverse("wagtailsnippets_services_organization:list"),
        reverse("wagtailsnippets_services_location:list"),
        reverse("reader_feedback:index"),
        reverse("reader_feedback:inspect", args=[content["feedback"].pk]),
        reverse("waymark_due_for_review"),
        reverse("waymark_translation_status"),
        reverse("waymark_high_risk_changes"),
    ]
    for url in listings:
        read(client.get(url))
    assert shown(payload, 200) in read(client.get(listings[4])).text  # the service's name
    assert shown(payload) in read(client.get(listings[7])).text  # the reader's message
    # The editors themselves, where a payload sits in form fields and block data.
    read(client.get(reverse("wagtailadmin_pages:edit", args=[topic.pk])))
    read(client.get(reverse("wagtailsnippets_services_service:edit", args=[service.pk])))
    settings_url = reverse("wagtailsettings:edit", args=["cms", "readersettings", 1])
    read(client.get(settings_url))


# -- what the forms accept -----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.org/",
        "tel:+12038543011",
    ],
)
def test_web_addresses_accept_only_web_links(url):
    service = Service.objects.sources().first()
    service.url = url
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert "url" in refused.value.message_dict
    organization = Organization(name="A", website=url)
    with pytest.raises(ValidationError):
        organization.full_clean()
    reader_settings = ReaderSettings.objects.get()
    reader_settings.exit_url = url
    with pytest.raises(ValidationError):
        reader_settings.full_clean()
    with pytest.raises(StructBlockValidationError) as refused:
        ContactBlock().clean(
            {"kind": "web", "label": "Site", "url": url, "phone": "", "keyword": ""}
        )
    assert "url" in refused.value.block_errors


@pytest.mark.parametrize("number", ["javascript:alert(1)", "<script>", "203-854-301l", "+1 (203)"])
def test_numbers_to_call_or_text_accept_only_numbers(number):
    with pytest.raises(ValidationError):
        ServicePhone(kind="voice", number=number).clean()
    for kind in ("call", "text"):
        with pytest.raises(StructBlockValidationError) as refused:
            ContactBlock().clean(
                {"kind": kind, "label": "Line", "phone": number, "keyword": "", "url": ""}
            )
        assert "phone" in refused.value.block_errors


def test_call_and_text_links_carry_only_their_scheme():
    phone = ServicePhone(kind="text", number="847411", sms_keyword='"><script>alert(1)</script>')
    assert phone.href == "sms:847411?body=%22%3E%3Cscript%3Ealert%281%29%3C/script%3E"
    assert ServicePhone(kind="voice", number="+12038543011", extension="12").href == (
        "tel:+12038543011,12"
    )


def test_a_link_that_is_not_web_call_or_text_goes_nowhere(client):
    """Rows written outside the forms (a script, an import) still cannot send readers to code."""
    reader_settings = ReaderSettings.objects.get()
    ReaderSettings.objects.filter(pk=reader_settings.pk).update(exit_url="javascript:alert(1)")
    html = client.get("/en/").content.decode()
    assert 'class="exit-this-page__button" href=""' in html


# -- what saving keeps ---------------------------------------------------------


def test_rich_text_keeps_only_the_editors_tags_and_safe_links():
    cleaned = clean_rich_text(
        '<p onclick="alert(1)">Hi <b>there</b><script>alert(1)</script>'
        '<img src=x onerror=alert(1)><svg onload=alert(1)><a href="x">in svg</a></svg>'
        '<a href="javascript:alert(1)">bad</a> <a href="https://ok.example/">good</a>'
        ' <a linktype="page" id="3">inside</a><style>p{}</style><!-- note --></p>'
    )
    assert cleaned == (
        '<p>Hi <b>there</b><a href="x">in svg</a><a>bad</a> <a href="https://ok.example/">good</a>'
        ' <a id="3" linktype="page">inside</a></p>'
    )


def test_saving_removes_bidirectional_controls_but_keeps_arabic_and_marks():
    service = Service.objects.sources().first()
    service.name = "\u202eenohp\u202c \u0627\u0644\u062e\u0637 \u200f1"
    service.save()
    service.refresh_from_db()
    assert service.name == "enohp \u0627\u0644\u062e\u0637 \u200f1"


def test_a_translators_uploaded_payloads_stay_text(client, django_capture_on_commit_callbacks):
    """The translation path (a PO file) cannot put markup or scripts on a page either."""
    import polib
    from django.contrib.messages import get_messages
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.models import Locale
    from wagtail_localize.models import Translation

    from home.models import TopicPage

    page = TopicPage.objects.get(locale__language_code="en", slug="reporting")
    spanish_page = page.get_translation(Locale.objects.get(language_code="es"))
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale__language_code="es"
    )
    client.force_login(get_user_model().objects.get(username="reviewer-es"))
    download = reverse("wagtail_localize:download_pofile", args=[translation.pk])
    upload = reverse("wagtail_localize:upload_pofile", args=[translation.pk])

    def upload_with(text):
        po = polib.pofile(client.get(download).content.decode())
        for entry in po:
            entry.msgstr = text
        response = client.post(
            upload, {"file": SimpleUploadedFile("es.po", str(po).encode())}, follow=True
        )
        return " ".join(str(message) for message in get_messages(response.wsgi_request))

    edit = reverse("wagtailadmin_pages:edit", args=[spanish_page.pk])

    def publish_and_read():
        with django_capture_on_commit_callbacks(execute=True):
            client.post(edit, {"action": "publish"})
        return read(client.get(Page.objects.get(pk=spanish_page.pk).url))

    # Markup (scripts, SVG, attributes) is refused, string by string: none reaches the page.
    for payload in ("svg", "attribute", "script", "end-script"):
        upload_with(MARK + PAYLOADS[payload])
        publish_and_read()
    # Text (entities, a template tag, bidi controls) goes through, and stays text.
    text = MARK + PAYLOADS["entities"] + PAYLOADS["template"] + PAYLOADS["bidi"] + "<b>b</b>"
    assert "Successfully" in upload_with(text)
    html = publish_and_read()
    # wagtail-localize reads the entities as characters; the page shows them as text.
    assert "XSS<script>alert(1)</script>" in html.text
    assert "{% debug %}" in html.text
