"""The directory one tap away from every reader page: its address and title in the reader's
language, for the footer and the "get help" areas that link to it.

Looked up only when a template uses it, and kept in the cache per language and host until
that language's generation moves (cms.caching: publishing, moving or unpublishing the
directory moves it), so a page view in the steady state asks the database nothing more.
"""

from django.core.cache import cache
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from cms import caching, languages

from .pages import ServiceDirectoryPage

KEEP_SECONDS = 3600


def directory_link(request):
    """{"url", "title"} of the live directory in the active language, else {}."""
    code = translation.get_language()
    if not languages.is_known(code):
        return {}
    key = f"directory-link:{code}:{request.get_host()}:{caching.generation(code)}"
    found = cache.get(key)
    if found is None:
        page = (
            ServiceDirectoryPage.objects.live()
            .filter(locale__language_code=code)
            .only("id", "title", "url_path", "path", "depth", "locale_id")
            .first()
        )
        found = {"url": page.get_url(request), "title": page.title} if page else {}
        cache.set(key, found, KEEP_SECONDS)
    return found


def directory(request):
    return {"directory": SimpleLazyObject(lambda: directory_link(request))}
