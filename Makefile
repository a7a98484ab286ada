# wagtail-disclosure developer entry points (see docs/development.md).
#
#   make demo    create .venv, install the package + demo site, migrate, load demo data, runserver
#                (with DJANGO_DEBUG=1; `DJANGO_DEBUG=0 make demo` for DEBUG off)
#   make test    ruff, manage.py check/makemigrations, pytest on SQLite + PostgreSQL for
#                Wagtail 7.4 and 8 (a sparse matrix), mkdocs build --strict  (all via nox; CI runs this)
#                The browser tests need Debian's chromium, the .docx checks LibreOffice Writer and
#                the proxy cache test nginx: all installed first if missing (root/sudo).
#
# Works on a fresh machine with only python3 (+ venv, pip): uv is installed into .venv
# for speed, with plain pip as the fallback.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
VUV := $(VENV)/bin/uv
NOX := $(VENV)/bin/nox
NOX_ARGS ?=
HOST ?= 127.0.0.1:8000
MANAGE := $(VPY) example_site/manage.py
# Browser for tests/test_browser.py (Playwright drives it; `playwright install` is never run).
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

# $(call pip_install,ARGS): install into .venv with uv, falling back to pip.
define pip_install
{ [ -x $(VUV) ] && VIRTUAL_ENV="$(CURDIR)/$(VENV)" $(VUV) pip install --quiet --python $(VPY) $(1); } \
|| { echo "make: uv unavailable or failed; falling back to pip" >&2; \
     { $(VPY) -m pip --version >/dev/null 2>&1 || $(VPY) -m ensurepip --upgrade >/dev/null; } \
     && $(VPY) -m pip install --quiet --disable-pip-version-check $(1); }
endef

.PHONY: help venv tools chromium libreoffice nginx demo demo-install test lint checks test-sqlite test-postgres docs clean

help:
	@echo "make demo           run the example site at http://$(HOST)/ (creates .venv)"
	@echo "                    another address or port: make demo HOST=127.0.0.1:8001"
	@echo "                    mail is printed on the console (DJANGO_EMAIL_BACKEND to change)"
	@echo "make test           full check: ruff, checks, pytest (SQLite, PostgreSQL; Wagtail 7.4, 8), docs"
	@echo "make lint|checks|test-sqlite|test-postgres|docs   one stage of make test"
	@echo "$(NOX) -s SESSION [-- PYTEST ARGS]   one nox session (see: $(NOX) -l)"

# --- virtualenv bootstrap -------------------------------------------------------------
venv:
	@if [ ! -x $(VPY) ]; then echo "make: creating $(VENV)"; $(PYTHON) -m venv $(VENV); fi
	@if [ ! -x $(VUV) ]; then \
		echo "make: installing uv into $(VENV)"; \
		{ { $(VPY) -m pip --version >/dev/null 2>&1 || $(VPY) -m ensurepip --upgrade >/dev/null; } \
		  && $(VPY) -m pip install --quiet --disable-pip-version-check uv; } \
		|| echo "make: could not install uv; pip will be used instead" >&2; \
	fi

tools: venv
	@$(call pip_install,'nox>=2024.10.9' uv)

# Debian's chromium for the browser tests, installed when $(CHROMIUM) is missing.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "make: $(CHROMIUM) not found; installing Debian's chromium for the browser tests"; \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO apt-get update \
		&& DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium \
		&& [ -x "$(CHROMIUM)" ] \
		|| { echo "make: could not install chromium (the browser tests will fail)" >&2; exit 1; }; \
	fi

# Debian's LibreOffice Writer for the .docx to PDF checks (tests/office.py), installed when
# soffice is missing (without the recommended extras: no Java, no desktop integration).
libreoffice:
	@if ! command -v soffice >/dev/null 2>&1; then \
		echo "make: soffice not found; installing Debian's libreoffice-writer-nogui for the .docx checks"; \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO apt-get update \
		&& DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends libreoffice-writer-nogui \
		&& command -v soffice >/dev/null \
		|| { echo "make: could not install LibreOffice (the .docx to PDF tests will fail)" >&2; exit 1; }; \
	fi

