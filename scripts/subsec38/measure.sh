#!/usr/bin/env bash
# subsec38: newuser37's measure at the pedestrian benchmark's own rate. One seeded plaza of 600
# walkers (gen_ethucy.py --seed 41, fixes every 0.4 s) ingested with --sub-second (every fix
# kept at its exact time), `trajlm train` of the default config at 300 steps with seeds 0 / 1 / 2,
# then `eval --task predict --obs-len 8 --pred-len 12` (8 observed / 12 predicted steps of
# 0.4 s: ADE = the MAE column, FDE) on every window of each test walker, beside constant
# velocity and kNN continuation (tuned on val); paired bootstrap 95 % CIs from --compare.
# Synthetic walkers: the pipeline at 0.4 s end to end, not trajlm on real ETH / UCY scenes.
#   SUBSEC38=/some/dir bash scripts/subsec38/measure.sh     (default /tmp/subsec38/measure)
set -euo pipefail
OUT=${SUBSEC38:-/tmp/subsec38}/measure
STEPS=${STEPS:-300}
mkdir -p "$OUT"
export OMP_NUM_THREADS=1
python scripts/newuser37/gen_ethucy.py --out "$OUT/raw" --seed 41 --peds 600
[ -d "$OUT/store" ] || trajlm data ingest "$OUT/raw/biwi_plaza.txt" --out "$OUT/store" \
    --time-origin 2026-12-07T12:00Z --sub-second
trajlm data inspect "$OUT/store" > "$OUT/inspect.txt"
for s in 0 1 2; do
  [ -d "$OUT/run$s" ] || trajlm train --data "$OUT/store" --out "$OUT/run$s" --max-steps "$STEPS" --seed "$s"
done
trajlm eval --task predict --data "$OUT/store" --model "$OUT/run0" --model "$OUT/run1" \
    --model "$OUT/run2" --obs-len 8 --pred-len 12 --windows all --no-fallback \
    --compare "trajlm (mean ± std over 3 runs),constant velocity" \
    --compare "trajlm (mean ± std over 3 runs),kNN continuation" \
    --out "$OUT/eval_predict_8in12.json" --overwrite "$@"
