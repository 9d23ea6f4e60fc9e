# Local work and CI use the same targets. `make site` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DOSSIER := $(BIN)/dossier

.PHONY: install install-test site build serve check fmt fmt-check lint test test-scale goldens docs-ref bench clean

# The venv is (re)built when pyproject.toml changes; the stamp records the last install.
# python -I: pip runs in the project root, and a module committed there must not shadow its imports.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -I -m pip install --quiet --upgrade pip
	$(BIN)/python -I -m pip install --quiet -e .
	touch $@

# The test tools (pytest, ruff, mypy, actionlint, pre-commit, build) are Python packages: see
# pyproject.toml's [test] extra. Nothing else to install, no Node or npm.
$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -I -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## site: check the dossier, generate its pages and build the static site into site/
## (ENGINE=mkdocs or ENGINE=zensical overrides `extra: dossier_engine:` in mkdocs.yml)
ENGINE ?=
site: install
	$(DOSSIER) build $(if $(ENGINE),--engine $(ENGINE))

build: site

## serve: live preview; edits to data/ and seeds/ regenerate pages and reload the browser
serve: install
	$(DOSSIER) serve $(if $(ENGINE),--engine $(ENGINE))

## check: verify every fact against its seeds (annotations in GitHub Actions); a warning fails
## too unless the fact acknowledges it with a reason, so nothing reaches readers unexamined
check: install
	$(DOSSIER) check --strict

fmt: install
	$(DOSSIER) fmt

fmt-check: install
	$(DOSSIER) fmt --check

lint: install-test
	$(BIN)/ruff check dossier tests benchmarks
	$(BIN)/ruff format --check dossier tests benchmarks
	$(BIN)/mypy

## test: lint, type-check and run every test (browser tests skip with a reason when no Chromium)
test: install-test lint
	$(BIN)/pytest

## test-scale: build a 10,000-fact dossier and search it in Chromium (minutes; CI runs it as its own job)
test-scale: install-test
	DOSSIER_TEST_SCALE=1 $(BIN)/pytest -m scale

## goldens: regenerate expected outputs (rule diagnostics, rendered pages, references); review the diff
goldens: install-test
	$(BIN)/pytest --update-goldens -q

## docs-ref: regenerate docs/reference/fields.md (from the JSON Schemas) and cli.md (from --help)
docs-ref: install
	$(BIN)/python -m dossier.reference

bench: install
	cd benchmarks && ../$(BIN)/python bench_check.py

clean:
	rm -rf site docs/generated .dossier-cache .pytest_cache .mypy_cache .ruff_cache test-artifacts
