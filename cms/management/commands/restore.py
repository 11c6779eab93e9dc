"""`manage.py restore PATH`: rebuild this database from a backup (cms/backup.py)."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cms import backup


class Command(BaseCommand):
    help = (
        "Migrate this database, then load a backup made by `manage.py backup` into it: "
        "everything or nothing. Refuses a database with content unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete everything in this database first",
        )

    def handle(self, *args, path, replace, **options):
        start = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        try:
            manifest = backup.restore(path, replace=replace)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"{path}: restored {rows} rows and {manifest['media']} media files from "
            f"{manifest['created']} in {time.monotonic() - start:.1f} s"
        )
