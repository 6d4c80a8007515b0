#!/usr/bin/env bash
# premise35 (docs/pretraining.md "Session 35 (premise35)"), issue 14's recovery random 50 % row:
# premise30's recipe (a) fine-tune stopped on a held-out 10 % of Porto's TRAIN trips
# (scripts/premise35/finetune_val.py: eval every $EVAL steps up to $FT_STEPS, best kept in
# OUT/best), on premise33's three Akima pretrainings (reused, never pretrained again here) and on
# premise33's random inits of the same architecture (scratch).
#   bash scripts/premise35/run.sh v [PRETRAINING_SEED ...]   # recipe V (val-stopped); default 1 0 2
#   bash scripts/premise35/run.sh g [PRETRAINING_SEED ...]   # arm G: V + recovery_gate = true in both arms
# Order: for each fine-tune seed s: scratch s, then pretrained seed k, s for each k.
# Outputs under ${PREMISE35:-/tmp/premise35}/{v,g}; the held-out store under $O/porto_ft.
# Scoring: scripts/premise30/score.py --scratch $O/ARM/r50_scratch_porto --pretrained seedK=$O/ARM/r50_pre_akima_seedK
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 10 .venv/bin/python}
O=${PREMISE35:-/tmp/premise35}
P33=${PREMISE33:-/tmp/premise33}
PORTO=${PORTO:-/tmp/stores/porto}
FT_SEEDS=${FT_SEEDS:-0 1 2}
FT_STEPS=${FT_STEPS:-600}
EVAL=${EVAL:-50}
F=scripts/premise35/finetune_val.py
[ $# -ge 1 ] || { echo "usage: run.sh v|g [PRETRAINING_SEED ...]" >&2; exit 2; }
arm=$1
case $arm in v | g) ;; *) echo "run.sh: arm must be v or g, got '$arm'" >&2; exit 2 ;; esac
shift
seeds=${*:-1 0 2}
for k in $seeds; do
    [ -f "$P33/pre_akima_seed$k/best/model.safetensors" ] \
        || { echo "run.sh: $P33/pre_akima_seed$k missing (bash scripts/premise33/run.sh $k)" >&2; exit 2; }
done
mkdir -p "$O/$arm"
[ -f "$O/porto_ft/manifest.json" ] || $PY $F split "$PORTO" "$O/porto_ft"

init_of() {  # init_of DIR SEED: DIR itself (arm v) or its gated copy (arm g)
    if [ "$arm" = v ]; then echo "$1"; return; fi
    local out="$O/g/inits/$(echo "$1" | tr / _)_gate_s$2"
    [ -f "$out/model.safetensors" ] || $PY $F gate "$1" "$out" --seed "$2" >&2
    echo "$out"
}

finetune() {  # finetune INIT OUT SEED REFIT (skipped when done)
    [ -f "$2/train_summary.json" ] && return 0
    $PY $F finetune "$O/porto_ft" "$1" "$2" --seed "$3" --refit "$4" --steps "$FT_STEPS" \
        --eval-every "$EVAL" > "$2.log" 2>&1
    echo "$2 done $(date -u +%H:%M:%S): $(tail -1 "$2.log")"
}

for s in $FT_SEEDS; do
    finetune "$(init_of "$P33/init_porto_s$s" "$s")" "$O/$arm/r50_scratch_porto_s$s" "$s" keep
    for k in $seeds; do
        finetune "$(init_of "$P33/pre_akima_seed$k/best" "$s")" "$O/$arm/r50_pre_akima_seed${k}_s$s" "$s" adapt
    done
done
