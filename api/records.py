"""The changes feed's records, kept between requests while nothing they show has changed.

Every app syncing a language asks the feed with a cursor of its own, so whole responses
are rarely asked twice (the API cache in api.http keys on the URL), while the records in
them are the same for everyone: a page of 50 records was 50 records rendered again for
each client. Here each record is kept on its own, keyed by

- what it is and when it last changed (the feed's `changed_at`),
- the scheme and host it was asked on (its URLs are absolute), and
- the page-cache generations of the languages it shows (cms.caching): a page record, its
  own language's (its translations, the services its blocks list and their local names
  all move that generation when published); a service record, every language's (it
  carries every language's words, as /api/hsds/ does).

So a record is never served after a change that touches it: the publish that changes it
moves the generation, and the next request renders it again. Without a cache (Redis
lost) every lookup is a miss and records are rendered, as before.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from cms import caching, languages

PREFIX = "apirecord:"


class RecordCache:
    """Get and keep the records of one feed response (one round trip each way)."""

    def __init__(self, request, language_code):
        self.seconds = settings.WAYMARK_API_RECORD_CACHE_SECONDS
        self.origin = request.build_absolute_uri("/")
        self.language_code = language_code
        self.generations = caching.current_generations(languages.codes()) if self else {}

    def __bool__(self):
        return self.seconds > 0

    def key(self, kind, ident, changed_at):
        if kind == "page":
            shown = self.generations[self.language_code]
        else:
            shown = ",".join(f"{code}={value}" for code, value in sorted(self.generations.items()))
        raw = f"{kind}|{ident}|{changed_at.isoformat()}|{self.language_code}|{self.origin}|{shown}"
        return PREFIX + hashlib.sha256(raw.encode()).hexdigest()[:32]

    def get(self, wanted):
        """{(kind, id): record} for those of `wanted` ({(kind, id): changed_at}) kept."""
        if not self or not wanted:
            return {}
        keys = {self.key(kind, ident, at): (kind, ident) for (kind, ident), at in wanted.items()}
        found = cache.get_many(list(keys))
        return {keys[key]: record for key, record in found.items()}

    def keep(self, made, wanted):
        """Keep the records just made ({(kind, id): record})."""
        if self and made:
            cache.set_many(
                {self.key(*entry, wanted[entry]): record for entry, record in made.items()},
                self.seconds,
            )
