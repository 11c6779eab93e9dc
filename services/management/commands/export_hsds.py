"""`manage.py export_hsds PATH`: the services directory as Open Referral HSDS 3.0 (docs/hsds.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from services.hsds.exporter import export


class Command(BaseCommand):
    """Write every live English service as HSDS JSON (PATH ends in .json) or CSV tables."""

    help = (
        "Export the services directory as Open Referral HSDS 3.0: a JSON page of full service "
        "records when PATH ends in .json, otherwise a directory of CSV tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .json file, or a directory for the CSV tables.")
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="Also export services that are not live, and the latest draft of live ones.",
        )

    def handle(self, *args, path, include_drafts=False, **options):
        try:
            count, files = export(path, include_drafts=include_drafts)
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror or exc}") from exc
        except DatabaseError as exc:
            raise CommandError(f"Cannot read the services from the database: {exc}") from exc
        where = files[0] if len(files) == 1 else f"{len(files)} files in {path}"
        self.stdout.write(self.style.SUCCESS(f"Exported {count} service(s) to {where}."))
