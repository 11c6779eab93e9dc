"""`manage.py bench_content --total N`: grow generated benchmark pages to N (make bench)."""

from django.core.management.base import BaseCommand, CommandError

from bench.content import LANGUAGES, grow_to, settle
from cms.caching import invalidate


class Command(BaseCommand):
    help = "Add generated topic pages (copies of demo pages) until there are N across 5 languages."

    def add_arguments(self, parser):
        parser.add_argument("--total", type=int, required=True)

    def handle(self, *args, total, **options):
        if total < len(LANGUAGES):
            raise CommandError(f"--total must be at least {len(LANGUAGES)}")
        added = grow_to(total, log=self.stdout.write)
        settle()
        # Written in bulk, without the publishing signals: forget cached pages explicitly.
        invalidate(LANGUAGES)
        self.stdout.write(f"{added} pages added")
