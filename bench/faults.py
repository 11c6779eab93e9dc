"""`make faults`: the production stack on one machine, faults injected under readers.

A PostgreSQL cluster, a Redis, gunicorn (production settings) and Varnish, each the
battery's own, on loopback ports of their own; readers (threads) read through Varnish
without pause, half of their requests cached pages, half searches no cache can answer.
Then, one after another:

- Redis stopped for FAULT_SECONDS and started again (it keeps nothing);
- PostgreSQL restarted (a fast shutdown, then start), then stopped for FAULT_SECONDS;
- a publisher killed right after its commit, before it told any cache (os._exit from
  its first after-commit step, as kill -9 then), several times;
- a gunicorn worker killed with SIGKILL under readers;
- Varnish's cache process killed (its manager starts another), then Varnish restarted.

For each: the reader requests made while it lasted and how many failed (any status but
200, or no answer within 5 s), the seconds from the end of the fault until readers
were served as before (no failure and full throughput for 2 s in a row), whether a
change published during or just before it was lost, and for how long readers were
served the old version after it. The report goes to docs/faults.md (and .json).
Settings: FAULT_SECONDS (10), FAULT_READERS (6), FAULT_OUT.
Loopback only; bounded: every wait has a deadline, the whole run takes a few minutes.
"""

import datetime
import glob
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from bench import stack

ROOT = stack.ROOT
FAULT_SECONDS = float(os.environ.get("FAULT_SECONDS", "10"))
READERS = int(os.environ.get("FAULT_READERS", "6"))
OUT = Path(os.environ.get("FAULT_OUT", ROOT / "docs" / "faults.md"))
HOST = "localhost"
CACHED = ["/es/", "/es/temas/", "/es/temas/denunciar/", "/en/topics/reporting/", "/ar/"]
WORDS = ["ayuda", "clínica", "denunciar", "abogado", "refugio", "salud", "línea", "trabajo"]
PAGE = "/es/temas/visitantes/"
TARGETS = {"failed share": 0.01, "recovery s": 5.0, "stale s": 10.0}


