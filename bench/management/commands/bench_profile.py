"""`manage.py bench_profile URL --out DIR`: where an uncached render of one page spends its time
(make profile)."""

import cProfile
import io
import pstats
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.test.utils import override_settings
from pyinstrument import Profiler

OUR_CODE = r"/(cms|home|services|editorial|reader|staff|api)/(?!.*site-packages)"


class Command(BaseCommand):
    help = (
        "Render one page without the page cache, profiled (pyinstrument's call tree, "
        "cProfile's functions by own time); write the reports to --out."
    )

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--out", default="profile")
        parser.add_argument("--repeat", type=int, default=50)
        parser.add_argument("--host", default="localhost")

    # As bench.render measures it: no page cache, no API rate limit on repeated renders.
    @override_settings(WAYMARK_PAGE_CACHE_SECONDS=0, WAYMARK_API_RATE_LIMIT="1000000/m")
    def handle(self, *args, url, out, repeat, host, **options):
        client = Client(HTTP_HOST=host)
        response = client.get(url)  # warm-up: imports, templates, the caches a page keeps
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        profiler = Profiler(interval=0.001)
        profiler.start()
        for _ in range(repeat):
            client.get(url)
        profiler.stop()
        by_function = cProfile.Profile()
        by_function.enable()
        for _ in range(repeat):
            client.get(url)
        by_function.disable()

        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w-]+", "-", url).strip("-") or "root"
        tree = profiler.output_text(show_all=False, processor_options={"filter_threshold": 0.01})
        own = io.StringIO()
        stats = pstats.Stats(by_function, stream=own)
        stats.sort_stats("tottime").print_stats(40)
        ours = io.StringIO()
        # Waymark's own functions (not the libraries'), by the time spent in them and below.
        pstats.Stats(by_function, stream=ours).sort_stats("cumtime").print_stats(OUR_CODE, 40)
        report = (
            f"{url}: {repeat} uncached renders, after one warm-up\n\n"
            f"== Call tree (pyinstrument, per {repeat} renders)\n{tree}\n"
            f"== Functions by own time (cProfile, per {repeat} renders)\n{own.getvalue()}\n"
            f"== Waymark's functions by cumulative time (cProfile)\n{ours.getvalue()}"
        )
        (folder / f"{name}.txt").write_text(report)
        (folder / f"{name}.html").write_text(profiler.output_html())
        self.stdout.write(f"{folder / name}.txt and .html written")
