"""The directory one tap away from every reader page: its address and title in the reader's
language, for the footer and the "get help" areas that link to it.

Looked up only when a template uses it, and kept until the language changes
(cms.caching.kept_for_language: publishing, moving or unpublishing the directory moves it).
"""

from django.utils.functional import SimpleLazyObject

from .pages import directory_link


def directory(request):
    return {"directory": SimpleLazyObject(lambda: directory_link(request))}
