"""The site-wide alert of the reader's language (home.alerts), for the top of every page.

Read from the language's home page only when a template asks, and kept in the cache per
language and host until that language's generation moves (publishing the home page moves
it), so a page view in the steady state asks the database nothing more. Whether the alert
holds is decided at each render, from the kept times.
"""

from django.core.cache import cache
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site

from cms import caching, languages

from .alerts import alert_holding
from .models import HomePage

KEEP_SECONDS = 3600


def stored_alert(request):
    """The live home page's alert fields in the active language (cached), or {}."""
    code = translation.get_language()
    if not languages.is_known(code):
        return {}
    key = f"site-alert:{code}:{request.get_host()}:{caching.generation(code)}"
    found = cache.get(key)
    if found is None:
        site = Site.find_for_request(request)
        home = None
        if site is not None:
            home = (
                HomePage.objects.live()
                .filter(
                    locale__language_code=code,
                    translation_key__in=Page.objects.filter(pk=site.root_page_id).values(
                        "translation_key"
                    ),
                )
                .values("alert", "alert_since", "alert_until")
                .first()
            )
        found = home or {}
        cache.set(key, found, KEEP_SECONDS)
    return found


def site_alert(request):
    def holding():
        stored = stored_alert(request)
        if not stored:
            return None
        return alert_holding(stored["alert"], stored["alert_since"], stored["alert_until"])

    return {"site_alert": SimpleLazyObject(holding)}
