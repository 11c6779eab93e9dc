"""Topic pages point at directory services instead of repeating their numbers."""

import uuid

import pytest
from wagtail.models import Locale

from tests.home.factories import TopicPageFactory, english_index, question
from tests.services.factories import make_service, translate_service

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def services_block(category="", services=()):
    return {
        "type": "services",
        "value": {
            "heading": "",
            "category": category,
            # Stored as the admin stores list items.
            "services": [{"type": "item", "value": pk, "id": str(uuid.uuid4())} for pk in services],
        },
    }


def service_contact(service, kind="call", label="Tip line"):
    return {
        "type": "contact",
        "value": {
            "kind": kind,
            "label": label,
            "service": service.pk,
            "phone": "",
            "keyword": "",
            "url": "",
            "note": "",
        },
    }


@pytest.fixture
def hotline():
    service = make_service(
        "Tip hotline",
        phones=[("hotline", "+18883737888", ""), ("text", "847411", "NORWALKPD")],
        categories=["reporting"],
        always_open=True,
    )
    translate_service(service, "es", name="Línea de denuncias")
    return service


def test_get_help_block_lists_a_categorys_services_with_status_and_one_tap(reader, hotline):
    page = TopicPageFactory(parent=english_index(), body=[question(1), services_block("reporting")])
    html = reader.get(page.url).content.decode()
    assert "Services that can help" in html
    assert "Tip hotline" in html and "Open 24 hours" in html
    assert 'href="tel:+18883737888"' in html
    assert 'href="sms:847411?body=NORWALKPD"' in html
    assert 'href="/en/services/tip-hotline/"' in html


def test_get_help_block_shows_chosen_services_in_the_readers_language(reader, hotline):
    other = make_service("Another line", categories=["reporting"])
    page = TopicPageFactory(
        parent=english_index(), body=[services_block(services=[hotline.pk, other.pk])]
    )
    spanish = page.copy_for_translation(Locale.objects.get(language_code="es"))
    spanish.save_revision().publish()
    html = reader.get(spanish.url).content.decode()
    assert "Línea de denuncias" in html
    assert html.index("Línea de denuncias") < html.index("Another line")
    assert 'lang="en" dir="ltr">Another line' in html


def test_contact_block_takes_its_number_from_the_service(reader, hotline):
    page = TopicPageFactory(
        parent=english_index(),
        body=[service_contact(hotline), service_contact(hotline, "text", "Text a tip")],
    )
    html = reader.get(page.url).content.decode()
    assert 'href="tel:+18883737888"' in html and "(888) 373-7888" in html
    assert 'href="sms:847411?body=NORWALKPD"' in html
    assert "Start your message with NORWALKPD" in html
    # A changed number reaches the page with no edit to it.
    phone = hotline.phones.get(kind="hotline")
    phone.number = "+12035550100"
    phone.save()
    assert 'href="tel:+12035550100"' in reader.get(page.url).content.decode()


def test_contact_block_refuses_a_service_that_cannot_be_reached_that_way(hotline):
    from wagtail.blocks.struct_block import StructBlockValidationError

    from home.blocks import ContactBlock

    block = ContactBlock()
    no_web = block.to_python(service_contact(hotline, "web")["value"])
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(no_web)
    assert "no way to be reached like that" in str(error.value.block_errors["service"])
    both = block.to_python({**service_contact(hotline)["value"], "phone": "911"})
    with pytest.raises(StructBlockValidationError):
        block.clean(both)
