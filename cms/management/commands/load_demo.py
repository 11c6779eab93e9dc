"""`manage.py load_demo`: the Norwalk demo content and demo users, idempotently."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowContentType,
    WorkflowTask,
)

from home.demo.loader import DemoTranslationMissing, load_pages
from services.demo.loader import load_services
from services.models import Location, Organization, Service

# Demo accounts only: this command is the one place that creates them.
DEMO_USERS = [
    # username, password, groups, superuser
    ("admin", "waymark-admin-demo", [], True),
    ("editor", "waymark-editor-demo", ["Editors"], False),
    ("reviewer", "waymark-reviewer-demo", ["Moderators"], False),
    ("translator-es", "waymark-translator-demo", ["Translators (es)"], False),
]


class Command(BaseCommand):
    help = "Load the Norwalk demo pages, their translations and the demo users (idempotent)."

    def handle(self, *args, **options):
        users = self._users()
        log = lambda message: self.stdout.write(message)  # noqa: E731
        load_services(log=log)
        try:
            load_pages(user=users["admin"], log=log)
        except DemoTranslationMissing as exc:
            raise CommandError(str(exc)) from exc
        self._translator_permissions()
        self._service_review()
        self.stdout.write(self.style.SUCCESS("Demo content is loaded. Demo logins (at /admin/):"))
        for username, password, groups, superuser in DEMO_USERS:
            role = "administrator" if superuser else ", ".join(groups)
            self.stdout.write(f"  {username:<14} {password:<26} {role}")

    def _users(self):
        users = {}
        User = get_user_model()
        for username, password, groups, superuser in DEMO_USERS:
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
            for name in groups:
                group, _ = Group.objects.get_or_create(name=name)
                user.groups.add(group)
            users[username] = user
        return users

    def _translator_permissions(self):
        """Spanish translators may edit the Spanish tree only (the roles issue refines this)."""
        group = Group.objects.get(name="Translators (es)")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        spanish_home = Page.objects.filter(depth=2, locale=Locale.objects.get(language_code="es"))
        for page in spanish_home:
            for codename in ("add_page", "change_page"):
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=page,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=codename
                    ),
                )

    def _service_review(self):
        """Editors write services, moderators approve them: services are reviewed like pages."""
        editors, moderators = (Group.objects.get(name=name) for name in ("Editors", "Moderators"))
        for model in (Service, Organization, Location):
            content_type = ContentType.objects.get_for_model(model)
            actions = ["add", "change"] + (["publish"] if model is Service else [])
            for group, group_actions in ((editors, actions), (moderators, [*actions, "delete"])):
                group.permissions.add(Permission.objects.get(codename="access_admin"))
                for action in group_actions:
                    codename = f"{action}_{model._meta.model_name}"
                    if action == "publish" and group is editors:
                        continue  # editors submit; moderators approve and publish
                    group.permissions.add(
                        Permission.objects.get(content_type=content_type, codename=codename)
                    )
        task, _ = GroupApprovalTask.objects.get_or_create(name="Moderators approve services")
        task.groups.set([moderators])
        workflow, _ = Workflow.objects.get_or_create(name="Service review")
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
        WorkflowContentType.objects.get_or_create(
            content_type=ContentType.objects.get_for_model(Service),
            defaults={"workflow": workflow},
        )
