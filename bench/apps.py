"""App config for the benchmarks' management commands; installed only by cms.settings.bench."""

from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`bench_content` and `bench_render`, used by `make bench`."""

    name = "bench"
    verbose_name = "Waymark benchmarks"
