# One entry point: `make run`, `make test`, `make lint`. Each creates .venv if missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint format install messages clean load browser-tools

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/labinov migrate --noinput
	$(BIN)/labinov demo --if-empty
	$(BIN)/labinov serve --host $(HOST) --port $(PORT)

# axe-core for the accessibility browser test, from the npm registry, pinned in
# tests/browser/package-lock.json; installed once (when node_modules is missing). Without
# npm the test is skipped and says why.
browser-tools:
	@if [ -e tests/browser/node_modules/axe-core/axe.min.js ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: axe-core not installed, tests/browser/test_pages_a11y.py will be skipped"; fi

# pytest exits 5 when it collected no test: a failure too, said in words.
test: $(STAMP) browser-tools
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "no tests collected: that is a failure"; fi; exit $$rc

# Load test, not part of `make test` (about 5 minutes): 50 people browse, search and comment
# for 60 s while 100,000 generated rows are imported, behind gunicorn, on SQLite and on
# PostgreSQL (database labinov_load_bench on 127.0.0.1, dropped and created again).
# Shorter: make load LOAD_ARGS="--duration 20 --users 10 --database sqlite".
load: $(STAMP)
	$(BIN)/python bench/load.py $(LOAD_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the Indonesian catalogues of every app after changing interface text,
# then translate the new entries in labinov/<app>/locale/id/LC_MESSAGES/django.po.
messages: $(STAMP)
	for app in labinov/*/; do \
	  if [ -d "$$app/locale" ]; then (cd "$$app" && ../../$(BIN)/django-admin makemessages -l id --no-obsolete >/dev/null) || exit 1; fi; \
	done
	$(BIN)/labinov compilemessages --ignore=.venv >/dev/null

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
