# Reader feedback and high-risk changes now belong to `editorial` (its 0001 takes
# them over with their tables): they leave this app's state, and no table is dropped.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0004_high_risk_change"),
        ("editorial", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Feedback"),
                migrations.DeleteModel(name="HighRiskChange"),
            ],
        ),
    ]