# Debian's nginx and its cache purge module for tests/test_nginx_cache.py (a caching reverse
# proxy on loopback, started and stopped by the test), installed when missing.
nginx:
	@if { ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; } || [ ! -f /usr/lib/nginx/modules/ngx_http_cache_purge_module.so ]; then \
		echo "make: installing Debian's nginx-light and libnginx-mod-http-cache-purge for tests/test_nginx_cache.py"; \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO apt-get update \
		&& DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends nginx-light libnginx-mod-http-cache-purge \
		|| { echo "make: could not install nginx (tests/test_nginx_cache.py will fail)" >&2; exit 1; }; \
	fi

# --- demo -----------------------------------------------------------------------------
demo-install: venv
	@$(call pip_install,-e '.[demo]')

# DEBUG is off in demo.settings unless DJANGO_DEBUG=1; the demo turns it on (tracebacks,
# static files). `DJANGO_DEBUG=0 make demo` runs it as production would, with --insecure so
# runserver still serves the static files (never MEDIA_ROOT/documents/).
DJANGO_DEBUG ?= 1

demo: demo-install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_data
	DJANGO_DEBUG=$(DJANGO_DEBUG) $(MANAGE) runserver --insecure $(HOST)

# --- test -----------------------------------------------------------------------------
# Every stage runs even if an earlier one failed; the summary lists each stage's
# result and wall time, and the exit status is non-zero if any stage failed.
define run_stages
failed=0; summary=""; \
stage() { \
	local name="$$1"; shift; local start=$$SECONDS result; \
	echo; echo "================ make test: $$name ================"; \
	if "$$@"; then result=ok; else result=FAILED; failed=1; fi; \
	summary+="$$(printf '  %-16s %-7s %4ds' "$$name" "$$result" $$((SECONDS - start)))"$$'\n'; \
}; \
total_start=$$SECONDS; \
$(1) \
echo; echo "================ make test summary ================"; \
printf '%s' "$$summary"; \
printf '  %-16s %-7s %4ds\n' total "$$( [ $$failed -eq 0 ] && echo ok || echo FAILED )" $$((SECONDS - total_start)); \
exit $$failed
endef

STAGE_LINT := stage lint $(NOX) $(NOX_ARGS) -s lint;
STAGE_CHECKS := stage checks $(NOX) $(NOX_ARGS) -s checks-wagtail74 checks-wagtail8;
# The test matrix (noxfile.py SCOPE, docs/development.md): the whole suite with Wagtail 8 on
# SQLite and with the LTS on PostgreSQL; the database-dependent tests also with Wagtail 8 on
# PostgreSQL.
STAGE_SQLITE := stage tests-sqlite $(NOX) $(NOX_ARGS) -s tests-wagtail8-sqlite;
STAGE_POSTGRES := stage tests-postgres scripts/with-postgres $(NOX) $(NOX_ARGS) -s tests-wagtail74-postgres tests-wagtail8-postgres;
STAGE_DOCS := if [ -f mkdocs.yml ]; then stage docs $(NOX) $(NOX_ARGS) -s docs; else \
	echo; echo "make test: mkdocs.yml does not exist yet: docs build SKIPPED"; \
	summary+="$$(printf '  %-16s %-7s %4ds' docs SKIPPED 0)"$$'\n'; fi;

test: tools chromium libreoffice nginx
	@$(call run_stages,$(STAGE_LINT) $(STAGE_CHECKS) $(STAGE_SQLITE) $(STAGE_POSTGRES) $(STAGE_DOCS))

lint: tools
	@$(call run_stages,$(STAGE_LINT))

checks: tools
	@$(call run_stages,$(STAGE_CHECKS))

test-sqlite: tools chromium libreoffice nginx
	@$(call run_stages,$(STAGE_SQLITE))

test-postgres: tools chromium
	@$(call run_stages,$(STAGE_POSTGRES))

docs: tools
	@$(call run_stages,$(STAGE_DOCS))

clean:
	rm -rf .nox build dist site .pytest_cache .ruff_cache
