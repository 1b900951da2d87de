# Two commands on a fresh clone:   make serve   |   make test
# Everything else is a building block of those two.
SHELL := /bin/bash
PY_BOOT ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
PORT ?= 8000
# torch comes from PyPI, whose Linux wheel is the large CUDA build. For the CPU-only
# build: make setup-all TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
TORCH := torch==2.13.0

.PHONY: serve build test test-fast assets data data-check notebooks video bench lint format clean chromium setup-site setup-all lock

## serve: install what the site needs, build it, serve on http://127.0.0.1:$(PORT) with live reload
serve: setup-site assets
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:$(PORT)

## build: the static site into site/ (authors can also run `mkdocs build` in the venv)
build: setup-site assets
	$(BIN)/mkdocs build --strict

## test: every test — lint (Python, JS, CSS), data contract, widget math vs torch, notebooks, browser end to end
test: setup-all assets chromium lint
	$(PY) -m pytest

## test-fast: skip the slow (training, notebook) tests
test-fast: setup-all assets chromium
	$(PY) -m pytest -m "not slow"

## assets: self-hosted runtime (Pyodide + numpy wheel, plotly.js, KaTeX), verified and cached
assets: $(VENV)/.site-installed package-lock.json
	$(PY) -m site_src.build.vendor

## data: regenerate every figure's data with PyTorch (python -m precompute --help)
data: setup-all
	$(PY) -m precompute

data-check: setup-all
	$(PY) -m precompute --check

## notebooks: rebuild and execute docs/notebooks/ from the precompute sources (after `make data`)
notebooks: setup-all
	$(PY) -m precompute.notebooks

## video: render the layer explainer (needs ffmpeg: apt-get install ffmpeg); committed, not built by CI
video: setup-all
	$(PY) -m precompute.video

## bench: speed numbers (Lighthouse, input-to-paint latency, Python ready time) into bench/report.md
bench: setup-all assets chromium
	$(PY) -m benchmarks

## lint: ruff for Python, Biome for JS and CSS (biome.json), nothing changed
lint: setup-all assets
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	node_modules/.bin/biome ci

## format: rewrite Python, JS and CSS in the house style
format: setup-all assets
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .
	node_modules/.bin/biome check --write

setup-site: $(VENV)/.site-installed
setup-all: $(VENV)/.all-installed

$(VENV)/bin/pip:
	$(PY_BOOT) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=25.1"

# Exact versions with their hashes (requirements/*.lock, from `make lock`). torch and
# the CUDA packages it pulls are left out of the lock: which build to take is
# TORCH_INDEX's choice.
$(VENV)/.site-installed: requirements/site.lock | $(VENV)/bin/pip
	$(BIN)/pip install -q --require-hashes -r requirements/site.lock
	touch $@

$(VENV)/.all-installed: requirements/all.lock $(VENV)/.site-installed
	$(BIN)/pip install -q --require-hashes -r requirements/all.lock
	$(BIN)/pip install -q "$(TORCH)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	touch $@

# Not in the lock: the torch build and its CUDA libraries (see TORCH_INDEX).
TORCH_BUILD := torch triton cuda-bindings cuda-pathfinder cuda-toolkit nvidia-cublas \
  nvidia-cuda-cupti nvidia-cuda-nvrtc nvidia-cuda-runtime nvidia-cudnn-cu13 nvidia-cufft \
  nvidia-cufile nvidia-curand nvidia-cusolver nvidia-cusparse nvidia-cusparselt-cu13 \
  nvidia-nccl-cu13 nvidia-nvjitlink nvidia-nvshmem-cu13 nvidia-nvtx
LOCK := --generate-hashes --python-version 3.11.7 --python-platform x86_64-manylinux_2_28 \
  --custom-compile-command "make lock"

## lock: re-resolve pyproject.toml's groups into requirements/*.lock (uv in a throwaway venv)
lock:
	$(PY_BOOT) -m venv .cache/lock-venv && .cache/lock-venv/bin/pip install -q uv
	.cache/lock-venv/bin/uv pip compile pyproject.toml --group site $(LOCK) -o requirements/site.lock
	.cache/lock-venv/bin/uv pip compile pyproject.toml --group site --group precompute \
	  --group test --group dev $(LOCK) $(addprefix --no-emit-package ,$(TORCH_BUILD)) \
	  -o requirements/all.lock

## chromium: Debian's chromium (browser tests) and a Java runtime (HTML validator), via apt when root
chromium:
	@missing=""; command -v chromium >/dev/null || missing="chromium fonts-dejavu-core"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "Tests need: sudo apt-get install $$missing"; exit 1; fi; \
	fi

clean:
	rm -rf site .cache/mkdocs-jupyter site_src/theme/assets/vendor
