"""`manage.py setup_roles`: staff groups, permissions and review workflows (idempotent)."""

from django.core.management.base import BaseCommand

from editorial.roles import setup_roles


class Command(BaseCommand):
    help = "Create or correct the staff groups, their permissions and the review workflows."

    def handle(self, *args, **options):
        groups = setup_roles(log=lambda message: self.stdout.write(message))
        self.stdout.write(self.style.SUCCESS(f"{len(groups)} staff groups are set up."))
