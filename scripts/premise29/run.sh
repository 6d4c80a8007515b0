#!/usr/bin/env bash
# premise29 (docs/pretraining.md "Session 29 (premise29)"): session 20's infilling pretraining
# (configs/multitask.toml mix + trip InfoNCE weight 1.0, 1,200 steps, session 19's corpus) with
# more pretraining seeds, then session 20's recovery fine-tune for both arms (300 steps of
# `finetune_task`, lr 5e-4; `adapt` for the pretrained arm, `keep` for the random init of the
# same architecture with Porto's scales), fine-tune seeds 0-2. Arms interleaved per fine-tune
# seed (scratch s, then pretrained s) so a stop leaves a paired result.
#   bash scripts/premise29/run.sh [PRETRAINING_SEED ...]   # default: 1 2; outputs under ${PREMISE29:-/tmp/premise29}
# Scoring (val first; test once, by the pre-registered rule): scripts/premise29/score.py.
# CORPUS: session 19's corpus rebuilt by session 24 (default /tmp/premise24/corpus, read only).
# The random-init arm depends only on the checkpoint's config.json (architecture) and Porto's
# scales, identical for every pretraining seed on one corpus: it is trained once
# ($O/recover_scratch_porto_sS) and shared by every seed, refused if the config.json files differ.
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 5 .venv/bin/python}
O=${PREMISE29:-/tmp/premise29}
CORPUS=${CORPUS:-/tmp/premise24/corpus}
PORTO=${PORTO:-/tmp/stores/porto}
STEPS=${STEPS:-1200}
TASK_STEPS=${TASK_STEPS:-300}
LR=${LR:-5e-4}
FT_SEEDS=${FT_SEEDS:-0 1 2}
PRE_SEEDS=${*:-1 2}
mkdir -p "$O"
source scripts/premise29/shared_scratch.sh

finetune() {  # finetune INIT OUT SEED REFIT: one recovery fine-tune (skipped when it exists)
    [ -f "$2/best/model.safetensors" ] && return 0
    $PY scripts/foundation_eval.py finetune recover "$PORTO" "$1" "$2" --seed "$3" \
        --steps "$TASK_STEPS" --lr "$LR" --refit "$4" > "$2.log" 2>&1
    echo "$2 done $(date -u +%H:%M:%S)"
}

for k in $PRE_SEEDS; do
    PRE=$O/pre_m1_seed$k
    if [ ! -f "$PRE/best/model.safetensors" ]; then
        $PY scripts/similarity_pretrain.py pretrain --corpus "$CORPUS" --out "$PRE" \
            --steps "$STEPS" --weight 1.0 --mix configs/multitask.toml --seed "$k" \
            > "$O/pre_seed$k.log" 2>&1
        echo "pretraining seed $k done $(date -u +%H:%M:%S)"
    fi
    check_shared_scratch "$PRE/best" "$O" "$k"
    for s in $FT_SEEDS; do
        init=$O/init_porto_s$s  # a random init of the architecture, Porto's scales
        [ -e "$init/model.safetensors" ] \
            || $PY scripts/foundation_eval.py init "$PRE/best" "$PORTO" "$init" --seed "$s"
        finetune "$init" "$O/recover_scratch_porto_s$s" "$s" keep
        finetune "$PRE/best" "$O/recover_pre_m1_seed${k}_s$s" "$s" adapt
    done
done
