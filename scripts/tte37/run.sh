#!/usr/bin/env bash
# Session 37 travel-time study (issue 15, GeoLife only; docs/travel-time.md "Session 37 (tte37)";
# pre-registered in scripts/tte37/PREREG.md): 3 fresh od models (configs/tte_od.toml, 1,000
# steps, seeds 0-2; trained if missing), session 28's residual head over `gb abs` on val vs GB /
# gb abs, the GeoLife-only rule, and test ONCE only if the rule passes.
# Usage: scripts/tte37/run.sh   env: OUT=/tmp/tte37 BIN=.venv/bin GEOLIFE=/tmp/stores/geolife
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
BIN=${BIN:-.venv/bin}; OUT=${OUT:-/tmp/tte37}; STORE=${GEOLIFE:-/tmp/stores/geolife}
PY=(nice -n 10 "$BIN/python")
mkdir -p "$OUT/runs"
runs=()
for seed in 0 1 2; do
  run="$OUT/runs/geolife-s$seed"
  if [[ ! -e "$run/best/model.safetensors" ]]; then
    "${PY[@]}" -m trajlm.cli train --data "$STORE" --out "$run" --config configs/tte_od.toml \
      --max-steps 1000 --seed "$seed" --threads 1 --overwrite > "$OUT/train-geolife-s$seed.log" 2>&1
  fi
  runs+=("$run")
done
RUNS=$(IFS=,; echo "${runs[*]}")
"${PY[@]}" scripts/tte37/geolife.py val --data "$STORE" --split val --runs "$RUNS" \
  --out "$OUT/geolife_val.json"
"${PY[@]}" scripts/tte37/geolife.py decide --val "$OUT/geolife_val.json" --out "$OUT/decision.json"
if [[ -e "$OUT/geolife_test.json" ]]; then
  echo "$OUT/geolife_test.json exists: test was read once already; not read again"
elif [[ $("$BIN/python" -c "import json,sys; print(json.load(open(sys.argv[1]))['chosen'])" \
          "$OUT/decision.json") != None ]]; then
  "${PY[@]}" scripts/tte28/mae_arms.py --data "$STORE" --split test --runs "$RUNS" \
    --decision "$OUT/decision.json" --out "$OUT/geolife_test.json"
else
  echo "the rule did not pass on val: test is not read"
fi
