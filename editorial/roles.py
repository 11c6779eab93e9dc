"""Who may do what: staff groups, their page and snippet permissions, and review workflows.

`setup_roles()` makes the database match this file (idempotent): each
group gets exactly the permissions listed here, page permissions attach to
each language's home page, and each language's tree gets its own review
workflow. Run it with `manage.py setup_roles`; `make run` and `load_demo` do.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

from cms import languages
from services.models import Service, ServiceReviewTask

SOURCE = languages.source()
TRANSLATIONS = languages.translations()
LANGUAGE_NAMES = languages.names()

PAGE_WRITE = ["add_page", "change_page"]
PAGE_REVIEW = [*PAGE_WRITE, "publish_page", "lock_page", "unlock_page"]
PAGE_ALL = [*PAGE_REVIEW, "bulk_delete_page"]

ADMIN_ACCESS = ["wagtailadmin.access_admin"]
# Organizations and locations have no drafts: a change to one is live in every language at
# once. Editors may add new ones (readers see them only through a service, which goes
# through review); changing one that readers see is for English reviewers, and a change to
# an address, website or e-mail is recorded and e-mailed as a high-risk change.
WRITE_DIRECTORY = [
    "services.add_service",
    "services.change_service",
    "services.add_organization",
    "services.add_location",
]
REVIEW_DIRECTORY = [
    *WRITE_DIRECTORY,
    "services.change_organization",
    "services.change_location",
    "services.publish_service",
    "services.delete_service",
    "services.delete_organization",
    "services.delete_location",
]
TRANSLATE = ["wagtail_localize.submit_translation"]
FEEDBACK = ["editorial.view_feedback", "editorial.change_feedback"]
HIGH_RISK = ["editorial.view_highriskchange"]


@dataclass
class Role:
    """A staff group: the tree it works on, its page permissions there, its other permissions."""

    name: str
    tree: str  # a language code, or "*" for the whole site
    page_permissions: list
    permissions: list = field(default_factory=list)


def reviewer_group(language_code):
    """The name of the group that reviews a language ("Reviewers" for the source language)."""
    return "Reviewers" if language_code == SOURCE else f"Reviewers ({language_code})"


def roles():
    """Every staff group Waymark knows."""
    defined = [
        Role("Administrators", "*", PAGE_ALL, ["*"]),
        Role(
            "Editors",
            SOURCE,
            PAGE_WRITE,
            [*ADMIN_ACCESS, *WRITE_DIRECTORY, *FEEDBACK, f"services.edit_{SOURCE}"],
        ),
        Role(
            reviewer_group(SOURCE),
            SOURCE,
            PAGE_REVIEW,
            [
                *ADMIN_ACCESS,
                *REVIEW_DIRECTORY,
                *TRANSLATE,
                *FEEDBACK,
                *HIGH_RISK,
                "editorial.delete_feedback",
                f"services.edit_{SOURCE}",
            ],
        ),
    ]
    for code in TRANSLATIONS:
        defined += [
            Role(
                f"Translators ({code})",
                code,
                PAGE_WRITE,
                [
                    *ADMIN_ACCESS,
                    "services.change_service",
                    *TRANSLATE,
                    *FEEDBACK,
                    f"services.edit_{code}",
                ],
            ),
            Role(
                reviewer_group(code),
                code,
                PAGE_REVIEW,
                [
                    *ADMIN_ACCESS,
                    "services.change_service",
                    "services.publish_service",
                    *TRANSLATE,
                    *FEEDBACK,
                    *HIGH_RISK,
                    f"services.edit_{code}",
                ],
            ),
        ]
    return defined


def language_homes():
    """Each language's home page (the root of its tree), by language code."""
    return {
        page.locale.language_code: page
        for page in Page.objects.filter(depth=2).select_related("locale")
    }


def permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def page_permission(codename):
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


@transaction.atomic
def setup_roles(log=print):
    """Create or correct every group, its permissions and the review workflows."""
    homes = language_homes()
    root = Page.get_first_root_node()
    groups = {}
    for role in roles():
        group, created = Group.objects.get_or_create(name=role.name)
        groups[role.name] = group
        if "*" in role.permissions:
            wanted = set(Permission.objects.all())
        else:
            wanted = {permission(dotted) for dotted in role.permissions}
        group.permissions.set(wanted)
        tree = root if role.tree == "*" else homes.get(role.tree)
        wanted_pages = set()
        if tree is not None:
            for codename in role.page_permissions:
                grant, _ = GroupPagePermission.objects.get_or_create(
                    group=group, page=tree, permission=page_permission(codename)
                )
                wanted_pages.add(grant.pk)
        GroupPagePermission.objects.filter(group=group).exclude(pk__in=wanted_pages).delete()
        if created:
            log(f"Created the group {role.name}")
    # Wagtail's starter "Moderators" group and its root-wide workflow would let
    # one group approve every language: our groups replace them.
    Group.objects.filter(name="Moderators").delete()
    for workflow in Workflow.objects.filter(name="Moderators approval"):
        WorkflowPage.objects.filter(workflow=workflow).delete()
        workflow.active = False
        workflow.save(update_fields=["active"])
    admins = groups["Administrators"]
    _page_workflow(
        "Content review",
        "English review",
        [groups[reviewer_group(SOURCE)], admins],
        homes.get(SOURCE),
    )
    for code in TRANSLATIONS:
        name = LANGUAGE_NAMES[code]
        _page_workflow(
            f"Translation review ({name})",
            f"Review ({name})",
            [groups[reviewer_group(code)], admins],
            homes.get(code),
        )
    _service_workflow([groups[reviewer_group(code)] for code in [SOURCE, *TRANSLATIONS]] + [admins])
    return groups


def _workflow(name, task):
    workflow, _ = Workflow.objects.get_or_create(name=name)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowTask.objects.filter(workflow=workflow).exclude(task=task).delete()
    return workflow


def _page_workflow(name, task_name, groups, home):
    task, _ = GroupApprovalTask.objects.get_or_create(name=task_name)
    task.groups.set(groups)
    workflow = _workflow(name, task)
    if home is not None:
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})


def _service_workflow(groups):
    task, _ = ServiceReviewTask.objects.get_or_create(name="Service review")
    task.groups.set(groups)
    workflow = _workflow("Service review", task)
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(Service), defaults={"workflow": workflow}
    )
