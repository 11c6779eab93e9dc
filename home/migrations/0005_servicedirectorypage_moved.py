# The services directory page type now belongs to `services` (its 0007 takes it over with
# its table): it leaves this app's state, and no table is dropped.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("home", "0004_offline_essential"),
        ("services", "0007_servicedirectorypage"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ServiceDirectoryPage")],
        ),
    ]
