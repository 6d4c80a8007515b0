#!/usr/bin/env bash
# newuser39: the Trondheim store's test split, the own-corpus runs (3 seeds, cleaned source;
# the seed-0 run before the fix, bad fixes kept) beside trajlm-small and the baselines, paired.
#   OUT=/tmp/newuser39 bash scripts/newuser39/eval.sh
set -euo pipefail
OUT=${OUT:-/tmp/newuser39}
BIN=${BIN:-.venv/bin}
mkdir -p "$OUT/eval"
cmp=()
for s in 0 1 2; do
    cmp+=(--compare "trajlm:run_s$s,constant velocity" --compare "trajlm:run_s$s,kNN continuation (place-aware)"
          --compare "trajlm:run_s$s,kNN continuation" --compare "trajlm:run_s$s,trajlm:trajlm-small")
done
$BIN/python -m trajlm.cli eval --task predict --data "$OUT/stores/trd_clean" \
    --model "$OUT/pre_clean/run_s0" --model "$OUT/pre_clean/run_s1" --model "$OUT/pre_clean/run_s2" \
    --model "$OUT/pretrain/run" --model trajlm-small "${cmp[@]}" \
    --compare "trajlm:run_s0,trajlm:run" --out "$OUT/eval/after.json" --overwrite
