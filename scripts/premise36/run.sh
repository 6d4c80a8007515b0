#!/usr/bin/env bash
# premise36 (docs/pretraining.md "Session 36 (premise36)"), issue 14's recovery random 50 % row:
# two arms of premise35's recipe V (scripts/premise35/finetune_val.py finetune: 600 steps, warmup
# 20, eval every 50 on the held-out 10 % of Porto's TRAIN trips $PREMISE35/porto_ft, best kept).
#   bash scripts/premise36/run.sh s3        # scratch at lr 1.5e-4 (premise35c arm L's step size):
#                                            # premise33's random inits, `keep`, fine-tune seeds 0-2
#   bash scripts/premise36/run.sh f [K ...]  # arm F: premise35b's zeroed-head pretrained inits
#                                            # (pretraining seeds K, default 1 0 2), body frozen
#                                            # (--freeze-body), lr 5e-4, `adapt`
# Outputs under ${PREMISE36:-/tmp/premise36}/{s3,f}; a finished run (train_summary.json) is skipped.
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 10 .venv/bin/python}
O=${PREMISE36:-/tmp/premise36}
P35=${PREMISE35:-/tmp/premise35}
P33=${PREMISE33:-/tmp/premise33}
[ $# -ge 1 ] || { echo "usage: run.sh s3|f [PRETRAINING_SEED ...]" >&2; exit 2; }
arm=$1
shift
case $arm in
    f) LR=5e-4 ZOUT=$O/f FT_ARGS=--freeze-body exec bash scripts/premise35b/run.sh "$@" ;;
    s3) ;;
    *) echo "run.sh: arm must be s3 or f, got '$arm'" >&2; exit 2 ;;
esac
[ -f "$P35/porto_ft/manifest.json" ] \
    || { echo "run.sh: $P35/porto_ft missing (bash scripts/premise35/run.sh v)" >&2; exit 2; }
mkdir -p "$O/s3"
for s in ${FT_SEEDS:-0 1 2}; do
    init="$P33/init_porto_s$s"
    [ -f "$init/model.safetensors" ] \
        || { echo "run.sh: $init missing (bash scripts/premise33/run.sh)" >&2; exit 2; }
    out="$O/s3/r50_scratch_porto_s$s"
    [ -f "$out/train_summary.json" ] && continue
    $PY scripts/premise35/finetune_val.py finetune "$P35/porto_ft" "$init" "$out" --seed "$s" \
        --refit keep --steps 600 --eval-every 50 --lr 1.5e-4 > "$out.log" 2>&1
    echo "$out done $(date -u +%H:%M:%S): $(tail -1 "$out.log")"
done
