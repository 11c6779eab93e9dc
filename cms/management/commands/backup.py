"""`manage.py backup PATH`: one archive of the database content and media (cms/backup.py)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms import backup


class Command(BaseCommand):
    help = "Write one .tar.gz archive of everything editors made: database content and media."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive to write, e.g. waymark-2026-11-26.tar.gz")

    def handle(self, *args, path, **options):
        target = Path(path)
        if target.is_dir():
            raise CommandError(f"{path} is a folder; name the archive file to write.")
        if not target.parent.exists():
            raise CommandError(f"{target.parent} does not exist.")
        start = time.monotonic()
        manifest = backup.create(target)
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"{path}: {rows} rows, {manifest['media']} media files, "
            f"{target.stat().st_size:,} bytes in {time.monotonic() - start:.1f} s"
        )
