"""Uploads cannot carry a script: images are checked by content and size, SVG is refused, and
documents are limited to office formats served so no browser runs them as a page.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
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