def say(message):
    print(f"[faults {datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def run(args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


# -- the battery's own servers ------------------------------------------------------------


class Postgres:
    """A PostgreSQL cluster of the battery's own (as the postgres user: initdb refuses root)."""

    def __init__(self, work, port):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins:
            sys.exit("PostgreSQL's server is missing: apt-get install postgresql")
        self.bin = Path(bins[-1])
        self.data = Path(work) / "pgdata"
        self.port = port
        self.data.mkdir(parents=True)
        shutil.chown(self.data, "postgres", "postgres")
        self.as_postgres(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres")

    def as_postgres(self, *args):
        return run(["runuser", "-u", "postgres", "--", *map(str, args)])

    def ctl(self, *args):
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = self.data / "server.log"
        return self.as_postgres(
            self.bin / "pg_ctl", "-D", self.data, "-l", log, "-o", options, "-w", *args
        )

    def start(self):
        self.ctl("start")

    def stop(self):
        self.ctl("stop", "-m", "fast")

    def restart(self):
        self.ctl("restart", "-m", "fast")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/waymark"


# -- readers ------------------------------------------------------------------------------


class Readers:
    """Threads reading through the proxy; each request is kept as (time, ok)."""

    def __init__(self, base, count):
        self.base, self.count = base, count
        self.results, self.lock, self.stopping = [], threading.Lock(), threading.Event()
        self.failures = []  # (time, what the reader got, path)
        self.threads = [threading.Thread(target=self.read, args=(n,)) for n in range(count)]

    def read(self, seed):
        chooser = random.Random(seed)  # noqa: S311 (which page to read, not a secret)
        while not self.stopping.is_set():
            if chooser.random() < 0.5:
                path = chooser.choice(CACHED)
            else:
                query = f"{chooser.choice(WORDS)} {chooser.randrange(10**9)}"
                path = "/es/search/?" + urllib.parse.urlencode({"q": query})
            started = time.monotonic()
            ok, seen = False, "no answer"
            try:
                request = urllib.request.Request(self.base + path, headers={"Host": HOST})  # noqa: S310 (loopback)
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    ok = response.status == 200 and b"</html>" in response.read()
                    seen = str(response.status) if ok else f"{response.status}, cut short"
            except urllib.error.HTTPError as error:
                seen = str(error.code)
            except (urllib.error.URLError, OSError, ValueError) as error:
                seen = type(getattr(error, "reason", error)).__name__
            with self.lock:
                self.results.append((started, ok))
                if not ok:
                    self.failures.append((started, seen, path))
            if not ok:
                time.sleep(0.05)  # a reader waits a moment before trying again

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=10)

    def between(self, start, end):
        with self.lock:
            return [ok for moment, ok in self.results if start <= moment < end]

    def throughput(self, start, end):
        return len(self.between(start, end)) / max(end - start, 1e-9)

    def recovered_after(self, moment, baseline, deadline=30.0):
        """Seconds after `moment` until 2 s in a row had no failure and 80% of the
        baseline's throughput (None if not within `deadline`)."""
        second = moment
        while second < moment + deadline:
            wait_until(second + 2.0)
            window = self.between(second, second + 2.0)
            if window and all(window) and len(window) / 2.0 >= 0.8 * baseline:
                return round(second - moment, 1)
            second += 0.5
        return None


def wait_until(moment):
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


# -- publishing ---------------------------------------------------------------------------


def publish(env, title, die_after_commit=False):
    """Retitle the Spanish visitors' page in another process (as an editor's request would);
    with `die_after_commit` that process dies right after its commit."""
    code = stack.retitle_visitors(title, die_after_commit)
    deadline = time.monotonic() + 60
    while True:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode in (0, 9) or time.monotonic() > deadline:
            return time.monotonic(), result.returncode
        time.sleep(0.5)  # the database was away: an editor presses Publish again


def served_title(base):
    try:
        request = urllib.request.Request(base + PAGE, headers={"Host": HOST})  # noqa: S310 (loopback)
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.read().decode()
    except (urllib.error.URLError, OSError):
        return ""


def stale_seconds(base, title, since, deadline=30.0):
    """Seconds from `since` until readers are served `title` (None: not within `deadline`)."""
    while time.monotonic() < since + deadline:
        if title in served_title(base):
            return round(max(0.0, time.monotonic() - since), 1)
        time.sleep(0.1)
    return None


def stored_title(env):
    return (
        stack.manage(
            env,
            "shell",
            "-c",
            "from home.models import TopicPage\n"
            "print(TopicPage.objects.get(locale__language_code='es', slug='visitantes').title)",
        )
        .stdout.strip()
        .splitlines()[-1]
    )


# -- the faults ---------------------------------------------------------------------------


def measure(name, readers, baseline, fault, env, base):
    """Run `fault` (returns (start, end, title published or None)); report the readers'
    side of it."""
    say(name)
    start, end, title = fault()
    requests = readers.between(start, end)
    failed = requests.count(False)
    with readers.lock:
        seen = Counter(what for moment, what, _path in readers.failures if start <= moment < end)
    recovery = readers.recovered_after(end, baseline)
    stale = lost = None
    if title:
        stale = stale_seconds(base, title, end)
        lost = stored_title(env) != title
    result = {
        "fault": name,
        "seconds": round(end - start, 1),
        "requests": len(requests),
        "failed": failed,
        "failed share": round(failed / len(requests), 4) if requests else 0.0,
        "recovery s": recovery,
        "published lost": lost,
        "stale s": stale,
        "failed requests got": dict(seen.most_common()),
    }
    say(json.dumps(result, ensure_ascii=False))
    return result


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    work = Path(tempfile.mkdtemp(prefix="waymark-faults-"))
    shutil.chown(work, "postgres", "postgres")
    ports = {name: stack.free_port() for name in ("postgres", "redis", "app", "proxy")}
    postgres = Postgres(work, ports["postgres"])
    postgres.start()
    run(["createdb", "-h", "127.0.0.1", "-p", str(ports["postgres"]), "-U", "postgres", "waymark"])
    redis = stack.Redis(ports["redis"], work / "redis.log")
    redis.start()
    env = stack.production_env(
        work,
        postgres.url,
        REDIS_URL=f"redis://127.0.0.1:{ports['redis']}/0",
        FRONTEND_CACHE_URL=f"http://127.0.0.1:{ports['proxy']}",
    )
    stack.install_demo(env, say)
    results = []
    gunicorn = stack.gunicorn(env, ports["app"], workers=3, log=work / "gunicorn.log")
    varnish = stack.varnish(
        work / "varnish", ports["proxy"], ports["app"], log=work / "varnish.log"
    )
    try:
        with gunicorn, varnish:
            base = f"http://127.0.0.1:{ports['proxy']}"
            stack.wait_for(f"http://127.0.0.1:{ports['app']}/healthz", headers={"Host": HOST})
            stack.wait_for(base + "/healthz", headers={"Host": HOST})
            with Readers(base, READERS) as readers:
                time.sleep(3)  # warm
                now = time.monotonic()
                time.sleep(5)
                baseline = readers.throughput(now, now + 5)
                say(f"baseline: {baseline:.0f} requests/s through Varnish, {READERS} readers")
                results = run_faults(readers, baseline, env, base, redis, postgres, gunicorn)
                results += restart_varnish(readers, baseline, varnish, env, base)
    finally:
        redis.stop()
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)
    report(results, baseline)
    missed = [r["fault"] for r in results if not meets(r)]
    say("every target met" if not missed else f"targets missed: {missed}")
    return 1 if any(r["published lost"] for r in results) else 0


