"""The directory one tap away from every reader page: its address and title in the reader's
language, for the footer and the "get help" areas that link to it.

Looked up only when a template uses it, and kept until the language changes
(cms.caching.kept_for_language: publishing, moving or unpublishing the directory moves it).
"""

from django.utils.functional import SimpleLazyObject

from cms.caching import kept_for_language

from .pages import ServiceDirectoryPage


def directory_link(request):
    """{"url", "title"} of the live directory in the active language, else {}."""

    def find(code):
        page = (
            ServiceDirectoryPage.objects.live()
            .filter(locale__language_code=code)
            .only("id", "title", "url_path", "path", "depth", "locale_id")
            .first()
        )
        return {"url": page.get_url(request), "title": page.title} if page else {}

    return kept_for_language("directory-link", request, find)


def directory(request):
    return {"directory": SimpleLazyObject(lambda: directory_link(request))}
