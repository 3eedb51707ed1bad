# Build tooling for rule-of-law-plans. Everything runs from .venv, built from requirements.lock.
#   make run     bootstrap .venv if needed, then run the release flow on $(SEEDS) -> $(OUTPUT)
#   make test    bootstrap .venv if needed, then pytest
#   make serve   bootstrap .venv if needed, then browse the latest release in $(OUTPUT) in
#                Datasette on 127.0.0.1:$(PORT) (ARGS="--version 1.0.0", "--host 0.0.0.0")
#   make lock    regenerate requirements.lock (pip-tools in a throwaway venv under /tmp)

PYTHON    ?= python3.11
VENV      := .venv
STAMP     := $(VENV)/.installed
SEEDS     ?= seeds
OUTPUT    ?= output
ARGS      ?=
PORT      ?= 8001
LOCK_VENV ?= /tmp/rule-of-law-plans-lock-venv

.PHONY: venv run test serve lint bench lock clean

venv: $(STAMP)

# pip is installed first, at the lock's version: the pip a new venv starts with (23.2 on Python
# 3.11) reads an extra such as prefect's httpx[http2] as an unpinned requirement in
# --require-hashes mode as soon as a newer release of that package exists, and stops. pip 26
# shows setuptools' generic warning on every editable install: PYTHONWARNINGS hides it. -qq
# (errors only): a machine whose pip configuration names index folders it lacks (find-links,
# extra-index-url) has pip warn once per package that it ignores them, 230 lines of noise.
$(STAMP): requirements.lock pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	awk '/^pip==/ {p = 1; print; next} p && /^ +--hash/ {print; next} {p = 0}' requirements.lock > $(VENV)/pip.lock
	$(VENV)/bin/python -m pip install -qq --disable-pip-version-check --require-hashes -r $(VENV)/pip.lock
	$(VENV)/bin/python -m pip install -qq --disable-pip-version-check --require-hashes -r requirements.lock
	PYTHONWARNINGS=ignore $(VENV)/bin/python -m pip install -qq --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/python -m flows.main --seeds $(SEEDS) --output $(OUTPUT) $(ARGS)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

serve: $(STAMP)
	$(VENV)/bin/python -m pipeline.release.browse --output $(OUTPUT) --port $(PORT) $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check $(wildcard flows pipeline tests benchmarks)

bench: $(STAMP)
	$(VENV)/bin/python -m benchmarks.run

lock:
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/python -m pip install -qq --disable-pip-version-check pip-tools==7.6.2; }
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --extra dev --all-build-deps --allow-unsafe --strip-extras \
	  --generate-hashes --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) build *.egg-info
