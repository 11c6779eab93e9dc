"""Uncached render time and query count of reader pages, measured in-process.

The page cache is off and each URL is fetched `repeat` times through Django's
test client with production settings, after one warm-up fetch: what a reader
waits for when no cache holds the page, minus the network. Time is reported twice:
wall time (`p50_ms`, which includes waiting for the database) and this process's
CPU time (`cpu_ms`: what the app server spends, the figure compared with the
bare Wagtail baseline, bench.baseline).
"""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# The API's rate limit counts uncached requests per client: here it would answer the
# repeated renders with a quick 429, which is not what is measured.
@override_settings(WAYMARK_PAGE_CACHE_SECONDS=0, WAYMARK_API_RATE_LIMIT="1000000/m")
def measure(urls, repeat=30, host="localhost"):
    client = Client(HTTP_HOST=host)
    results = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        times, cpu = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                start, start_cpu = time.perf_counter(), time.thread_time()
                response = client.get(url)
                cpu.append((time.thread_time() - start_cpu) * 1000)
                times.append((time.perf_counter() - start) * 1000)
        results[url] = {
            "p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
            "cpu_ms": round(statistics.median(cpu), 2),
            "queries": len(queries),
            "bytes": len(response.content),
        }
    return results