def run_faults(readers, baseline, env, base, redis, postgres, gunicorn):
    results = []

    def redis_outage():
        start = time.monotonic()
        redis.stop()
        time.sleep(FAULT_SECONDS / 2)
        publish(env, "Si visita Norwalk (publicado sin Redis)")
        wait_until(start + FAULT_SECONDS)
        redis.start()
        return start, time.monotonic(), "Si visita Norwalk (publicado sin Redis)"

    results.append(
        measure("Redis stopped, then started", readers, baseline, redis_outage, env, base)
    )

    def postgres_restart():
        start = time.monotonic()
        postgres.restart()
        end = time.monotonic()
        publish(env, "Si visita Norwalk (tras reiniciar PostgreSQL)")
        return start, end, "Si visita Norwalk (tras reiniciar PostgreSQL)"

    results.append(measure("PostgreSQL restarted", readers, baseline, postgres_restart, env, base))

    def postgres_outage():
        start = time.monotonic()
        postgres.stop()
        wait_until(start + FAULT_SECONDS)
        postgres.start()
        return start, time.monotonic(), None

    results.append(
        measure(
            f"PostgreSQL stopped for {FAULT_SECONDS:.0f} s",
            readers,
            baseline,
            postgres_outage,
            env,
            base,
        )
    )

    for attempt in range(1, 4):
        title = f"Si visita Norwalk (publicador muerto {attempt})"

        def killed_publisher(title=title):
            start = time.monotonic()
            _at, code = publish(env, title, die_after_commit=True)
            assert code == 9, f"the publisher was to die after its commit (exit {code})"
            return start, time.monotonic(), title

        results.append(
            measure(
                f"publisher killed after its commit ({attempt})",
                readers,
                baseline,
                killed_publisher,
                env,
                base,
            )
        )

    def worker_killed():
        workers = run(["pgrep", "-P", str(gunicorn.process.pid)]).stdout.split()
        start = time.monotonic()
        os.kill(int(workers[0]), signal.SIGKILL)
        time.sleep(1.0)
        return start, time.monotonic(), None

    results.append(measure("a gunicorn worker killed", readers, baseline, worker_killed, env, base))
    return results


