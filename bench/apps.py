"""App config for the benchmarks' management commands; installed only by cms.settings.bench."""

from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`bench_content`, `bench_baseline`, `bench_render` and `bench_profile` (make bench and
    make profile), and the baseline page type."""

    name = "bench"
    verbose_name = "Waymark benchmarks"
    # The baseline page's text is copied from topic pages, cleaned when they were saved; it
    # is cleaned again all the same, as the pages it is measured against were.
    clean_saved_text = True
