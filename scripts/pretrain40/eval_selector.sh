#!/usr/bin/env bash
# pretrain40 (c): the selectors fitted by selector_seeds.sh beside newuser39's own-corpus runs,
# trajlm-small and the baselines on the Trondheim store, paired (--compare). SPLIT=val first
# (the decision); SPLIT=test once, only if val says the selector helps.
#   OUT=/tmp/pretrain40 SPLIT=val bash scripts/pretrain40/eval_selector.sh
set -euo pipefail
OUT=${OUT:-/tmp/pretrain40}
NU=${NU:-/tmp/newuser39}
STORE=${STORE:-$NU/stores/trd_clean}
SPLIT=${SPLIT:-val}
BIN=${BIN:-.venv/bin}
cmp=()
models=()
for s in ${SEEDS:-0 1 2}; do
    models+=(--model "$OUT/sel_s$s")
    cmp+=(--compare "${SEL_ROW:-candidate selector}:sel_s$s,kNN continuation (place-aware)"
          --compare "${SEL_ROW:-candidate selector}:sel_s$s,trajlm:run_s$s")
done
$BIN/python -m trajlm.cli eval --task predict --data "$STORE" --score-on "$SPLIT" "${models[@]}" \
    --model "$NU/pre_clean/run_s0" --model "$NU/pre_clean/run_s1" --model "$NU/pre_clean/run_s2" \
    "${cmp[@]}" --out "$OUT/eval_$SPLIT.json" --overwrite
