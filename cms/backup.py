"""One-file backups of everything editors made (database content and media), and restores.

The archive (tar, gzip) holds `manifest.json` (when, what versions, how many
rows of each model), `data.json` (Django's dumpdata: every row with its own
primary key, content types and permissions included, because revisions and
logs refer to them by number; it loads into SQLite or PostgreSQL alike) and
`media/` (uploaded images and documents). Left out, because they are rebuilt
or worthless after a restore: sessions, the search index (SQLite's full-text table too, which would
not load into PostgreSQL) and sign-in lockouts.

A model that moved from one app to another (each app lists those it took in, as
`moved_in` on its AppConfig) is restored under its new name from an archive made
before the move: its rows and its content type are renamed as they are read.
"""

import datetime
import io
import json
import os
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

import django
import wagtail
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
EXCLUDED = [
    "sessions",
    "axes",
    "wagtailsearch.indexentry",
    "wagtailsearch.sqliteftsindexentry",  # SQLite only: would not load into PostgreSQL
    "modelsearch.indexentry",
]


class BackupError(Exception):
    """A backup that cannot be read or restored; the message says why."""


def _excluded_labels():
    labels = set()
    for item in EXCLUDED:
        if "." in item:
            labels.add(item.lower())
        else:
            try:
                config = apps.get_app_config(item)
            except LookupError:
                continue
            labels.update(model._meta.label_lower for model in config.get_models())
    return labels


def _models_to_dump():
    """Content types and permissions first: loading anything else may look them up."""
    excluded = _excluded_labels()
    first = {"contenttypes": 0, "auth": 1}
    models = [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in excluded and not model._meta.proxy and model._meta.managed
    ]
    return sorted(models, key=lambda model: first.get(model._meta.app_label, 2))


def _media_files(storage=default_storage, folder=""):
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _media_files(storage, f"{folder}/{sub}" if folder else sub)


def _latest_migrations():
    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return latest


def create(path):
    """Write the archive at `path`; return its manifest."""
    data = io.StringIO()
    call_command(
        "dumpdata",
        *[model._meta.label for model in _models_to_dump()],
        format="exactjson",  # times to the microsecond (cms/exact_json.py)
        stdout=data,
    )
    payload = data.getvalue().encode()
    rows = Counter(item["model"] for item in json.loads(payload))
    media = sorted(_media_files())
    manifest = {
        "format": FORMAT,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "migrations": _latest_migrations(),
        "rows": dict(sorted(rows.items())),
        "media": len(media),
    }
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
        _add(archive, "data.json", payload)
        for name in media:
            with default_storage.open(name, "rb") as source:
                _add(archive, f"media/{name}", source.read())
    os.replace(partial, path)  # a crash never leaves a half-written archive under the name
    return manifest


def _add(archive, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(content))


def read(path):
    """(manifest, data bytes, {media name: bytes}); BackupError if it is not a Waymark backup."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = {member.name: member for member in archive.getmembers()}
            if "manifest.json" not in members or "data.json" not in members:
                raise BackupError(f"{path} is not a Waymark backup (no manifest or data).")
            manifest = json.loads(archive.extractfile(members["manifest.json"]).read())
            data = archive.extractfile(members["data.json"]).read()
            media = {}
            for name, member in members.items():
                if not name.startswith("media/") or not member.isfile():
                    continue
                relative = name.removeprefix("media/")
                if relative.startswith("/") or ".." in Path(relative).parts:
                    raise BackupError(f"{path} names a file outside media: {name}")
                media[relative] = archive.extractfile(member).read()
    except (OSError, tarfile.TarError, json.JSONDecodeError, KeyError) as error:
        raise BackupError(f"{path} cannot be read as a Waymark backup: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup of format {manifest.get('format')}, not {FORMAT}.")
    return manifest, data, media


def moved_models():
    """{"old_app.model": "new_app.model"} for every model an app took in from another."""
    moved = {}
    for config in apps.get_app_configs():
        for old in getattr(config, "moved_in", ()):
            moved[old.lower()] = f"{config.label}.{old.rsplit('.', 1)[1]}".lower()
    return moved


def upgrade_rows(data):
    """The archive's rows with moved models' labels and content types under their new app."""
    moved = moved_models()
    if not moved:
        return data
    rows = json.loads(data)
    for row in rows:
        if row["model"] in moved:
            row["model"] = moved[row["model"]]
        elif row["model"] == "contenttypes.contenttype":
            fields = row["fields"]
            old = f"{fields['app_label']}.{fields['model']}"
            if old in moved:
                fields["app_label"] = moved[old].split(".", 1)[0]
    return json.dumps(rows).encode()


def has_content():
    """Whether this database already holds editors' work (anything past what migrations make)."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    return get_user_model().objects.exists() or Page.objects.filter(depth__gt=2).exists()


def restore(path, replace=False):
    """Load a backup into this (migrated) database; everything or nothing."""
    manifest, data, media = read(path)
    current = _latest_migrations()
    newer = {
        app: name
        for app, name in manifest["migrations"].items()
        if app in current and name > current[app]
    }
    if newer:
        raise BackupError(f"the backup comes from newer code (migrations {newer}); update first.")
    if has_content() and not replace:
        raise BackupError(
            "this database already has content; restore into a new database, "
            "or pass --replace to delete what is here first."
        )
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as fixture:
        fixture.write(upgrade_rows(data))
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Checks still pending from earlier writes in this transaction would
                # block TRUNCATE: run them now, and defer again for loading.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            call_command("flush", interactive=False, verbosity=0)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            # flush made fresh content types and permissions; the backup's own come
            # back with their numbers, which revisions and logs refer to.
            Permission.objects.all().delete()
            ContentType.objects.all().delete()
            call_command("loaddata", fixture.name, verbosity=0)
        ContentType.objects.clear_cache()
    finally:
        os.unlink(fixture.name)
    for name, content in media.items():
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(content))
    call_command("update_index", verbosity=0)
    return manifest
