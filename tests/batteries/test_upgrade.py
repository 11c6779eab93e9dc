"""A database made before the layers moved (issue 13) upgrades cleanly and serves every demo
page with the same bytes.

`upgrade/pre_layers.sqlite3.gz` is the demo (plus a reader's report and a high-risk change)
as `load_demo` made it at commit 90b484e, before `ServiceDirectoryPage` moved from home to
services and `Feedback` and `HighRiskChange` from cms to editorial. `upgrade/pages.json`
is what that code served from it (upgrade/read_site.py, clock stopped). Here the current
code migrates a copy and must serve the same bytes, and find the moved pages, revisions,
translations, rows and permissions where they now belong.

When reader pages change on purpose, pages.json changes with them: regenerate it by
running read_site.py against an upgraded copy, after checking the difference is the
intended one (the notes of the commit that does so say what changed).
"""

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "upgrade"
ROOT = HERE.parents[2]


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """The pre-move database, migrated by the current code; (environment, its folder)."""
    work = tmp_path_factory.mktemp("upgrade")
    database = work / "pre_layers.sqlite3"
    with gzip.open(HERE / "pre_layers.sqlite3.gz", "rb") as packed, open(database, "wb") as out:
        shutil.copyfileobj(packed, out)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(ROOT),
    }
    migrated = run(env, "manage.py", "migrate", "--no-input")
    return env, work, migrated


def run(env, *args):
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_old_database_migrates_through_the_moves(upgraded):
    _env, _work, migrated = upgraded
    for migration in (
        "editorial.0001_initial",
        "cms.0005_feedback_and_high_risk_moved",
        "services.0007_servicedirectorypage",
        "home.0005_servicedirectorypage_moved",
    ):
        assert f"Applying {migration}... OK" in migrated


def test_every_demo_page_is_served_with_the_same_bytes_as_before(upgraded):
    env, work, _migrated = upgraded
    run(env, str(HERE / "read_site.py"), str(work / "pages.json"))
    before = json.loads((HERE / "pages.json").read_text())
    after = json.loads((work / "pages.json").read_text())
    assert len(before) == 171
    assert {status for status, _hash in after.values()} == {200}
    assert [url for url in before if before[url] != after.get(url)] == []


def test_moved_pages_rows_and_permissions_are_found_where_they_now_belong(upgraded):
    env, work, _migrated = upgraded
    run(env, str(HERE / "moved_models.py"), str(work / "moved.json"))
    moved = json.loads((work / "moved.json").read_text())
    assert moved["content_types"] == {
        "servicedirectorypage": ["services"],
        "feedback": ["editorial"],
        "highriskchange": ["editorial"],
    }
    assert [row["language"] for row in moved["directories"]] == ["ar", "en", "es", "ht", "pt"]
    for row in moved["directories"]:
        assert row["class"] == "services.pages.ServiceDirectoryPage"
        assert row["latest_revision"] == "ServiceDirectoryPage"
        assert row["revisions"] >= 1
        assert row["intro"]
    assert moved["translation_sources"] == ["ServiceDirectoryPage"]
    assert moved["feedback"] == [
        ["/es/temas/denunciar/", "El número de la línea de ayuda no contesta.", "es"]
    ]
    assert moved["high_risk_changes"] == [["settings", "reader settings"]]
    assert moved["reviewer_permissions"] == [
        "editorial.change_feedback",
        "editorial.delete_feedback",
        "editorial.view_feedback",
        "editorial.view_highriskchange",
    ]
