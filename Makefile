# Waymark: `make run` serves the demo, `make test` runs the whole suite.
# Both create or reuse the virtual environment in .venv.

PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export PORT ?= 8000
PYTEST_ARGS ?=
export DJANGO_SETTINGS_MODULE ?= cms.settings.dev

.PHONY: run prod test bench profile faults lint format setup-db clean

# The venv is rebuilt only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit("Waymark needs Python >= 3.12 (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 12) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup-db: $(VENV)/.installed
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py setup_roles
	$(PY) manage.py load_demo

run: setup-db
	@echo "Serving the Waymark demo on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

# The demo with production settings, served by gunicorn (gunicorn.conf.py). Over plain
# HTTP on this machine, so no HTTPS redirect; a local secret key is kept in .secret_key.
prod: export DJANGO_SETTINGS_MODULE = cms.settings.production
prod: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
prod: export SECURE_SSL_REDIRECT ?= 0
prod: export SECRET_KEY ?= $(shell test -s .secret_key || $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret_key; cat .secret_key)
prod: setup-db
	@echo "Serving Waymark with production settings on http://127.0.0.1:$(PORT)/"
	PORT=$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py cms.wsgi

test: $(VENV)/.installed
	bash deploy/machine.sh chromium postgresql-client varnish redis-server redis-tools
	$(PY) manage.py compile_translations
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest $(PYTEST_ARGS)

# Load tests at 100, 1,000 and 10,000 pages (about 20 minutes); writes docs/benchmarks.md.
bench: $(VENV)/.installed
	bash deploy/machine.sh postgresql-client varnish nginx-light wrk
	$(PY) manage.py compile_translations
	$(PY) -m bench.run

# Where one page's uncached render spends its time: make profile PAGE=/es/temas/denunciar/
# (PAGES=10000 grows the benchmark database first); writes profile/<page>.txt and .html.
profile: $(VENV)/.installed
	bash deploy/machine.sh postgresql-client redis-server
	$(PY) manage.py compile_translations
	$(PY) -m bench.profile "$(PAGE)"

# Faults under readers (Redis, PostgreSQL, a killed publisher and worker, Varnish), each on
# servers of its own on loopback (a few minutes); writes docs/faults.md.
faults: $(VENV)/.installed
	bash deploy/machine.sh postgresql-client varnish redis-server redis-tools
	$(PY) manage.py compile_translations
	$(PY) -m bench.faults

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check $$(git ls-files '*.html')
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml $$(git ls-files '*.html')

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
	find locale -name '*.mo' -delete
