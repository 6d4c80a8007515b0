#!/usr/bin/env bash
# premise35c (docs/pretraining.md "Session 35 (premise35c)"), issue 14's recovery random 50 % row:
# premise35b's pretrained arm (premise33's Akima pretrainings with the infill head zeroed,
# scripts/premise35b/zero_head.py, then premise35's recipe V: 600 steps, eval every 50 on the
# held-out 10 % of Porto's TRAIN trips, best kept) with the peak learning rate x0.3
# (5e-4 -> 1.5e-4; chosen before any run, not tuned): the usual fine-tuning practice of moving a
# pretrained body less. Scratch is not rerun: premise35's recipe V scratch runs
# ($PREMISE35/v/r50_scratch_porto_sS, lr 5e-4, the recipe a random init is trained with).
#   bash scripts/premise35c/run.sh [PRETRAINING_SEED ...]   # default 1 0 2
# Order: for each pretraining seed k (in the order given): fine-tune seeds $FT_SEEDS (0 1 2).
# Outputs under ${PREMISE35C:-/tmp/premise35c}/l; zeroed inits reused from $PREMISE35B/inits
# (made here with zero_head.py when missing).
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 10 .venv/bin/python}
O=${PREMISE35C:-/tmp/premise35c}
P35=${PREMISE35:-/tmp/premise35}
P35B=${PREMISE35B:-/tmp/premise35b}
P33=${PREMISE33:-/tmp/premise33}
FT_SEEDS=${FT_SEEDS:-0 1 2}
LR=${LR:-1.5e-4}
seeds=${*:-1 0 2}
for k in $seeds; do
    [ -f "$P35B/inits/pre_akima_seed${k}_zero/model.safetensors" ] \
        || [ -f "$P33/pre_akima_seed$k/best/model.safetensors" ] \
        || { echo "run.sh: $P33/pre_akima_seed$k missing (bash scripts/premise33/run.sh $k)" >&2; exit 2; }
done
[ -f "$P35/porto_ft/manifest.json" ] \
    || { echo "run.sh: $P35/porto_ft missing (bash scripts/premise35/run.sh v)" >&2; exit 2; }
mkdir -p "$O/l" "$O/inits"
for k in $seeds; do
    init="$P35B/inits/pre_akima_seed${k}_zero"
    if [ ! -f "$init/model.safetensors" ]; then
        init="$O/inits/pre_akima_seed${k}_zero"
        [ -f "$init/model.safetensors" ] || $PY scripts/premise35b/zero_head.py "$P33/pre_akima_seed$k/best" "$init"
    fi
    for s in $FT_SEEDS; do
        out="$O/l/r50_pre_akima_seed${k}_s$s"
        [ -f "$out/train_summary.json" ] && continue
        $PY scripts/premise35/finetune_val.py finetune "$P35/porto_ft" "$init" "$out" --seed "$s" \
            --refit adapt --steps 600 --eval-every 50 --lr "$LR" > "$out.log" 2>&1
        echo "$out done $(date -u +%H:%M:%S): $(tail -1 "$out.log")"
    done
done
