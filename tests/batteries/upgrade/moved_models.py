"""Reads what the layers issue moved in an upgraded database: `python moved_models.py OUT`
writes JSON about the content types, the directory pages (their class, revisions and
translation sources), the feedback and high-risk rows and the reviewers' permissions.

Run by tests/batteries/test_upgrade.py, in a process of its own, after migrating.
"""

import json
import sys

import django


def main(out):
    django.setup()
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page
    from wagtail_localize.models import TranslationSource

    from editorial.models import Feedback, HighRiskChange
    from services.pages import ServiceDirectoryPage

    labels = {
        model: sorted(ContentType.objects.filter(model=model).values_list("app_label", flat=True))
        for model in ("servicedirectorypage", "feedback", "highriskchange")
    }
    directories = Page.objects.filter(
        content_type=ContentType.objects.get_for_model(ServiceDirectoryPage)
    ).order_by("locale__language_code")
    sources = TranslationSource.objects.filter(
        specific_content_type=ContentType.objects.get_for_model(ServiceDirectoryPage)
    )
    facts = {
        "content_types": labels,
        "directories": [
            {
                "language": page.locale.language_code,
                "class": type(page.specific).__module__ + "." + type(page.specific).__name__,
                "latest_revision": type(page.get_latest_revision_as_object()).__name__,
                "revisions": page.revisions.count(),
                "intro": bool(page.specific.intro),
            }
            for page in directories
        ],
        "translation_sources": [type(source.get_source_instance()).__name__ for source in sources],
        "feedback": list(Feedback.objects.values_list("path", "message", "locale__language_code")),
        "high_risk_changes": list(HighRiskChange.objects.values_list("kind", "title")),
        "reviewer_permissions": sorted(
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name="Reviewers").permissions.values_list(
                "content_type__app_label", "codename"
            )
            if codename.endswith(("feedback", "highriskchange"))
        ),
    }
    with open(out, "w", encoding="utf-8") as target:
        json.dump(facts, target, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
