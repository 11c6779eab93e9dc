"""`manage.py load_demo`: the Norwalk demo content and demo users, once.

`make run` calls it every time, so a rerun must never undo what people did: the content
is loaded until one load has finished (an interrupted load is completed, creating only
what is missing), and after that it is left alone; demo users are created when missing,
never reset (password, groups).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from editorial.highrisk import not_recorded
from editorial.models import DemoLoad
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
    help = (
        "Load the Norwalk demo pages, their translations and the demo users, once: "
        "a rerun changes nothing people made."
    )

    def handle(self, *args, **options):
        users, created = self._users()
        log = lambda message: self.stdout.write(message)  # noqa: E731
        loaded = DemoLoad.objects.order_by("finished_at").first()
        if loaded is None:
            # The demo's content is where it starts, not a change anyone must check.
            with not_recorded():
                load_services(log=log)
                try:
                    load_pages(user=users["admin"], log=log)
                except DemoTranslationMissing as exc:
                    raise CommandError(str(exc)) from exc
            DemoLoad.objects.create()
        else:
            self.stdout.write(
                f"The demo content was loaded on {loaded.finished_at:%Y-%m-%d %H:%M} UTC; "
                "it is left as people have changed it since."
            )
        setup_roles(log=log)
        self._memberships(created)
        self.stdout.write(
            self.style.SUCCESS("Demo content is loaded. Demo logins (at /admin/, unless changed):")
        )
        for username, password, groups, superuser in DEMO_USERS:
            role = "administrator" if superuser else ", ".join(groups)
            self.stdout.write(f"  {username:<14} {password:<26} {role}")

    def _users(self):
        """{username: user} of the demo users, and those of them created now."""
        users, created = {}, []
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
                created.append(user)
            users[username] = user
        return users, created

    def _memberships(self, created):
        """Put each demo user created now in its group (the groups come from setup_roles);
        an existing user's groups are an administrator's to change."""
        groups_of = {username: groups for username, _password, groups, _su in DEMO_USERS}
        for user in created:
            user.groups.add(*Group.objects.filter(name__in=groups_of[user.username]))
