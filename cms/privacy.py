"""Private means private: a page under a view restriction (a password, a sign-in, groups)
and every page below it stay out of what anonymous readers are shown about other pages:
topic lists, featured topics, search, the offline essentials and indexes.

Wagtail's `PageQuerySet.public()` first reads every restriction in a query of its own;
`public()` here says the same inside the page query (a correlated NOT EXISTS), so reader
pages keep their query budgets whatever the number of restrictions.
"""

from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from wagtail.models import PageViewRestriction


def restricted():
    """Restrictions on the outer page or on one of its ancestors."""
    return PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )


def public(pages):
    """`pages` (a page queryset) without those under any view restriction."""
    return pages.filter(~Exists(restricted()))


def restricted_paths():
    """The tree paths of every restricted page (a site has few): a page is private when its
    path starts with one of them (`is_private`)."""
    return list(PageViewRestriction.objects.values_list("page__path", flat=True))


def is_private(page, paths):
    """Whether `page` is under one of `paths` (restricted_paths)."""
    return any(page.path.startswith(path) for path in paths)
