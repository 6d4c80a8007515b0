#!/usr/bin/env bash
# subsec39: the pre-registered arm(s) on subsec38's 0.4-s plaza (docs/data.md "Session 39
# (subsec39)"). Trains ARM (scripts/subsec39/ARM.toml) at 300 steps with seeds 0 / 1 / 2 on the
# measure store (scripts/subsec38/measure.sh's: gen_ethucy.py --seed 41, --sub-second), then
# scores the 3 runs on VAL (8 in / 12 out, --score-on val) beside kNN continuation and constant
# velocity. SPLIT=test reads test instead: only for an arm that passed the val rule, once.
#   ARM=rollout12 STORE=/tmp/subsec38b/after/measure/store SUBSEC39=/tmp/subsec39 bash scripts/subsec39/arms.sh
set -euo pipefail
ARM=${ARM:-rollout12}
OUT=${SUBSEC39:-/tmp/subsec39}/arms/$ARM
STORE=${STORE:-${SUBSEC39:-/tmp/subsec39}/measure/store}
SPLIT=${SPLIT:-val}
export OMP_NUM_THREADS=1
mkdir -p "$OUT"
if [ ! -d "$STORE" ]; then
  python scripts/newuser37/gen_ethucy.py --out "$STORE.raw" --seed 41 --peds 600
  trajlm data ingest "$STORE.raw/biwi_plaza.txt" --out "$STORE" --time-origin 2026-12-07T12:00Z --sub-second
fi
for s in 0 1 2; do
  # a run without its summary was cut short (300 steps save no trainer state): started again
  [ -f "$OUT/run$s/train_summary.json" ] || trajlm train --data "$STORE" --overwrite \
      --config "scripts/subsec39/$ARM.toml" --out "$OUT/run$s" --max-steps 300 --seed "$s" --no-val-check
done
trajlm eval --task predict --data "$STORE" --model "$OUT/run0" --model "$OUT/run1" \
    --model "$OUT/run2" --obs-len 8 --pred-len 12 --windows all --no-fallback --score-on "$SPLIT" \
    --compare "trajlm (mean ± std over 3 runs),kNN continuation" \
    --compare "trajlm (mean ± std over 3 runs),constant velocity" \
    --out "$OUT/eval_$SPLIT.json" --overwrite
