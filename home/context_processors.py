"""The site-wide alert of the reader's language (home.alerts), for the top of every page.

Read from the language's home page only when a template asks, and kept until the language
changes (cms.caching.kept_for_language: publishing the home page moves it). Whether the
alert holds is decided at each render, from the kept times.
"""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site

from cms.caching import kept_for_language

from .alerts import alert_holding
from .models import HomePage


def stored_alert(request):
    """The live home page's alert fields in the active language, or {}."""

    def find(code):
        site = Site.find_for_request(request)
        if site is None:
            return {}
        root = Page.objects.filter(pk=site.root_page_id).values("translation_key")
        home = (
            HomePage.objects.live()
            .filter(locale__language_code=code, translation_key__in=root)
            .values("alert", "alert_since", "alert_until")
            .first()
        )
        return home or {}

    return kept_for_language("site-alert", request, find)


def site_alert(request):
    def holding():
        stored = stored_alert(request)
        if not stored:
            return None
        return alert_holding(stored["alert"], stored["alert_since"], stored["alert_until"])

    return {"site_alert": SimpleLazyObject(holding)}
