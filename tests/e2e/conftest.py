"""Real-browser fixtures: a demo server of our own and Playwright driving the system Chromium."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
EXIT_URL = "https://weather.example.org/"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoServer(str):
    """The demo server's base URL, which can also run manage.py against the same database."""

    env = None

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The demo site as `make run` builds it, on a free port, in a throwaway database."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    work = tmp_path_factory.mktemp("demo")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{work / 'demo.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"], ["load_demo"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    # A neutral destination we can intercept in the browser, since nothing leaves this machine.
    subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from cms.models import ReaderSettings; from wagtail.models import Site\n"
            "s = ReaderSettings.for_site(Site.objects.get())\n"
            f"s.exit_url = '{EXIT_URL}'; s.save()\n"
            # The seed names no languages spoken: one Spanish-speaking line for the filters.
            "from tests.services.factories import make_service, translate_service\n"
            "h = make_service('24-hour test line', slug='test-24h', "
            "phones=[('hotline', '+12035550199', '')], always_open=True, free=True, "
            "confidential=True, languages=['es'])\n"
            "translate_service(h, 'es', name='Línea de prueba 24 horas')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    try:
        with running_server(env) as url:
            base = DemoServer(url)
            base.env = env
            yield base
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def running_server(env):
    """`manage.py runserver` with this environment on a free port, until the block ends."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/en/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


# Resolves once the service worker is active and controls the tab.
READY = """async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) =>
            navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true })
        );
    }
    const worker = registration.active;
    if (worker.state !== "activated") {
        await new Promise((resolve) => worker.addEventListener("statechange", resolve));
    }
    return worker.state;
}"""


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, demo_server):
    """A phone-sized tab; the exit destination answers locally, anything else off-site fails."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=demo_server)
    tab = context.new_page()
    tab.route(
        EXIT_URL + "**",
        lambda route: route.fulfill(body="<title>Weather</title>", content_type="text/html"),
    )
    yield tab
    context.close()
