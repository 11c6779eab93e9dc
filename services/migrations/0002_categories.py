"""The fixed list of categories readers filter by."""

from django.db import migrations

CODES = [
    "health",
    "legal",
    "housing",
    "exit-support",
    "trafficking",
    "lgbtq",
    "minors",
    "reporting",
]


def create(apps, schema_editor):
    Category = apps.get_model("services", "Category")
    for order, code in enumerate(CODES):
        Category.objects.update_or_create(code=code, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
