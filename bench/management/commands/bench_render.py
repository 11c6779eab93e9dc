"""`manage.py bench_render URL...`: uncached render time and queries as JSON (make bench)."""

import json

from django.core.management.base import BaseCommand

from bench.render import measure


class Command(BaseCommand):
    help = "Render reader pages without the page cache; print p50/p99 ms, queries and bytes."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+")
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args, urls, repeat, **options):
        self.stdout.write(json.dumps(measure(urls, repeat=repeat)))
