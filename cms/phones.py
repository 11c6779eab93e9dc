"""Phone numbers and short codes: validated once, stored in E.164, shown in national format."""

import re
from urllib.parse import quote

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SHORT_CODE = re.compile(r"^\d{3,6}$")


def normalize_phone(value, region=None):
    """Return a number in E.164 ("+12038543011") or a short code ("911", "847411"); a number
    without a country code is read in the site's region (WAYMARK_PHONE_REGION).

    Raises ValidationError with a message an editor can act on.
    """
    region = region or settings.WAYMARK_PHONE_REGION
    raw = (value or "").strip()
    digits = re.sub(r"[\s().-]", "", raw)
    if SHORT_CODE.match(digits):
        return digits
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), params={"value": raw}, code="invalid"
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number."), params={"value": raw}, code="invalid"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value, region=None):
    """How a stored number is written for readers: national format at home, else international."""
    region = region or settings.WAYMARK_PHONE_REGION
    if not value or SHORT_CODE.match(value):
        return value
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return value  # not stored through a form (forms refuse it): shown as typed, escaped
    if phonenumbers.region_code_for_number(parsed) == region:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_href(number, text=False, keyword="", extension=""):
    """One tap: a tel: link to call, or an sms: link with the keyword pre-filled to text."""
    if text:
        return f"sms:{number}" + (f"?body={quote(keyword)}" if keyword else "")
    return f"tel:{number}" + (f",{extension}" if extension else "")
