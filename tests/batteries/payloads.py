"""Stored-XSS payloads, and content with one payload in every field staff (or readers) can fill.

Used by the unit battery (tests/batteries/test_stored_xss.py) and by the browser test
(tests/e2e/test_stored_xss.py), which runs `fill()` in a copy of the demo database.
"""

import datetime

from django.contrib.auth import get_user_model
from wagtail.models import Locale, Site
from wagtail.rich_text import RichText

MARK = "XSS"

# Each one tries to leave its context: element text, a double- or single-quoted
# attribute, a <script> (the JSON-LD), a link target, or the reading direction.
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "end-script": '</script><script>alert(1)</script><!--"',
    "attribute": '"><img src=x onerror=alert(1)>',
    "single-quote": "' onmouseover='alert(1)' x='",
    "svg": "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "entities": "&lt;script&gt;alert(1)&lt;/script&gt;&#x3C;b&#x3E;&quot;",
    "javascript-url": "javascript:alert(1)",
    "bidi": "\u202egnp.exe \u2067a\u2069 \u202dz",
    "template": "{{ request.user }}{% debug %}",
}


def value(payload, max_length=None):
    """The text put in a field: the marker first, so truncation to a short field keeps it."""
    text = MARK + payload
    return text[:max_length] if max_length else text


def rich(payload):
    """Rich text with the payload as text and as markup, and a javascript: link."""
    return (
        f"<p>{value(payload)}</p>{payload}"
        f'<p><a href="{payload}">{MARK} link</a> <a href=" JaVaScRiPt:alert(1)">{MARK}</a></p>'
    )


def fill(payload, shared=True):
    """Put the payload in every editable field of every page type, block, service and setting.

    Returns the objects made: {"topic", "service", "spanish_service", "organization",
    "location", "feedback"}. With shared=False, existing pages and settings are left alone
    (for a browser test on a server other tests use); new content is still made.
    """
    from cms.models import ReaderSettings
    from editorial.models import Feedback
    from home.models import HomePage, PageSource, TopicIndexPage, TopicPage
    from services.models import ServicePhone, ServiceSource
    from services.pages import ServiceDirectoryPage
    from tests.services.factories import LocationFactory, OrganizationFactory, make_service

    admin = get_user_model().objects.get(username="admin")
    english = Locale.objects.get(language_code="en")
    organization = OrganizationFactory(
        name=value(payload, 200),
        description=value(payload),
        website=payload,
        email=value(payload, 254),
    )
    location = LocationFactory(
        name=value(payload, 200),
        organization=organization,
        address_1=value(payload, 200),
        address_2=value(payload, 200),
        city=value(payload, 100),
        state_province=value(payload, 100),
        postal_code=value(payload, 20),
    )
    service = make_service(
        name=value(payload, 200),
        slug="xss-test-service",
        phones=(("text", "847411", value(payload, 60)), ("hotline", "+12038543011", "")),
        categories=["reporting"],
        locations=[location],
        organization=organization,
        description=value(payload),
        eligibility_description=value(payload),
        application_process=value(payload),
        fees_description=value(payload),
        alert=value(payload, 300),
        url=payload,
        email=value(payload, 254),
        assurer=value(payload, 200),
        assured_date=datetime.date(2026, 11, 1),
    )
    hotline = service.phones.get(kind=ServicePhone.Kind.HOTLINE)
    hotline.extension = value(payload, 10)
    hotline.save()
    ServiceSource.objects.create(service=service, title=value(payload, 255), url=payload)
    service.save_revision(user=admin, clean=False).publish(user=admin)
    spanish_service = service.copy_for_translation(Locale.objects.get(language_code="es"))
    for name in ("name", "description", "eligibility_description", "application_process"):
        setattr(spanish_service, name, getattr(service, name))
    spanish_service.save()
    spanish_service.save_revision(user=admin, clean=False).publish(user=admin)

    index = TopicIndexPage.objects.get(locale=english)
    topic = TopicPage(
        title=value(payload, 255),
        slug="xss-test-topic",
        seo_title=value(payload, 255),
        search_description=value(payload),
        summary=value(payload, 300),
        last_reviewed=datetime.date(2026, 11, 1),
        body=[
            ("question", {"question": value(payload), "answer": RichText(rich(payload))}),
            (
                "callout",
                {"kind": "warning", "title": value(payload), "text": RichText(rich(payload))},
            ),
            ("contact", contact("web", payload, url=payload)),
            ("contact", contact("call", payload, phone="+12038543011")),
            ("contact", contact("text", payload, phone="847411", keyword=value(payload, 60))),
            ("contact", contact("call", payload, service=service)),
            ("text", RichText(rich(payload))),
            (
                "services",
                {"heading": value(payload), "category": "reporting", "services": [service]},
            ),
        ],
    )
    index.add_child(instance=topic)
    PageSource.objects.create(page=topic, title=value(payload, 255), url=payload)
    topic.save_revision(user=admin, clean=False).publish(user=admin)

    if shared:
        home = HomePage.objects.get(locale=english)
        home.intro = rich(payload)
        home.help_links = [("contact", contact("call", payload, phone="+12038543011"))]
        home.save_revision(user=admin, clean=False).publish(user=admin)
        for page in (index, ServiceDirectoryPage.objects.get(locale=english)):
            page.intro = rich(payload)
            page.save_revision(user=admin, clean=False).publish(user=admin)
        reader_settings = ReaderSettings.for_site(Site.objects.get(is_default_site=True))
        reader_settings.exit_url = payload
        reader_settings.emergency_number = value(payload, 16)
        reader_settings.save()  # as a script would: the form refuses these

    feedback = Feedback.objects.create(
        path="/" + payload[:299],
        locale=english,
        message=value(payload),
        contact=value(payload, 200),
    )
    return {
        "topic": TopicPage.objects.get(pk=topic.pk),
        "service": service,
        "spanish_service": spanish_service,
        "organization": organization,
        "location": location,
        "feedback": feedback,
    }


def contact(kind, payload, phone="", keyword="", url="", service=None):
    """A contact block's raw value with the payload in its label and note."""
    return {
        "kind": kind,
        "label": value(payload, 120),
        "service": service,
        "phone": phone,
        "keyword": keyword,
        "url": url,
        "note": value(payload, 200),
    }
