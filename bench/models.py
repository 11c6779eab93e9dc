"""The benchmark's baseline: a bare Wagtail page type, the least Wagtail itself does per page.

`make bench` serves one BaselinePage holding the measured topic page's text as a
single rich-text field (no blocks, no components, a template of a few lines)
under the same settings and middleware, and reports every Waymark page's CPU per
request as a ratio to it. Installed only by cms.settings.bench, never in production.
"""

from wagtail.fields import RichTextField
from wagtail.models import Page


class BaselinePage(Page):
    """A title and one rich-text body: what a minimal Wagtail site serves."""

    body = RichTextField(blank=True)

    parent_page_types = ["wagtailcore.Page", "home.HomePage"]
    subpage_types = []
