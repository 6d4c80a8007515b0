#!/usr/bin/env bash
# fallback40's deciding run for rule F40 (pre-registered, docs/generalization.md
# "Session 40 (fallback40)"): trajlm-small with backtest_fallback_last_after_s = 60 against
# trajlm-small on the two fresh mover sets (r40: rollout40's, f40: ours) and PROTOCOL's
# Porto / GeoLife val. Needs the fresh sets and trajlm-small's dumps of them:
#   python scripts/rollout40/fresh_movers.py --out /tmp/rollout40/fresh
#   python scripts/fallback40/fresh_movers.py --out $F/fresh
#   python scripts/steady39/dump.py /tmp/rollout40/dump_base.parquet /tmp/rollout40/fresh/r40_*[a-z0-9]s.csv --hist 3 4 6 8 10
#   python scripts/steady39/dump.py $F/dump_f40_base.parquet $F/fresh/f40_*[a-z0-9]s.csv --hist 3 4 6 8 10
#   bash scripts/fallback40/decide.sh
set -euo pipefail
F=${FALLBACK40_OUT:-/tmp/fallback40}
R=${ROLLOUT40_OUT:-/tmp/rollout40}
export OMP_NUM_THREADS=1 PYTHONPATH=$PWD
PY=${PY:-.venv/bin/python}
V="$F/trajlm-small-f40"
"$PY" scripts/fallback40/variant.py "$V" backtest_fallback_last_after_s=60
mkdir -p "$F/evals"
nice -n 10 "$PY" scripts/steady39/dump.py "$F/dump_r40_f40rule.parquet" "$R"/fresh/r40_*[a-z0-9]s.csv \
    --hist 3 4 6 8 10 --model "$V" > "$F/dump_r40_f40rule.log" 2>&1
"$PY" scripts/rollout40/score_movers.py "$R/dump_base.parquet" "$F/dump_r40_f40rule.parquet" \
    > "$F/movers_r40.md"
tail -1 "$F/movers_r40.md"
nice -n 10 "$PY" scripts/steady39/dump.py "$F/dump_f40_f40rule.parquet" "$F"/fresh/f40_*[a-z0-9]s.csv \
    --hist 3 4 6 8 10 --model "$V" > "$F/dump_f40_f40rule.log" 2>&1
"$PY" scripts/rollout40/score_movers.py "$F/dump_f40_base.parquet" "$F/dump_f40_f40rule.parquet" \
    > "$F/movers_f40.md"
tail -1 "$F/movers_f40.md"
for store in porto geolife; do
  nice -n 10 "$PY" -m trajlm.cli eval --task predict --data "/tmp/stores/$store" --score-on val \
    --threads 1 --model trajlm/checkpoints/trajlm-small --model "$V" \
    --compare "trajlm:trajlm-small-f40,trajlm:trajlm-small" \
    --out "$F/evals/f40_$store.json" --overwrite > "$F/evals/f40_$store.log" 2>&1
  echo "$store val done"
done
