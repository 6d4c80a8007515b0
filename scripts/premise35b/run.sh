#!/usr/bin/env bash
# premise35b (docs/pretraining.md "Session 35 (premise35b)"), issue 14's recovery random 50 % row:
# premise35's recipe V (scripts/premise35/finetune_val.py finetune, unchanged: 600 steps, eval
# every 50 on the held-out 10 % of Porto's TRAIN trips, best kept) from premise33's Akima
# pretrainings with their infill head reset to zero (scripts/premise35b/zero_head.py). Scratch is
# not rerun: premise35's recipe V scratch runs ($PREMISE35/v/r50_scratch_porto_sS) are the same
# recipe, the same held-out store and the same random inits.
#   bash scripts/premise35b/run.sh [PRETRAINING_SEED ...]   # default 1 0 2
# Order: for each pretraining seed k (in the order given): fine-tune seeds $FT_SEEDS (0 1 2).
# Outputs under ${PREMISE35B:-/tmp/premise35b}/z (or $ZOUT); zeroed inits under $O/inits.
# LR (default 5e-4, recipe V's) is the fine-tune's peak learning rate (premise35c: 1.5e-4);
# FT_ARGS (default none) more finetune_val.py options (premise36's arm F: --freeze-body).
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 10 .venv/bin/python}
O=${PREMISE35B:-/tmp/premise35b}
P35=${PREMISE35:-/tmp/premise35}
P33=${PREMISE33:-/tmp/premise33}
FT_SEEDS=${FT_SEEDS:-0 1 2}
ZOUT=${ZOUT:-$O/z}
LR=${LR:-5e-4}
read -r -a ft_args <<< "${FT_ARGS:-}"
seeds=${*:-1 0 2}
for k in $seeds; do
    [ -f "$P33/pre_akima_seed$k/best/model.safetensors" ] \
        || { echo "run.sh: $P33/pre_akima_seed$k missing (bash scripts/premise33/run.sh $k)" >&2; exit 2; }
done
[ -f "$P35/porto_ft/manifest.json" ] \
    || { echo "run.sh: $P35/porto_ft missing (bash scripts/premise35/run.sh v)" >&2; exit 2; }
mkdir -p "$ZOUT" "$O/inits"
for k in $seeds; do
    init="$O/inits/pre_akima_seed${k}_zero"
    [ -f "$init/model.safetensors" ] || $PY scripts/premise35b/zero_head.py "$P33/pre_akima_seed$k/best" "$init"
    for s in $FT_SEEDS; do
        out="$ZOUT/r50_pre_akima_seed${k}_s$s"
        [ -f "$out/train_summary.json" ] && continue
        $PY scripts/premise35/finetune_val.py finetune "$P35/porto_ft" "$init" "$out" --seed "$s" \
            --refit adapt --steps 600 --eval-every 50 --lr "$LR" ${ft_args[@]+"${ft_args[@]}"} > "$out.log" 2>&1
        echo "$out done $(date -u +%H:%M:%S): $(tail -1 "$out.log")"
    done
done
