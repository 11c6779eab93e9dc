"""Redis stopped under readers, on the production stack (gunicorn, production settings, the
Redis page cache): no reader sees an error, /healthz says "degraded" (and keeps the server in
the load balancer), a change published meanwhile reaches readers at once, and when Redis is
back the page cache is used again within seconds."""

import json
import time
import urllib.error
import urllib.request

import pytest

from bench import stack

pytestmark = pytest.mark.e2e
HOST = "localhost"
PATHS = ["/es/", "/es/temas/", "/en/topics/reporting/", "/es/servicios/", "/ar/"]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """(base URL, env, redis): gunicorn with the demo and a Redis the test controls."""
    work = tmp_path_factory.mktemp("redis-outage")
    redis = stack.Redis(stack.free_port(), work / "redis.log")
    redis.start()
    app_port = stack.free_port()
    env = stack.production_env(
        work,
        f"sqlite:///{work / 'demo.sqlite3'}",
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
    )
    stack.install_demo(env)
    try:
        with stack.gunicorn(env, app_port, workers=2, log=work / "gunicorn.log"):
            base = f"http://127.0.0.1:{app_port}"
            stack.wait_for(f"{base}/healthz", headers={"Host": HOST})
            yield base, env, redis
    finally:
        redis.stop()


def fetch(base, path):
    request = urllib.request.Request(base + path, headers={"Host": HOST})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_readers_see_nothing_of_a_redis_outage(production, capsys):
    base, env, redis = production
    for path in PATHS:
        fetch(base, path)
        assert fetch(base, path)[1]["X-Waymark-Cache"] == "hit", path

    redis.stop()
    started, failures, served = time.monotonic(), [], 0
    for _round in range(10):
        for path in PATHS:
            status, _headers, body = fetch(base, path)
            served += 1
            if status != 200 or "</html>" not in body:
                failures.append((path, status))
    outage_seconds = time.monotonic() - started
    status, _headers, body = fetch(base, "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "degraded", "database": "ok", "cache": "failed"}
    # An editor publishes while Redis is away: readers get it at once (nothing is cached).
    stack.manage(env, "shell", "-c", stack.retitle_visitors("Si visita Norwalk (durante el corte)"))
    assert "(durante el corte)" in fetch(base, "/es/temas/visitantes/")[2]

    redis.start()
    back = time.monotonic()
    while True:
        fetch(base, "/es/temas/visitantes/")
        status, headers, body = fetch(base, "/es/temas/visitantes/")
        if headers.get("X-Waymark-Cache") == "hit":
            break
        assert time.monotonic() - back < 5, "the page cache is not used again within 5 s"
        time.sleep(0.1)
    assert "(durante el corte)" in body
    assert json.loads(fetch(base, "/healthz")[2])["cache"] == "ok"
    with capsys.disabled():
        print(
            f"\n  Redis stopped: {served} reader requests in {outage_seconds:.1f} s, "
            f"{len(failures)} failed; page cache used again "
            f"{time.monotonic() - back:.1f} s after Redis came back"
        )
    assert failures == []