def restart_varnish(readers, baseline, varnish, env, base):
    def child_killed():
        children = run(["pgrep", "-P", str(varnish.process.pid)]).stdout.split()
        start = time.monotonic()
        for child in children:
            os.kill(int(child), signal.SIGKILL)
        time.sleep(1.0)
        return start, time.monotonic(), None

    results = [
        measure("Varnish's cache process killed", readers, baseline, child_killed, env, base)
    ]

    def restart():
        start = time.monotonic()
        varnish.__exit__(None, None, None)
        varnish.__enter__()
        stack.wait_for(base + "/healthz", headers={"Host": HOST}, timeout=30)
        return start, time.monotonic(), None

    results.append(measure("Varnish restarted", readers, baseline, restart, env, base))
    return results


def meets(result):
    return (
        result["failed share"] <= TARGETS["failed share"]
        and result["recovery s"] is not None
        and result["recovery s"] <= TARGETS["recovery s"]
        and not result["published lost"]
        and (result["stale s"] is None or result["stale s"] <= TARGETS["stale s"])
    )


def cell(value, unit=""):
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value}{unit}"


def report(results, baseline):
    lines = [
        "# Faults under readers (`make faults`)",
        "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on one machine "
        f"({os.cpu_count()} cores): PostgreSQL, Redis, gunicorn (3 workers, production "
        f"settings) and Varnish, each the battery's own; {READERS} readers reading through "
        f"Varnish without pause ({baseline:.0f} requests/s before the faults), half cached "
        "pages, half searches no cache can answer. `bench/faults.py` says how each fault is "
        "made and measured.",
        "",
        "Targets (issue 19): at most 1% of reader requests fail while a fault lasts, full "
        "throughput within 5 s of recovery, nothing published lost, no stale page served "
        "more than 10 s after a publish.",
        "",
        "| fault | lasted | reader requests | failed | failed requests got | recovered after "
        "| published lost | stale for | targets |",
        "| --- | ---: | ---: | ---: | --- | ---: | --- | ---: | --- |",
    ]
    for r in results:
        share = f"{r['failed']} ({r['failed share'] * 100:.1f}%)"
        got = ", ".join(f"{what} ×{n}" for what, n in r["failed requests got"].items()) or "–"
        lines.append(
            f"| {r['fault']} | {r['seconds']} s | {r['requests']} | {share} | {got} | "
            f"{cell(r['recovery s'], ' s')} | {cell(r['published lost'])} | "
            f"{cell(r['stale s'], ' s')} | {'met' if meets(r) else 'missed'} |"
        )
    lines += [
        "",
        '"Recovered after": seconds from the end of the fault until two seconds in a row '
        'had no failed request and at least 80% of the throughput before. "Stale for": '
        "seconds from the end of the fault (or the publish) until readers were served the "
        "change published during it.",
        "",
        "What the misses mean, and what holds them:",
        "",
        "- **PostgreSQL stopped**: cached pages keep being served; what no cache holds (here, "
        "searches with a new query) cannot be answered without the database. Each such "
        "request waits up to 3 s for PostgreSQL to come back (`DB_CONNECT_RETRY_SECONDS`: a "
        "restart of a second or two costs readers nothing, as the restart row shows), then "
        "gets the short, translated 503 page with `Retry-After`, never a 500. Holding more "
        "needs a replica to fail over to.",
        "- **Varnish restarted, or its cache process killed**: while no Varnish process "
        "listens, nothing answers on its port; readers' browsers retry. One proxy is a single "
        "front door: change its configuration with `varnishreload` (no request dropped) "
        "rather than a restart, and run two behind the load balancer where a restart must "
        "not be seen (docs/deploy.md).",
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    OUT.with_suffix(".json").write_text(
        json.dumps({"baseline": baseline, "results": results}, indent=1), encoding="utf-8"
    )
    say(f"report written to {OUT}")


if __name__ == "__main__":
    sys.exit(main())
