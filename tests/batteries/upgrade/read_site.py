"""Reads a demo database the way readers do, with the clock stopped: `python read_site.py OUT`
writes {url: [status, sha256 of the body]} for every URL in the sitemap, each language's
search, offline and manifest endpoints, the sitemap and the worker.

Run by tests/batteries/test_upgrade.py in a process of its own (DATABASE_URL and
DJANGO_SETTINGS_MODULE say which database and settings). It imports nothing of Waymark's,
so the same script read the database before the layers moved (pages.json) and reads it now.
"""

import datetime
import hashlib
import json
import re
import sys
from unittest import mock

import django

# A fixed moment: "Open now", "closes at" and "tomorrow" depend on the clock.
FROZEN = datetime.datetime(2026, 12, 2, 15, 0, tzinfo=datetime.UTC)
LANGUAGES = ["en", "es", "pt", "ht", "ar"]


def read(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    urls = sorted(
        {url.replace("http://testserver", "") for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)}
    )
    for code in LANGUAGES:
        urls += [
            f"/{code}/search/?q=police",
            f"/{code}/search-index.json",
            f"/{code}/offline/",
            f"/{code}/offline.json",
            f"/{code}/manifest.webmanifest",
        ]
    urls += ["/sitemap.xml", "/sw.js?lang=es"]
    pages = {}
    for url in urls:
        response = client.get(url)
        pages[url] = [response.status_code, hashlib.sha256(response.content).hexdigest()]
    return pages


def main(out):
    django.setup()
    from django.test import Client

    with mock.patch("django.utils.timezone.now", return_value=FROZEN):
        pages = read(Client())
    with open(out, "w", encoding="utf-8") as target:
        json.dump(pages, target, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
