#!/usr/bin/env bash
# Session 28 travel-time study (issue 15; docs/travel-time.md "Session 28 (tte28)"): 3 od models
# per data set (configs/tte_od.toml, 1,000 steps, seeds 0-2; trained if missing), the two
# pre-registered MAE arms on val vs GB / gb abs with paired bootstrap CIs, the rule
# (scripts/tte28/mae_arms.py RULE) over both val JSONs, and test ONLY if the rule names an arm.
# Usage: scripts/tte28/run.sh   env: OUT=/tmp/tte28 BIN=.venv/bin PORTO=/tmp/stores/porto
#   GEOLIFE=/tmp/stores/geolife. ~4 min per od model, ~1-5 min per evaluation (loaded 2 cores).
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
BIN=${BIN:-.venv/bin}; OUT=${OUT:-/tmp/tte28}
declare -A STORE=([porto]=${PORTO:-/tmp/stores/porto} [geolife]=${GEOLIFE:-/tmp/stores/geolife})
mkdir -p "$OUT/runs"
for data in porto geolife; do
  runs=()
  for seed in 0 1 2; do
    run="$OUT/runs/$data-s$seed"
    if [[ ! -e "$run/best/model.safetensors" ]]; then
      "$BIN/python" -m trajlm.cli train --data "${STORE[$data]}" --out "$run" \
        --config configs/tte_od.toml --max-steps 1000 --seed "$seed" --threads 1 --overwrite \
        > "$OUT/train-$data-s$seed.log" 2>&1
    fi
    runs+=("$run")
  done
  "$BIN/python" scripts/tte28/mae_arms.py --data "${STORE[$data]}" --split val \
    --runs "$(IFS=,; echo "${runs[*]}")" --out "$OUT/${data}_val.json"
done
"$BIN/python" scripts/tte28/mae_arms.py decide --a "$OUT/porto_val.json" \
  --b "$OUT/geolife_val.json" --out "$OUT/decision.json"
if [[ $("$BIN/python" -c "import json,sys; print(json.load(open(sys.argv[1]))['chosen'])" \
        "$OUT/decision.json") != None ]]; then
  for data in porto geolife; do
    "$BIN/python" scripts/tte28/mae_arms.py --data "${STORE[$data]}" --split test \
      --runs "$OUT/runs/$data-s0,$OUT/runs/$data-s1,$OUT/runs/$data-s2" \
      --decision "$OUT/decision.json" --out "$OUT/${data}_test.json"
  done
else
  echo "the rule named no arm: test is not read"
fi
