"""Settings for `make bench`: production's, plus the benchmarks' own commands (bench_content,
bench_render). The bench app is installed here only, never in production."""

from .production import *  # noqa: F403
from .production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
