"""Moving a model from one app to another without touching its rows.

A move is a state-only migration: the model leaves the old app's migration state
and enters the new app's with the same table (`db_table`), so no row is copied.
What does refer to the app by name is its content type: pages, revisions,
wagtail-localize's translation sources, log entries and permissions all point at
one content type row by its id. `move_content_type` renames that row in place,
so every one of those references follows the model to its new app.
"""

from django.db import migrations


def _rename(apps, old_app, new_app, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label=old_app, model=model).first()
    if old is None:
        return  # a new database: the content type is made under the new app after migrating
    # A row under the new name can only have been made by an earlier, interrupted
    # upgrade's post-migrate step; nothing editors made refers to it.
    ContentType.objects.filter(app_label=new_app, model=model).delete()
    old.app_label = new_app
    old.save(update_fields=["app_label"])
    # The running process may have looked the old name up already.
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    CurrentContentType.objects.clear_cache()


def move_content_type(old_app, new_app, model):
    """A migration operation that renames `model`'s content type from one app to the other."""

    def forwards(apps, schema_editor):
        _rename(apps, old_app, new_app, model)

    def backwards(apps, schema_editor):
        _rename(apps, new_app, old_app, model)

    return migrations.RunPython(forwards, backwards, elidable=False)
