"""`manage.py import_hsds PATH`: load HSDS 3.0 services, all or nothing (see docs/hsds.md)."""

from django.core.management.base import BaseCommand, CommandError

from services.hsds.importer import ImportProblems, PublishingFailed, UnreadableInput, run_import


class Command(BaseCommand):
    """Validate every record of an HSDS file or CSV directory, then import all of it or none."""

    help = (
        "Import services from Open Referral HSDS 3.0: a JSON file (a page, a list of services "
        "or one service) or a directory of CSV tables. Every record is checked first; if any "
        "is wrong nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A JSON file or a directory of HSDS CSV tables.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report only; write nothing."
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Save new and changed services (and their translations) as drafts.",
        )

    def handle(self, *args, path, dry_run=False, draft=False, **options):
        try:
            report, summary = run_import(path, draft=draft, dry_run=dry_run)
        except UnreadableInput as exc:
            raise CommandError(str(exc)) from exc
        except ImportProblems as exc:
            self._warnings(exc.report)
            for problem in exc.report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.report.problems)} problem(s) in {path}: nothing was imported."
            ) from exc
        except PublishingFailed as exc:
            raise CommandError(
                f"The import was written, but publishing some of it failed: {exc}. "
                "Check the services and their translations in the admin."
            ) from exc
        except Exception as exc:
            # Everything was rolled back; say so instead of showing a traceback.
            raise CommandError(
                f"The import stopped and was rolled back, nothing was written: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        self._warnings(report)
        for line in summary.lines(dry_run=dry_run) or ["nothing to import"]:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"{path} is valid (dry run: nothing written)."))
            return
        state = "saved as drafts" if draft else "published"
        self.stdout.write(
            self.style.SUCCESS(f"Imported {path} (new and changed services {state}).")
        )

    def _warnings(self, report):
        for line in report.warning_lines():
            self.stderr.write(line)
