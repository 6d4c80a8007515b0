#!/usr/bin/env bash
# rollout40's val rule for ARM (pre-registered, docs/generalization.md "Session 40 (rollout40)"):
# 1. Porto and GeoLife val (PROTOCOL's windows, --score-on val): the ARM's 3 seeds' mean row
#    over trajlm-small, paired bootstrap CI (and the control's seeds, when built, as rows);
# 2. the fresh steady movers: steady39's dump.py per model, then score_movers.py.
#   ARM=steady_ft bash scripts/rollout40/val.sh        (after finetune.sh ARM 0 / 1 / 2)
# Needs /tmp/stores/porto and /tmp/stores/geolife (PROTOCOL's split) and the fresh movers
# (python scripts/rollout40/fresh_movers.py --out $R/fresh). Outputs under $R.
set -euo pipefail
R=${ROLLOUT40_OUT:-/tmp/rollout40}
ARM=${ARM:-steady_ft}
export OMP_NUM_THREADS=1 PYTHONPATH=$PWD
PY=${PY:-.venv/bin/python}
models=()
for s in 0 1 2; do models+=(--model "$R/${ARM}_s$s/model"); done
for c in "$R"/control_ft_s*/model; do [ -d "$c" ] && models+=(--model "$c"); done
mkdir -p "$R/evals"
for store in porto geolife; do
  nice -n 10 "$PY" -m trajlm.cli eval --task predict --data "/tmp/stores/$store" --score-on val \
    --threads 1 --model trajlm/checkpoints/trajlm-small "${models[@]}" \
    --compare "trajlm (mean ± std over 3 runs),trajlm:trajlm/checkpoints/trajlm-small" \
    --out "$R/evals/${ARM}_$store.json" --overwrite > "$R/evals/${ARM}_$store.log" 2>&1
  echo "$store val done"
done
[ -f "$R/dump_base.parquet" ] || nice -n 10 "$PY" scripts/steady39/dump.py "$R/dump_base.parquet" \
    "$R"/fresh/r40_*[a-z0-9]s.csv --hist 3 4 6 8 10 > "$R/dump_base.log" 2>&1
dumps=()
for s in 0 1 2; do
  d="$R/dump_${ARM}_s$s.parquet"
  [ -f "$d" ] || nice -n 10 "$PY" scripts/steady39/dump.py "$d" "$R"/fresh/r40_*[a-z0-9]s.csv \
      --hist 3 4 6 8 10 --model "$R/${ARM}_s$s/model" > "${d%.parquet}.log" 2>&1
  dumps+=("$d")
done
"$PY" scripts/rollout40/score_movers.py "$R/dump_base.parquet" "${dumps[@]}" > "$R/movers_$ARM.md"
tail -1 "$R/movers_$ARM.md"
