"""`manage.py load_demo`: the Norwalk demo content and demo users, idempotently."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from editorial.highrisk import not_recorded
from editorial.roles import setup_roles
from home.demo.loader import DemoTranslationMissing, load_pages
from services.demo.loader import load_services

# Demo accounts only: this command is the one place that creates them.
DEMO_USERS = [
    # username, password, groups, superuser
    ("admin", "waymark-admin-demo", ["Administrators"], True),
    ("editor", "waymark-editor-demo", ["Editors"], False),
    ("reviewer", "waymark-reviewer-demo", ["Reviewers"], False),
    ("translator-es", "waymark-translator-demo", ["Translators (es)"], False),
    ("reviewer-es", "waymark-reviewer-es-demo", ["Reviewers (es)"], False),
]


class Command(BaseCommand):
    help = "Load the Norwalk demo pages, their translations and the demo users (idempotent)."

    def handle(self, *args, **options):
        users = self._users()
        log = lambda message: self.stdout.write(message)  # noqa: E731
        # The demo's content is where it starts, not a change anyone must check.
        with not_recorded():
            load_services(log=log)
            try:
                load_pages(user=users["admin"], log=log)
            except DemoTranslationMissing as exc:
                raise CommandError(str(exc)) from exc
        setup_roles(log=log)
        self._memberships(users)
        self.stdout.write(self.style.SUCCESS("Demo content is loaded. Demo logins (at /admin/):"))
        for username, password, groups, superuser in DEMO_USERS:
            role = "administrator" if superuser else ", ".join(groups)
            self.stdout.write(f"  {username:<14} {password:<26} {role}")

    def _users(self):
        users = {}
        User = get_user_model()
        for username, password, _groups, superuser in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username,
                    email=f"{username}@example.org",
                    password=password,
                    is_staff=superuser,
                    is_superuser=superuser,
                )
                self.stdout.write(f"Created demo user {username}")
            users[username] = user
        return users

    def _memberships(self, users):
        """Put each demo user in its group (the groups come from setup_roles)."""
        for username, _password, groups, _superuser in DEMO_USERS:
            users[username].groups.add(*Group.objects.filter(name__in=groups))
