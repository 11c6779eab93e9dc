"""`make profile PAGE=/es/...`: where one reader page's uncached render spends its time.

It profiles against the benchmark's PostgreSQL database (BENCH_DATABASE_URL,
made with the demo if it does not exist, and grown to PAGES generated pages,
default 0) under the benchmark's settings, and writes a pyinstrument call tree
and cProfile's functions by own time to profile/<page>.txt, with pyinstrument's
interactive HTML beside it (PROFILE_OUT to write elsewhere).
"""

import os
import sys
import tempfile
from pathlib import Path

import psycopg

from bench import stack
from bench.run import DATABASE_URL, fresh_database, say


def database_exists(url):
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def main(page):
    if not page.startswith("/"):
        sys.exit("Give a page's path: make profile PAGE=/es/temas/denunciar/")
    work = Path(tempfile.mkdtemp(prefix="waymark-profile-"))
    env = stack.production_env(work, DATABASE_URL, DJANGO_SETTINGS_MODULE="cms.settings.bench")
    if not database_exists(DATABASE_URL):
        say(f"making {DATABASE_URL} with the demo")
        fresh_database(DATABASE_URL)
        stack.install_demo(env, say)
    else:
        stack.manage(env, "migrate", "--no-input")
        stack.manage(env, "collectstatic", "--no-input")
    pages = int(os.environ.get("PAGES", "0"))
    if pages:
        say(f"growing to {pages:,} generated pages")
        stack.manage(env, "bench_content", "--total", str(pages))
    out = os.environ.get("PROFILE_OUT", str(stack.ROOT / "profile"))
    say(f"profiling {page}")
    print(stack.manage(env, "bench_profile", page, "--out", out).stdout.strip())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
