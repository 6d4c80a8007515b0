#!/usr/bin/env bash
# premise29 diagnosis (VAL only; docs/pretraining.md "Session 29 (premise29)"): the recovery
# fine-tune's budget for both arms, one fine-tune seed, each variant STEPS:LR trained for the
# scratch arm and the pretrained arm of pretraining seed K (run.sh's inits and checkpoint), then
# scored on val with score.py (pretrained - scratch per variant).
#   bash scripts/premise29/diag.sh K SEED STEPS:LR ...   # e.g. 1 0 600:5e-4 300:1e-3; outputs under ${PREMISE29:-/tmp/premise29}/diag
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 5 .venv/bin/python}
O=${PREMISE29:-/tmp/premise29}
PORTO=${PORTO:-/tmp/stores/porto}
k=${1:?usage: diag.sh PRETRAINING_SEED FINETUNE_SEED STEPS:LR ...}
s=${2:?usage: diag.sh PRETRAINING_SEED FINETUNE_SEED STEPS:LR ...}
shift 2
D=$O/diag
mkdir -p "$D"
for variant in "$@"; do
    IFS=: read -r steps lr <<< "$variant"
    tag=${steps}_$lr
    for arm in scratch pre; do
        init=$O/init_porto_s$s refit=keep
        [ $arm = pre ] && init=$O/pre_m1_seed$k/best refit=adapt
        out=$D/${arm}_${tag}_s$s
        [ -f "$out/best/model.safetensors" ] && continue
        $PY scripts/foundation_eval.py finetune recover "$PORTO" "$init" "$out" --seed "$s" \
            --steps "$steps" --lr "$lr" --refit "$refit" > "$out.log" 2>&1
        echo "$out done $(date -u +%H:%M:%S)"
    done
    $PY scripts/premise29/score.py --data "$PORTO" --split val --seeds "$s" \
        --scratch "$D/scratch_${tag}" --pretrained "seed$k=$D/pre_${tag}" --out "$D/val_$tag" \
        > "$D/val_$tag.log" 2>&1
done
