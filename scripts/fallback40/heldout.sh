#!/usr/bin/env bash
# fallback40's held-out and test read for rule F40, run once after decide.sh passed
# (docs/generalization.md "Session 40 (fallback40)"): steady39's held-out cells (session 12's
# twelve sets, seeds 1000 + i, and the GeoLife val re-cuts at 3-10 fixes; exact through
# steady39's dump.py, whose table reproduces measure.sh's to the digit, against steady39's
# trajlm-small dumps) and PROTOCOL's test prediction (Porto, GeoLife), each with --compare.
set -euo pipefail
F=${FALLBACK40_OUT:-/tmp/fallback40}
S=${STEADY39_OUT:-/tmp/steady39}
export OMP_NUM_THREADS=1 PYTHONPATH=$PWD
PY=${PY:-.venv/bin/python}
V="$F/trajlm-small-f40"
mkdir -p "$F/evals"
(
  for store in porto geolife; do
    nice -n 10 "$PY" -m trajlm.cli eval --task predict --data "/tmp/stores/$store" \
      --threads 1 --model trajlm/checkpoints/trajlm-small --model "$V" \
      --compare "trajlm:trajlm-small-f40,trajlm:trajlm-small" \
      --out "$F/evals/f40_test_$store.json" --overwrite > "$F/evals/f40_test_$store.log" 2>&1
    echo "$store test done"
  done
) &
nice -n 10 "$PY" scripts/steady39/dump.py "$F/dump_s12_f40rule.parquet" "$S"/movers/*[a-z0-9]s.csv \
    --hist 3 4 5 6 7 8 9 10 --model "$V" > "$F/dump_s12_f40rule.log" 2>&1
"$PY" scripts/rollout40/score_movers.py "$S/dump_s12.parquet" "$F/dump_s12_f40rule.parquet" \
    > "$F/movers_s12.md"
tail -1 "$F/movers_s12.md"
nice -n 10 "$PY" scripts/steady39/dump.py "$F/dump_geoval_f40rule.parquet" "$S"/geolife/*.csv \
    --hist 3 4 5 6 7 8 9 10 --model "$V" > "$F/dump_geoval_f40rule.log" 2>&1
"$PY" scripts/rollout40/score_movers.py "$S/dump_geoval.parquet" "$F/dump_geoval_f40rule.parquet" \
    > "$F/movers_geoval.md"
tail -1 "$F/movers_geoval.md"
wait
