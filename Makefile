# evalkb — `make run` sets everything up, ingests corpus/ and serves on 127.0.0.1; `make test` tests.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
APT_PACKAGES := tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng chromium

.PHONY: setup system-deps run test test-fast lint bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and pinned: the CPU wheel on these machines, never the CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## system-deps: Tesseract (OCR) and Chromium (browser tests) from Debian, when root and missing
system-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then echo "apt-get install$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null) \
	    || echo "warning: could not install$$missing (OCR / browser tests will be skipped)"; fi; \
	else echo "not root: skipping apt packages ($(APT_PACKAGES)); OCR and browser tests may be skipped"; fi

setup: system-deps $(STAMP)

## run: set up, ingest corpus/, serve the API and web page on http://$(HOST):$(PORT)/
run: setup
	$(BIN)/evalkb ingest corpus/
	$(BIN)/evalkb serve --host $(HOST) --port $(PORT)

## test: every test (unit, integration with the real model and corpus, browser)
test: setup
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not integration and not browser"

lint: $(STAMP)
	$(BIN)/ruff check ingest index api tests bench
	$(BIN)/ruff format --check ingest index api tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/ingest_speed.py
	$(BIN)/python bench/tables.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
