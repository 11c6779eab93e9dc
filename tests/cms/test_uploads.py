"""Uploads cannot carry a script: images are checked by content and size, SVG is refused, and
documents are limited to office formats served so no browser runs them as a page.
"""

import errno
import io
import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><script>alert(1)</script>"


def png(width=8, height=8):
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def editor(client):
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def upload_image(client, name, content, content_type="image/png"):
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content, content_type=content_type)},
    )
    assert response.status_code == 200
    return response.json()


def test_a_photo_uploads(editor):
    result = upload_image(editor, "door.png", png())
    assert result["success"] is True
    assert Image.objects.filter(title="door.png").exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("logo.svg", SVG, "image/svg+xml"),  # SVG can hold scripts: refused outright
        ("logo.png", SVG, "image/png"),  # SVG named as a PNG: the content decides
        ("page.jpg", HTML, "image/jpeg"),  # a web page named as a photo
        ("photo.gif", png(), "image/gif"),  # a real image under another format's name
    ],
)
def test_anything_but_a_real_photo_is_refused_with_a_reason(editor, name, content, content_type):
    before = Image.objects.count()
    result = upload_image(editor, name, content, content_type)
    assert result["success"] is False
    assert result["error_message"]
    assert Image.objects.count() == before


def test_images_over_five_megabytes_are_refused(editor):
    big = png() + b"\0" * (5 * 1024 * 1024)
    result = upload_image(editor, "huge.png", big)
    assert result["success"] is False
    assert "5.0" in result["error_message"] or "5 MB" in result["error_message"]


def test_images_with_too_many_pixels_are_refused(editor, settings):
    # A small file can still decode into a huge bitmap (a "decompression bomb").
    result = upload_image(editor, "wide.png", png(6000, 6000))
    assert result["success"] is False
    assert "pixels" in result["error_message"]


@pytest.mark.parametrize("name", ["page.html", "image.svg", "script.js", "page.htm", "x.xhtml"])
def test_documents_that_browsers_run_are_refused(editor, name):
    response = editor.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile(name, HTML, content_type="text/html")},
    )
    assert response.json()["success"] is False
    assert not Document.objects.filter(title=name).exists()


def test_a_text_document_is_never_read_as_a_page(editor, client, settings, tmp_path):
    # Stored on disk, as in production, so Wagtail serves it itself.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    response = editor.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("notes.txt", HTML, content_type="text/plain")},
    )
    assert response.json()["success"] is True
    document = Document.objects.get(title="notes.txt")
    served = client.get(document.url)
    assert served.status_code == 200
    assert served["Content-Type"].startswith("text/plain")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in served["Content-Security-Policy"]


class FillsUp:
    """A file on a disk that fills up after a few bytes."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        self.real.write(data[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def disk(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "cms.storage.MediaStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def files_in(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_on_a_real_disk_a_photo_is_kept_whole_under_its_own_name(editor, disk):
    assert upload_image(editor, "door.png", png())["success"] is True
    kept = files_in(disk)
    assert kept == ["original_images/door.png"]
    assert (disk / kept[0]).read_bytes() == png()


def test_a_full_disk_is_a_clear_message_and_leaves_no_fragment(editor, disk, monkeypatch):
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: FillsUp(real_fdopen(fd, mode)))
    before = (Image.objects.count(), Document.objects.count())
    # Each request in a savepoint of its own, as each is its own transaction when served
    # (a failed save marks the enclosing transaction for rollback).
    with transaction.atomic():
        result = upload_image(editor, "door.png", png(64, 64))
    assert result["success"] is False
    assert "the media disk is full" in result["error_message"]
    with transaction.atomic():
        response = editor.post(
            reverse("wagtaildocs:add"),
            {"title": "Leaflet", "file": SimpleUploadedFile("leaflet.pdf", b"%PDF-1.4 " * 100)},
        )
    assert response.status_code == 303  # back to the form, with the message
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("the media disk is full" in message for message in messages)
    assert (Image.objects.count(), Document.objects.count()) == before
    assert files_in(disk) == []  # no truncated file, no temporary one
