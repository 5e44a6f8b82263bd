# The two commands of the README: `make run` and `make test`. Everything else helps them.
SHELL := /bin/bash
PYTHON_SYSTEM ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
PORT ?= 8000
UV_VERSION := 0.13.9
# pytest runs on every core (pytest-xdist): CI's 2-core machine halves each pass.
TEST_WORKERS ?= auto
# The PostgreSQL pass leaves out the browser tests: what chromium shows (layout, keyboard,
# axe, scripts) does not depend on the database engine, and the SQLite pass runs them;
# every test that reads or writes the database runs on both. It also leaves out the
# tests marked own_sqlite, which start the site on a SQLite file of their own whatever DATABASE_URL
# says (operators' first run, production settings, the SQLite side of the bursts):
# on PostgreSQL they would only repeat the first pass. `make test-postgres
# POSTGRES_MARKERS=` runs them all.
POSTGRES_MARKERS ?= not browser and not own_sqlite and not cluster

.PHONY: run test coverage install debian deps npm messages static migrate demo serve lint check-migrations lock bench bench-booking clean assets

run: install migrate demo  ## fresh clone -> running site on http://127.0.0.1:$(PORT)
	@echo "Starting the background worker and the site on http://127.0.0.1:$(PORT)/"
	@# One plain command, run without a shell: Ctrl-C or SIGTERM stops both cleanly.
	@$(PY) scripts/run_site.py $(PORT)

test: install  ## every check: pytest (browser tests included), ruff, migrations
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run --settings=website.settings.test
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not cluster" $(PYTEST_ARGS)

# Coverage is a report, not a check (no threshold fails a run), and measuring it nearly
# doubles the suite's CPU time on Python 3.11 (tests/test_junk_urls.py and
# tests/test_query_bounds.py: 2 min 51 s of CPU without, 5 min 32 s with): `make test`,
# and so CI, leave it out; this target gives it.
coverage: install  ## the SQLite pass of `make test` under coverage: a report per file
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --cov --cov-report=term -m "not cluster" $(PYTEST_ARGS)

install: deps npm messages debian  ## everything both commands need, idempotent

debian:  ## Debian packages of the PDF flyers (Pango, HarfBuzz; poppler and zbar for tests)
	@scripts/debian-packages.sh

$(PY):
	$(PYTHON_SYSTEM) -m venv $(VENV)

$(UV): | $(PY)
	$(PY) -m pip install --quiet uv==$(UV_VERSION)

deps: $(VENV)/.installed
$(VENV)/.installed: requirements.lock | $(UV)
	$(UV) pip sync --python $(PY) --quiet requirements.lock
	touch $@

npm: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

messages: deps  ## compile the Italian catalogue (.mo files are built, never committed)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

migrate: deps
	$(PY) manage.py migrate --no-input -v0

# Links to the site in mails and in the demo's printed admin link follow the port the
# site is served on (the settings' default is port 8000), unless WAGTAILADMIN_BASE_URL is set.
run demo: export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:$(PORT)

demo: deps  ## the printed admin link follows PORT (and WAGTAILADMIN_BASE_URL when set)
	$(PY) manage.py load_demo_content

static: deps npm  ## production: hashed, compressed static files for whitenoise
	DJANGO_SETTINGS_MODULE=website.settings.production SECRET_KEY=collectstatic-only-this-key-never-signs-anything-in-production ALLOWED_HOSTS=localhost \
		MFA_ENCRYPTION_KEY=Y29sbGVjdHN0YXRpYy1vbmx5LWVuY3J5cHRzLW5vbmU= \
		DEFAULT_FROM_EMAIL=collectstatic@example.org STAFF_NOTIFICATION_EMAILS=collectstatic@example.org \
		$(PY) manage.py collectstatic --no-input -v0

assets: deps npm  ## rebuild static/build/ (fonts subset, icon sprite, Bootstrap Italia's CSS cut to the templates' use), then commit it
	$(PY) scripts/build_assets.py

lock:  ## re-resolve requirements.lock from pyproject.toml (then commit it)
	$(UV) pip compile pyproject.toml --extra dev -p 3.11 --generate-hashes --no-header -o requirements.lock

clean:
	rm -rf $(VENV) node_modules static_collected var

.PHONY: test-postgres
test-postgres: install  ## pytest again against a throwaway PostgreSQL 15 (scripts/with-postgres.sh)
	scripts/with-postgres.sh $(VENV)/bin/pytest -n $(TEST_WORKERS) -m "$(POSTGRES_MARKERS)" $(PYTEST_ARGS)

.PHONY: bench
bench: install static  ## load test of the production configuration on 127.0.0.1: a markdown report
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
		else echo "wrk is missing: apt-get install -y wrk (as root)" >&2; exit 1; fi; \
	fi
	$(PY) benchmarks/run.py
	$(PY) benchmarks/intake_burst.py
	$(PY) benchmarks/booking_burst.py
	$(PY) benchmarks/flyers.py

.PHONY: bench-flyers
bench-flyers: install static  ## the flyers' render time and the cache's hit ratio (issue 21)
	$(PY) benchmarks/flyers.py

.PHONY: bench-intake
bench-intake: install static  ## 200 intake submissions at the same instant: all stored?
	$(PY) benchmarks/intake_burst.py

.PHONY: bench-booking
bench-booking: install static  ## 50 people at the same instant for a slot's 10 places: never oversold?
	$(PY) benchmarks/booking_burst.py

.PHONY: bench-faults
bench-faults: install static  ## database, mail server and worker failing while people apply: anything lost?
	$(PY) benchmarks/faults.py

.PHONY: bench-signup
bench-signup: install static  ## sign-up as slow for an email with an account as for a new one?
	$(PY) benchmarks/signup_timing.py

.PHONY: bench-privacy
bench-privacy: install  ## the retention purge on 5,000 and 50,000 requests: time and queries
	$(PY) benchmarks/privacy_purge.py

.PHONY: bench-import
bench-import: install  ## import of the job service's database: 5,000 rows, CSV and XLSX, preview and confirmation
	$(PY) benchmarks/job_import.py

.PHONY: bench-outcomes
bench-outcomes: install static  ## outcomes dashboard's server CPU on 20,000 requests (issue 20; budget 200 ms)
	$(PY) benchmarks/outcomes_dashboard.py

.PHONY: bench-scale
bench-scale: install static  ## every view's queries and CPU on the demo and on a grown database (issue 16)
	$(PY) benchmarks/scale.py

# --- Several app servers (issue 22; README, "Several app servers") -------------------------

.PHONY: cluster test-cluster bench-cluster cluster-packages
cluster-packages:  ## Redis, nginx (with its cache-purge module) and wrk, from Debian
	@scripts/debian-packages.sh cluster

cluster: install cluster-packages static  ## PostgreSQL, Redis, S3, 2 app servers, a worker, nginx on 127.0.0.1:$(CLUSTER_PORT)
	@$(PY) scripts/cluster.py --port $(CLUSTER_PORT) $(CLUSTER_ARGS)

CLUSTER_PORT ?= 8080

test-cluster: install  ## the cluster's own tests (tests/cluster/): two app servers agree
	@scripts/debian-packages.sh cluster || echo "!! The cluster's Debian packages are missing: its tests will say so and be skipped" >&2
	$(VENV)/bin/pytest -p no:xdist -m cluster -rs -s tests/cluster $(PYTEST_ARGS)

bench-cluster: install cluster-packages static  ## wrk through nginx with 1 and 2 app servers, on PostgreSQL and Redis
	$(PY) benchmarks/cluster.py
