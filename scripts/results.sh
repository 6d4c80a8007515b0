#!/usr/bin/env bash
# Reproduce docs/results.md prediction tables: ingest -> train 3 seeds -> eval beside baselines.
# Usage: scripts/results.sh porto|geolife   (synth: the synthetic city, for a smoke test)
#   env: OUT=out/results  STEPS=2000  CONFIG=configs/porto.toml  SHIFT="clock=+8h weekday=+3"
# ~20-30 min per data set on 2 CPU cores (each run uses one thread; early stopping on val).
# Also writes beat_test.json/.md: the 3 runs' paired bootstrap 95 % CI against the best
# baseline (scripts/beat_baselines.py, issue 15).
# SELECTOR=1 (default): also 3 seeds of the candidate selector over retrieved futures
# (trajlm train-selector, SELECTOR_CONFIG=configs/porto_selector.toml, docs/candidates.md):
# its own "candidate selector (mean ± std over 3 runs)" row in eval_predict.json and its own
# arm in beat_test.json. ~15 min more on Porto (one thread). SELECTOR=0 leaves it out.
# RECOVERY=1 (default): also 3 seeds of route-retrieval recovery (trajlm train-recovery,
# RECOVERY_CONFIG=configs/porto_recovery.toml, docs/recovery-retrieval.md): eval_recover.json
# (every recovery baseline + a "route recovery (mean ± std)" row) and route_recovery_test.md
# (CIs vs the best baseline per setting, scripts/route_recovery_ci.py). ~8 min more on Porto.
# KEEP_COPIES=1 (default): GeoLife is ingested with --keep-copies, PROTOCOL's split (3,329
# segments / 333 test: users 081 and 125 share 24 byte-identical .plt files, read twice);
# KEEP_COPIES=0: read once, as `trajlm data ingest` does by default (3,272 / 328; session 22).
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,18p' "$0" | cut -c3-; exit 0 ;; esac
DATA=${1:?usage: scripts/results.sh porto|geolife}
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/results}/$DATA; STEPS=${STEPS:-2000}
CONFIG=${CONFIG:-configs/porto.toml}; SELECTOR=${SELECTOR:-1}
SELECTOR_CONFIG=${SELECTOR_CONFIG:-configs/porto_selector.toml}
RECOVERY=${RECOVERY:-1}; RECOVERY_CONFIG=${RECOVERY_CONFIG:-configs/porto_recovery.toml}; shifts=(); for s in ${SHIFT:-}; do shifts+=(--shift "$s"); done
SHARED=${SHARED:-${TRAJLM_DATA:-../shared/data}}
mkdir -p "$OUT"
copies=(); [ "${KEEP_COPIES:-1}" = 1 ] && copies=(--keep-copies)
case "$DATA" in
  porto)   "$BIN/trajlm" data ingest "$SHARED/porto/train.1k.csv" --format porto --out "$OUT/store" --on-error skip --overwrite ;;
  geolife) "$BIN/trajlm" data ingest "$SHARED/geolife/Data" --format geolife --out "$OUT/store" --on-error skip --overwrite "${copies[@]}" ;;
  synth)   "$BIN/trajlm" data synth --out "$OUT/store" -n "${N_SYNTH:-200}" --overwrite ;;  # smoke test
  *) echo "unknown data set $DATA"; exit 2 ;;
esac
models=(); runs=""
for seed in 0 1 2; do
  run="$OUT/run-s$seed"
  "$BIN/trajlm" train --data "$OUT/store" --out "$run" --config "$CONFIG" \
    --max-steps "$STEPS" --seed "$seed" --overwrite > "$OUT/train-s$seed.log" 2>&1
  models+=(--model "$run/best"); runs="$runs${runs:+,}$run"
done
arms=(--arm "trajlm=$runs")
if [ "$SELECTOR" = 1 ]; then
  sels=""
  for seed in 0 1 2; do
    sel="$OUT/selector-s$seed"
    "$BIN/trajlm" train-selector --data "$OUT/store" --out "$sel" --config "$SELECTOR_CONFIG" \
      --seed "$seed" --overwrite > "$OUT/selector-s$seed.log" 2>&1
    models+=(--model "$sel"); sels="$sels${sels:+,}$sel"
  done
  arms+=(--arm "selector=$sels")
fi
"$BIN/trajlm" eval --task predict --data "$OUT/store" "${models[@]}" --seeds 1 "${shifts[@]}" \
  --out "$OUT/eval_predict.json" --overwrite
"$BIN/python" scripts/beat_baselines.py --data "$OUT/store" --split test "${arms[@]}" \
  --out "$OUT/beat_test.json"
"$BIN/python" scripts/plot_results.py "$OUT"
if [ "$RECOVERY" = 1 ]; then
  recs=()
  for seed in 0 1 2; do
    rec="$OUT/recovery-s$seed"
    "$BIN/trajlm" train-recovery --data "$OUT/store" --out "$rec" --config "$RECOVERY_CONFIG" \
      --seed "$seed" --overwrite > "$OUT/recovery-s$seed.log" 2>&1
    recs+=("$rec")
  done
  rec_models=(); for rec in "${recs[@]}"; do rec_models+=(--model "$rec"); done
  "$BIN/trajlm" eval --task recover --data "$OUT/store" "${rec_models[@]}" \
    --out "$OUT/eval_recover.json" --overwrite
  "$BIN/python" scripts/route_recovery_ci.py --data "$OUT/store" --split test \
    --model "${recs[@]}" --out "$OUT"
fi
