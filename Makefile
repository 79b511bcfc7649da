# Kehou: two commands for a newcomer — `make run` and `make test`. Every target bootstraps what it
# needs, idempotently: system packages (Java 17, Chromium, a CJK font for screenshots), the virtualenv,
# npm packages.

SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
PORT ?= 8000
# Two workers (pytest-xdist), one per core: each starts its own local stack on free ports.
PYTEST_ARGS ?= -n 2

.PHONY: run test lint typecheck bench bootstrap system-deps clean

run: bootstrap ## Start DynamoDB Local, moto, the local issuer, seed data, and serve on http://localhost:$(PORT)
	$(PY) -m devstack up --port $(PORT)

test: bootstrap lint typecheck ## ruff, mypy and the whole pytest suite (unit, functional, e2e, infra)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: bootstrap
	.venv/bin/ruff check .

typecheck: bootstrap
	.venv/bin/mypy

bench: bootstrap ## Performance and cost figures (not run in CI)
	$(PY) -m tests.bench

bootstrap: system-deps .venv/.installed node_modules/.installed

system-deps:
	@missing=""; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

.venv/.installed: requirements.txt requirements-timetable.txt requirements-dev.txt
	@[ -x $(PY) ] || python3 -m venv .venv
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf .venv node_modules .devstack .mypy_cache .ruff_cache .pytest_cache infra/cdk.out
