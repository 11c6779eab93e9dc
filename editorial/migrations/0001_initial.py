# The reader feedback inbox and the high-risk change record move here from `cms`.
# State only: the tables keep their names; the content types (and so the
# permissions that point at them) are renamed to this app.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from cms.moving import move_content_type


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cms", "0004_high_risk_change"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Feedback",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("path", models.CharField(max_length=300, verbose_name="address")),
                        ("message", models.TextField(max_length=2000, verbose_name="what is wrong")),
                        ("contact", models.CharField(blank=True, max_length=200, verbose_name="contact")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="received")),
                        ("status", models.CharField(choices=[("new", "New"), ("in progress", "In progress"), ("done", "Done")], default="new", max_length=20, verbose_name="status")),
                        ("notes", models.TextField(blank=True, verbose_name="editor's notes")),
                        ("client_id", models.UUIDField(blank=True, editable=False, null=True, unique=True)),
                        ("locale", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="wagtailcore.locale", verbose_name="language")),
                        ("page", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.WAGTAIL_PAGE_MODEL, verbose_name="page")),
                    ],
                    options={
                        "verbose_name": "reader feedback",
                        "verbose_name_plural": "reader feedback",
                        "ordering": ["-created_at"],
                        "db_table": "cms_feedback",
                    },
                ),
                migrations.CreateModel(
                    name="HighRiskChange",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("page", "Page"), ("service", "Service"), ("settings", "Reader settings")], max_length=10, verbose_name="type")),
                        ("object_id", models.CharField(max_length=64)),
                        ("title", models.CharField(max_length=255, verbose_name="title")),
                        ("changes", models.JSONField(default=list, verbose_name="changes")),
                        ("reporting", models.BooleanField(default=False, verbose_name="reporting service")),
                        ("published_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="published")),
                        ("notified", models.PositiveIntegerField(default=0, verbose_name="reviewers e-mailed")),
                        ("notice_failed", models.BooleanField(default=False, verbose_name="e-mail not sent")),
                        ("approved_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="approved by")),
                        ("locale", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="wagtailcore.locale", verbose_name="language")),
                        ("proposed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="proposed by")),
                        ("revision", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="wagtailcore.revision")),
                    ],
                    options={
                        "verbose_name": "high-risk change",
                        "verbose_name_plural": "high-risk changes",
                        "ordering": ["-published_at", "-pk"],
                        "db_table": "cms_highriskchange",
                    },
                ),
            ],
        ),
        move_content_type("cms", "editorial", "feedback"),
        move_content_type("cms", "editorial", "highriskchange"),
    ]
