#!/usr/bin/env bash
# premise30 recipe (a) (docs/pretraining.md "Session 30 (premise30)"): session 20's recovery
# fine-tune (300 steps, lr 5e-4; `adapt` for the pretrained arm, `keep` for the random init of
# the same architecture with Porto's scales) with random-50 %-style masks only
# (scripts/premise30/finetune_r50.py), both arms, fine-tune seeds 0-2, arms interleaved.
#   bash scripts/premise30/run_a.sh [PRETRAINING_SEED ...]   # default 1; outputs under ${PREMISE30:-/tmp/premise30}
# Inputs: $O/pre_m1_seedK (session 29's pretraining seed 1 copied from /tmp/premise29, or
#   `PREMISE29=$O bash scripts/premise29/run.sh K` for another seed) and $O/init_porto_sS (the
#   random inits, copied from /tmp/premise29; `scripts/foundation_eval.py init` rebuilds them).
# Scoring: scripts/premise30/score.py --recipe a.
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 5 .venv/bin/python}
O=${PREMISE30:-/tmp/premise30}
PORTO=${PORTO:-/tmp/stores/porto}
FT_SEEDS=${FT_SEEDS:-0 1 2}
mkdir -p "$O"

finetune() {  # finetune INIT OUT SEED REFIT: one fixed-ratio recovery fine-tune (skipped when done)
    [ -f "$2/best/model.safetensors" ] && return 0
    $PY scripts/premise30/finetune_r50.py "$PORTO" "$1" "$2" --seed "$3" --refit "$4" > "$2.log" 2>&1
    echo "$2 done $(date -u +%H:%M:%S)"
}

for k in ${*:-1}; do
    PRE=$O/pre_m1_seed$k
    for s in $FT_SEEDS; do
        init=$O/init_porto_s$s  # shared by every pretraining seed (run.sh checks the config)
        [ -e "$init/model.safetensors" ] \
            || $PY scripts/foundation_eval.py init "$PRE/best" "$PORTO" "$init" --seed "$s"
        finetune "$init" "$O/r50_scratch_porto_s$s" "$s" keep
        finetune "$PRE/best" "$O/r50_pre_m1_seed${k}_s$s" "$s" adapt
    done
done
