"""Shared model fields: a StreamField that keeps its block definitions out of migrations, the
validator every web address readers can open goes through, and the rich text editors' palette."""

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField as WagtailStreamField

# Editors get a small, safe palette: emphasis, links and lists; no headings
# (questions are the headings), no embeds, no raw HTML.
LIMITED_FEATURES = ["bold", "italic", "link", "ol", "ul"]

# A link readers open is a web page: https:// or http://, never javascript:, data: or ftp:.
web_address = URLValidator(
    schemes=["https", "http"], message=_("Give a web address starting with https://.")
)


class WebAddressField(models.URLField):
    """A web page's address: https:// or http:// only."""

    default_validators = [web_address]


class StreamField(WagtailStreamField):
    """Like Wagtail's StreamField, but block changes need no migration.

    Block definitions live in code; the database stores JSON either way, so
    listing every block in every migration only adds noise.
    """

    def deconstruct(self):
        name, path, _args, kwargs = super().deconstruct()
        kwargs.pop("block_lookup", None)
        return name, path, [[]], kwargs
