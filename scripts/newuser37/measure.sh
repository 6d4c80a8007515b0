#!/usr/bin/env bash
# newuser37: a small trajlm model (3 training seeds) beside constant velocity and the other
# baselines on a seeded ETH / UCY-style plaza, 3 s in / 5 s out at the store's 1-s steps (the
# 8-in / 12-out benchmark at 0.4 s, thinned to a whole-second store), every window of each test
# walker; paired bootstrap 95 % CIs from `trajlm eval --compare`. Synthetic walkers: this says
# the pipeline works end to end, not how trajlm does on real pedestrians.
#   NEWUSER37=/some/dir bash scripts/newuser37/measure.sh     (default /tmp/newuser37/measure)
set -euo pipefail
OUT=${NEWUSER37:-/tmp/newuser37}/measure
STEPS=${STEPS:-300}
mkdir -p "$OUT"
export OMP_NUM_THREADS=1
python scripts/newuser37/gen_ethucy.py --out "$OUT/raw" --seed 41 --peds 600
[ -d "$OUT/store" ] || trajlm data ingest "$OUT/raw/biwi_plaza.txt" --out "$OUT/store" \
    --time-origin 2026-12-07T12:00Z
for s in 0 1 2; do
  [ -d "$OUT/run$s" ] || trajlm train --data "$OUT/store" --out "$OUT/run$s" --max-steps "$STEPS" --seed "$s"
done
# 3 in: the benchmark's 3.2 s; 8 in: a longer history (the default config gates a history of
# under 3 scored steps to constant velocity: model/config.py backtest_prior, steady22)
for HIST in 3 8; do
  trajlm eval --task predict --data "$OUT/store" --model "$OUT/run0" --model "$OUT/run1" \
      --model "$OUT/run2" --obs-len "$HIST" --pred-len 5 --windows all --no-fallback \
      --compare "trajlm (mean ± std over 3 runs),constant velocity" \
      --compare "trajlm (mean ± std over 3 runs),kNN continuation" \
      --out "$OUT/eval_predict_in$HIST.json" --overwrite "$@"
done
