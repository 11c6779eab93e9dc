# The services directory page type moves here from `home`, beside the views, contexts and
# templates it was always served by. State only: the table keeps its name
# (home_servicedirectorypage), and its content type is renamed to this app, so existing
# pages, their revisions and their translations keep working unchanged.

import django.db.models.deletion
import wagtail.contrib.routable_page.models
import wagtail.fields
from django.conf import settings
from django.db import migrations, models

from cms.moving import move_content_type


class Migration(migrations.Migration):

    dependencies = [
        ("services", "0006_web_addresses"),
        ("home", "0004_offline_essential"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ServiceDirectoryPage",
                    fields=[
                        ("page_ptr", models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ("intro", wagtail.fields.RichTextField(blank=True, verbose_name="intro")),
                    ],
                    options={
                        "verbose_name": "services directory",
                        "db_table": "home_servicedirectorypage",
                    },
                    bases=(wagtail.contrib.routable_page.models.RoutablePageMixin, "wagtailcore.page"),
                ),
            ],
        ),
        move_content_type("home", "services", "servicedirectorypage"),
    ]
