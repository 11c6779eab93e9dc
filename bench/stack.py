"""The production topology on one machine, for the proxy tests and `make bench`.

gunicorn with production settings, Varnish in front of it with the shipped
configuration (deploy/varnish.vcl), and nginx serving saved copies of pages
(the fastest this machine can answer at all).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(work, database_url, **extra):
    """The environment `make prod` gives the app, pointed at a database and Redis of our own."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "stack-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        # A key prefix of our own: nothing else in that Redis is read or flushed.
        "CACHE_KEY_PREFIX": f"stack-{os.getpid()}-{time.monotonic_ns()}",
        "STATIC_ROOT": str(Path(work) / "static"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(env, *args):
    """Run manage.py with `env`; a failure raises with what the command printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


def install_demo(env, say=None):
    """migrate, collectstatic and load_demo, as `make run` does, before the servers start.

    Run without the proxy's address: the proxy is not running yet and holds nothing, so
    the demo's publishes have nothing to purge. With it, every publish would leave a
    pending invalidation that the app servers' sweepers apply once they start, purging
    every language in the middle of whatever is measured or tested then.
    """
    env = {name: value for name, value in env.items() if name != "FRONTEND_CACHE_URL"}
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"], ["load_demo"]):
        if say:
            say("manage.py " + " ".join(command))
        manage(env, *command)


def wait_for(url, timeout=30, headers=None):
    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback)
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing answers at {url}") from None
            time.sleep(0.1)


class Service:
    """A background process, stopped (and its group) when the block ends."""

    def __init__(self, args, env=None, log=None):
        self.args, self.env, self.log = args, env, log
        self.process = None

    def __enter__(self):
        self.out = out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.out.close()


class Redis:
    """A Redis of a test's or the fault battery's own (keeps nothing on disk), which it
    stops and starts at will."""

    def __init__(self, port, log):
        self.port, self.log, self.process = port, Path(log), None

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is missing: apt-get install redis-server")
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while self.ping() != "PONG":
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def ping(self):
        answer = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, check=False
        )
        return answer.stdout.strip()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def retitle_visitors(title, die_after_commit=False):
    """`manage.py shell -c` code that retitles the Spanish visitors' page, as an editor's
    publish would; with `die_after_commit` the process dies right after its commit, before
    any after-commit work (exit status 9, as kill -9 then)."""
    return (
        "import os\n"
        "from django.db import transaction\n"
        "from home.models import TopicPage\n"
        "with transaction.atomic():\n"
        + ("    transaction.on_commit(lambda: os._exit(9))\n" if die_after_commit else "")
        + "    p = TopicPage.objects.get(locale__language_code='es', slug='visitantes')\n"
        f"    p.title = {title!r}\n"
        "    p.save_revision().publish()\n"
    )


def gunicorn(env, port, workers=None, log=None, app="cms.wsgi"):
    """gunicorn with the repository's gunicorn.conf.py, serving `app` on `port`."""
    env = {**env, "PORT": str(port)}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    gunicorn_bin = str(Path(sys.executable).with_name("gunicorn"))
    return Service([gunicorn_bin, "-c", "gunicorn.conf.py", app], env=env, log=log)


def varnish(work, port, backend_port, memory="256m", log=None):
    """varnishd in the foreground with deploy/varnish.vcl, its backend on `backend_port`."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    vcl = (ROOT / "deploy" / "varnish.vcl").read_text()
    vcl = re.sub(r'\.port = "\d+";', f'.port = "{backend_port}";', vcl, count=1)
    (work / "waymark.vcl").write_text(vcl)
    return Service(
        [
            VARNISHD,
            "-F",
            "-j",
            "none",
            "-n",
            str(work / "state"),
            "-a",
            f"127.0.0.1:{port}",
            "-T",
            "none",
            "-f",
            str(work / "waymark.vcl"),
            "-s",
            f"malloc,{memory}",
        ],
        log=log,
    )


NGINX_CONF = """
worker_processes {workers};
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    default_type text/html;
    gzip_static on;
    gzip_vary on;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


def nginx_static(work, port, root, workers=2, log=None):
    """nginx serving the files under `root` as they are: the ceiling for any reader page."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, port=port, root=root, workers=workers))
    return Service([NGINX, "-c", str(conf), "-p", str(work)], log=log)
