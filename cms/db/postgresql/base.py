"""Django's PostgreSQL backend, waiting out a short restart instead of failing readers.

When PostgreSQL restarts (an upgrade, a failover, a crash), connections are refused
for a second or two. Django's backend gives up at once, and every uncached reader
request in that moment becomes an error page. Here a new connection is tried again
for up to `DB_CONNECT_RETRY_SECONDS` (3 by default): the reader waits a little
longer instead. A longer outage still ends in the short 503 page (cms.errors).
"""

import time

from django.conf import settings
from django.db.backends.postgresql.base import Database
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper


class DatabaseWrapper(PostgresWrapper):
    # None: DB_CONNECT_RETRY_SECONDS; a probe that must answer at once sets 0.
    connect_retry_seconds = None

    def get_new_connection(self, conn_params):
        wait = self.connect_retry_seconds
        if wait is None:
            wait = getattr(settings, "DB_CONNECT_RETRY_SECONDS", 3.0)
        deadline = time.monotonic() + wait
        while True:
            try:
                return super().get_new_connection(conn_params)
            except Database.OperationalError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.2)
