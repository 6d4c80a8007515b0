#!/usr/bin/env bash
# premise33 (docs/pretraining.md "Session 33 (premise33)"): premise29's infilling pretraining
# (session 19's corpus, configs/multitask.toml mix + trip InfoNCE weight 1.0, 1,200 steps) with
# the Akima spline as the infill anchor (scripts/premise33/pretrain_model_akima.toml: the only
# change vs configs/pretrain_model.toml), then premise30's recipe (a) fine-tune
# (scripts/premise30/finetune_r50.py: 300 steps, lr 5e-4, random-50 % masks; `adapt` for the
# pretrained arm, `keep` for a random init of the same architecture, Akima anchor included, with
# Porto's scales), fine-tune seeds 0-2, arms interleaved (scratch s, then pretrained s).
#   bash scripts/premise33/run.sh [PRETRAINING_SEED ...]   # default: 1 0 2; outputs under ${PREMISE33:-/tmp/premise33}
# Corpus (once): python scripts/similarity_pretrain.py corpus --stores /tmp/stores/porto \
#   /tmp/stores/geolife --out /tmp/premise33/corpus
# RECIPE / CORPUS / FT_STEPS / FT_SEEDS: env overrides (premise34/run.sh uses them).
# Scoring: scripts/premise30/score.py --scratch $O/r50_scratch_porto --pretrained seedK=$O/r50_pre_akima_seedK
# The scratch arm depends only on config.json (architecture) and Porto's scales: trained once,
# shared by every pretraining seed, refused if the config.json files differ.
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 10 .venv/bin/python}
O=${PREMISE33:-/tmp/premise33}
CORPUS=${CORPUS:-$O/corpus}
PORTO=${PORTO:-/tmp/stores/porto}
STEPS=${STEPS:-1200}
FT_SEEDS=${FT_SEEDS:-0 1 2}
FT_STEPS=${FT_STEPS:-300}  # recipe (a); premise34 arm B: 600
RECIPE=${RECIPE:-scripts/premise33/pretrain_model_akima.toml}  # pretrain_model_auto.toml: the post-hoc look
mkdir -p "$O"
source scripts/premise29/shared_scratch.sh

finetune() {  # finetune INIT OUT SEED REFIT: one random-50 % recovery fine-tune (skipped when done)
    [ -f "$2/best/model.safetensors" ] && return 0
    $PY scripts/premise30/finetune_r50.py "$PORTO" "$1" "$2" --seed "$3" --refit "$4" \
        --steps "$FT_STEPS" > "$2.log" 2>&1
    echo "$2 done $(date -u +%H:%M:%S)"
}

for k in ${*:-1 0 2}; do
    PRE=$O/pre_akima_seed$k
    if [ ! -f "$PRE/best/model.safetensors" ]; then
        echo "pretraining seed $k start $(date -u +%H:%M:%S)"
        $PY scripts/premise21_pretrain.py --config "$RECIPE" pretrain --corpus "$CORPUS" \
            --out "$PRE" --steps "$STEPS" --weight 1.0 --mix configs/multitask.toml --seed "$k" \
            > "$O/pre_seed$k.log" 2>&1
        echo "pretraining seed $k done $(date -u +%H:%M:%S)"
    fi
    check_shared_scratch "$PRE/best" "$O" "$k"
    for s in $FT_SEEDS; do
        init=$O/init_porto_s$s  # a random init of the architecture (Akima anchor), Porto's scales
        [ -e "$init/model.safetensors" ] \
            || $PY scripts/foundation_eval.py init "$PRE/best" "$PORTO" "$init" --seed "$s"
        finetune "$init" "$O/r50_scratch_porto_s$s" "$s" keep
        finetune "$PRE/best" "$O/r50_pre_akima_seed${k}_s$s" "$s" adapt
    done
done
