# crescape: two commands on a fresh clone: `make reproduce` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs
OUT    ?= reproduce-output

# what `make lint` reads
LINT_PATHS := src tests benchmarks examples docs
# ruff also formats the code blocks of Markdown files: the topic notes keep their aligned comments
FORMAT_PATHS := src tests benchmarks examples docs/conf.py docs/_ext docs/notebooks

.PHONY: venv reproduce test bench lint docs docs-clean clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[all,test,lint]"
	touch $(STAMP)

venv: $(STAMP)

reproduce: $(STAMP)
	$(VENV)/bin/crescape reproduce --out $(OUT)

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

bench: $(STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(FORMAT_PATHS)
	$(VENV)/bin/codespell $(LINT_PATHS) README.md CHANGELOG.md CITATION.cff Makefile pyproject.toml

# the docs extra is installed for `make docs` only, so that `make test` stays quick to set up
$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[all,test,lint,docs]"
	touch $(DOCS_STAMP)

# the HTML site in docs/_build/html, built offline; any warning fails the build
docs: $(DOCS_STAMP)
	$(VENV)/bin/sphinx-build -W --keep-going -b html docs docs/_build/html
	@echo "open docs/_build/html/index.html"

docs-clean:
	rm -rf docs/_build docs/api/generated docs/gallery docs/jupyter_execute docs/sg_execution_times.rst

clean: docs-clean
	rm -rf $(VENV) $(OUT) .pytest_cache
