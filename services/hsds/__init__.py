"""Open Referral HSDS 3.0 exchange: the names and identifiers export and import share.

docs/hsds.md is the contract. Waymark's categories and yes/no features travel
as HSDS attributes of two taxonomies of its own, `waymark-category` and
`waymark-attribute`; their taxonomy terms and every attribute get stable
identifiers (UUID 5 in a fixed namespace) so an export is the same file every
time.
"""

import uuid
from pathlib import Path

from services import models

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"

# Never change: the identifiers of taxonomy terms, attributes and addresses derive from it.
NAMESPACE = uuid.UUID("cfd64bd6-0ea4-4a7a-8b0d-0e97ad73c576")

CATEGORY_TAXONOMY = "waymark-category"
ATTRIBUTE_TAXONOMY = "waymark-attribute"
TRANSLATIONS_KEY = "waymark_translations"

# The six words of a service that are translated, in the order they are written out.
TRANSLATED_FIELDS = models.TRANSLATED_FIELDS

# waymark-attribute code -> Service yes/no field.
FLAG_FIELDS = {
    "free": "free",
    "confidential": "confidential",
    "no-police": "no_police",
    "police": "police",
    "walk-in": "walk_in",
    "anonymous-testing": "anonymous_testing",
    "always-open": "always_open",
}
SLUG_CODE = "slug"
ASSURER_CODE = "assurer"
HOTLINE_CODE = "hotline"
SMS_KEYWORD_CODE = "sms-keyword"

# waymark-attribute terms: code -> (name, description), in the order they are written out.
ATTRIBUTE_TERMS = {
    "free": ("Free", "Using the service costs nothing."),
    "confidential": ("Confidential", "What a reader tells the service stays private."),
    "no-police": (
        "No police involvement",
        "Using this service never involves the police or immigration enforcement.",
    ),
    "police": (
        "This is the police",
        "The police run the service, or it passes what readers say to the police.",
    ),
    "walk-in": ("Walk-in, no appointment", "Readers can come without an appointment."),
    "anonymous-testing": ("Anonymous testing", "Tests can be taken without giving a name."),
    "always-open": ("Open 24 hours, every day", "The service never closes."),
    SLUG_CODE: ("Slug", "The last part of the service's web address on Waymark (the value)."),
    ASSURER_CODE: (
        "Verified by",
        "Who last checked the service's details, when that is not an e-mail address (the value).",
    ),
    HOTLINE_CODE: ("Hotline", "A voice number that is a hotline."),
    SMS_KEYWORD_CODE: (
        "Text keyword",
        "The keyword to send to a text line (the value).",
    ),
}
SERVICE_VALUE_CODES = (SLUG_CODE, ASSURER_CODE)
PHONE_CODES = (HOTLINE_CODE, SMS_KEYWORD_CODE)


def stable_id(*parts):
    """A UUID string that is always the same for the same parts."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


def term_id(taxonomy, code):
    """The identifier of one of Waymark's taxonomy terms."""
    return stable_id("taxonomy_term", taxonomy, code)


def attribute_id(link_id, taxonomy, code):
    """The identifier of the attribute that gives `link_id` the term taxonomy/code."""
    return stable_id("attribute", link_id, taxonomy, code)


def address_id(location_id):
    """The identifier of a location's (only) address."""
    return stable_id("address", location_id)
