"""A backup restores the same site: pages, translations, services, workflow states, users, media."""

import io
import json
import tarfile

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Revision, WorkflowState
from wagtail_localize.models import StringTranslation, Translation

from cms import backup
from editorial.models import Feedback
from home.models import TopicPage
from services.models import Service
from services.pages import ServiceDirectoryPage

pytestmark = [pytest.mark.django_db, pytest.mark.demo]
READER_PAGES = ["/es/", "/es/temas/denunciar/", "/ar/topics/reporting/", "/es/servicios/"]


def groups_of(user):
    return tuple(sorted(user.groups.values_list("name", flat=True)))


def snapshot():
    """What a restore must bring back, in plain values."""
    return {
        "pages": sorted(
            (p.locale.language_code, p.url_path, p.title, p.live, str(p.translation_key))
            for p in Page.objects.select_related("locale")
        ),
        "services": sorted(
            (
                s.locale.language_code,
                s.slug,
                s.name,
                s.live,
                tuple(sorted(phone.number for phone in s.phones.all())),
            )
            for s in Service.objects.select_related("locale")
        ),
        "translations": (Translation.objects.count(), StringTranslation.objects.count()),
        "workflow_states": sorted(
            (state.workflow.name, state.base_content_type.model, state.object_id, state.status)
            for state in WorkflowState.objects.select_related("workflow", "base_content_type")
        ),
        "users": sorted(
            (u.username, u.email, u.password, u.is_superuser, groups_of(u))
            for u in User.objects.all()
        ),
        "groups": sorted(
            (g.name, g.permissions.count(), g.page_permissions.count()) for g in Group.objects.all()
        ),
        "revisions": Revision.objects.count(),
        "feedback": Feedback.objects.count(),
        "images": sorted((i.title, i.file.name) for i in Image.objects.all()),
        # Exact to the microsecond: versions (and so readers' saved pages) depend on them.
        "times": sorted(
            (p.pk, p.last_published_at, p.latest_revision_created_at) for p in Page.objects.all()
        )
        + sorted((s.pk, s.last_published_at) for s in Service.objects.all()),
    }


def test_backup_and_restore_bring_back_the_same_site(reader, tmp_path, capsys):
    editor = User.objects.get(username="editor")
    page = TopicPage.objects.get(locale__language_code="en", slug="visitors")
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)  # a page waiting for review
    image = Image.objects.create(title="Clinic door", file=get_test_image_file())
    image_bytes = image.file.read()
    before = snapshot()
    html = {url: reader.get(url).content for url in READER_PAGES}
    versions = {url: reader.get(url).get("X-Waymark-Version") for url in READER_PAGES}
    manifest = reader.get("/es/offline.json").content
    archive = tmp_path / "waymark.tar.gz"

    call_command("backup", str(archive))
    assert "rows" in capsys.readouterr().out
    # Afterwards someone deletes a page and breaks a hotline number...
    TopicPage.objects.get(locale__language_code="es", slug="denunciar").delete()
    Service.objects.filter(slug="human-trafficking-hotline").delete()
    call_command("restore", str(archive), "--replace")

    assert snapshot() == before
    assert default_storage.open(image.file.name).read() == image_bytes
    for url, content in html.items():
        assert reader.get(url).content == content, url
    # Readers' phones see the same versions: nothing saved offline is downloaded again.
    assert {url: reader.get(url).get("X-Waymark-Version") for url in READER_PAGES} == versions
    assert reader.get("/es/offline.json").content == manifest
    search = reader.get("/es/search/", {"q": "denunciar"}).content.decode()
    assert "/es/temas/denunciar/" in search  # the search index is rebuilt


def test_an_archive_made_before_models_moved_apps_restores_under_their_new_apps(reader, tmp_path):
    # Before issue 13, the directory page type was home's and the feedback inbox cms's.
    archive = tmp_path / "waymark.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    old_names = {
        "services.servicedirectorypage": ("home", "servicedirectorypage"),
        "editorial.feedback": ("cms", "feedback"),
        "editorial.highriskchange": ("cms", "highriskchange"),
    }
    manifest, data, _media = backup.read(archive)
    rows = json.loads(data)
    for row in rows:
        if row["model"] in old_names:
            row["model"] = ".".join(old_names[row["model"]])
        elif row["model"] == "contenttypes.contenttype":
            label = f"{row['fields']['app_label']}.{row['fields']['model']}"
            if label in old_names:
                row["fields"]["app_label"] = old_names[label][0]
    assert any(row["model"] == "home.servicedirectorypage" for row in rows)
    old_archive = tmp_path / "before-the-move.tar.gz"
    with tarfile.open(old_archive, "w:gz") as packed:
        for name, content in (
            ("manifest.json", json.dumps(manifest).encode()),
            ("data.json", json.dumps(rows).encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            packed.addfile(info, io.BytesIO(content))
    directory_html = reader.get("/es/servicios/").content

    call_command("restore", str(old_archive), "--replace")

    directory = Page.objects.get(url_path__endswith="/servicios/").specific
    assert isinstance(directory, ServiceDirectoryPage)
    assert reader.get("/es/servicios/").content == directory_html
    assert not ContentType.objects.filter(
        app_label__in=["home", "cms"],
        model__in=["servicedirectorypage", "feedback", "highriskchange"],
    ).exists()


def test_the_archive_says_what_it_holds(tmp_path):
    archive = tmp_path / "waymark.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert names[:2] == ["manifest.json", "data.json"]
    assert not (tmp_path / "waymark.tar.gz.partial").exists()


def test_restore_refuses_a_database_with_content_and_changes_nothing(tmp_path):
    archive = tmp_path / "waymark.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    before = snapshot()
    with pytest.raises(CommandError, match="already has content"):
        call_command("restore", str(archive))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an archive", "cannot be read"),
        (None, "not a Waymark backup"),
    ],
)
def test_restore_refuses_what_is_not_a_backup(tmp_path, content, message):
    path = tmp_path / "bad.tar.gz"
    if content is None:
        with tarfile.open(path, "w:gz") as archive:
            info = tarfile.TarInfo("hello.txt")
            archive.addfile(info, io.BytesIO(b""))
    else:
        path.write_bytes(content)
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--replace")
    assert snapshot() == before
