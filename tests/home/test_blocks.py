"""Editors get clear errors for bad contacts; good ones are stored in one canonical form."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.blocks.struct_block import StructBlockValidationError

from cms.phones import display_phone, normalize_phone
from home.blocks import ContactBlock


def clean_contact(**value):
    block = ContactBlock()
    data = {"kind": "call", "label": "Helpline", "phone": "", "keyword": "", "url": "", "note": ""}
    data.update(value)
    return block.clean(block.to_python(data))


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("(203) 854-3011", "+12038543011", "(203) 854-3011"),
        ("1-888-373-7888", "+18883737888", "(888) 373-7888"),
        ("+44 20 7946 0958", "+442079460958", "+44 20 7946 0958"),
        ("911", "911", "911"),
        ("847411", "847411", "847411"),
    ],
)
def test_numbers_are_stored_in_e164_and_shown_in_national_format(typed, stored, shown):
    assert normalize_phone(typed) == stored
    assert display_phone(stored) == shown


@pytest.mark.parametrize("typed", ["", "call me", "(203) 854-30", "+1 555 0100 999 999"])
def test_bad_numbers_are_refused_with_a_message(typed):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            normalize_phone(typed)
        assert "phone number" in str(error.value)


def test_call_contact_is_cleaned_to_e164():
    assert clean_contact(phone="(203) 854-3011")["phone"] == "+12038543011"


def test_call_contact_rejects_a_bad_number_on_the_phone_field():
    with pytest.raises(StructBlockValidationError) as error:
        clean_contact(phone="not a number")
    assert set(error.value.block_errors) == {"phone"}


def test_keyword_only_for_text_lines():
    with pytest.raises(StructBlockValidationError) as error:
        clean_contact(phone="911", keyword="HELP")
    assert set(error.value.block_errors) == {"keyword"}
    assert clean_contact(kind="text", phone="847411", keyword="NORWALKPD")["keyword"] == "NORWALKPD"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/", "data:text/html,x"])
def test_web_contacts_accept_only_web_addresses(url):
    with pytest.raises((StructBlockValidationError, ValidationError)):
        clean_contact(kind="web", url=url)


def test_text_contact_prefills_the_keyword():
    block = ContactBlock()
    value = clean_contact(kind="text", phone="847411", keyword="NORWALK PD")
    html = block.render(value)
    assert 'href="sms:847411?body=NORWALK%20PD"' in html
