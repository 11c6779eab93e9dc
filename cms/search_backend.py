"""Wagtail's PostgreSQL search, each page and service indexed with its own language's stemming.

PostgreSQL has text search configurations (stemmers and stop words) for
English, Spanish, Portuguese and Arabic. Haitian Creole has none, so it, and
any language added later without one, uses "simple": exact words, no stop
words. Reader searches ask in the reader's language (`backend_for`); the admin's
searches use the unstemmed autocomplete index, which stays "simple" for all.
"""

from collections import defaultdict

from django.conf import settings
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchBackend,
)

SEARCH_CONFIGS = {"en": "english", "es": "spanish", "pt": "portuguese", "ar": "arabic"}
FALLBACK_CONFIG = "simple"


def search_config(language_code):
    """The PostgreSQL text search configuration for a language ("simple" if it has none)."""
    return SEARCH_CONFIGS.get(language_code, FALLBACK_CONFIG)


def config_of(obj):
    locale = getattr(obj, "locale", None)
    return search_config(locale.language_code) if locale is not None else FALLBACK_CONFIG


def uses_language_configs():
    backend = settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]
    return backend == __name__


def backend_for(language_code):
    """The search backend that reads a query as a reader of that language writes it."""
    if uses_language_configs():
        return get_search_backend("default", SEARCH_CONFIG=search_config(language_code))
    return get_search_backend("default")


class LocalizedIndex(PostgresIndex):
    """Index each object with the configuration of its locale's language."""

    def add_items(self, model, objs):
        groups = defaultdict(list)
        for obj in objs:
            groups[config_of(obj)].append(obj)
        default = self.backend.config
        try:
            for config, group in groups.items():
                # Read by the indexer of each object when it is made, in super().add_items.
                self.backend.config = config
                super().add_items(model, group)
        finally:
            self.backend.config = default


class SearchBackend(PostgresSearchBackend):
    """The PostgreSQL database backend with per-language indexing."""

    index_class = LocalizedIndex
