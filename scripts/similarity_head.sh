#!/usr/bin/env bash
# Session 10 (issue 14, docs/pretraining.md "Session 10: similarity with a projection head"):
# per store, a val sweep of contrastive recipes (seed 0, both arms: the pretrained checkpoint
# and a random init of its architecture), the fixed rule (`similarity_premise.py pick`: best
# val top-1 on the clock-shifted hard queries, per arm, over recipe x {raw, whiten}), then the
# test split once per arm, seeds 0-2, with the distance baselines and paired bootstrap CIs.
#   PY=python PRE=runs/f6k/pre_corpus/best OUT=out/sim10 bash scripts/similarity_head.sh
# Idempotent: a (recipe, arm) already in sweep.jsonl, a cached fine-tune or a finished
# test.md is reused. One CPU thread.
set -euo pipefail
PY=${PY:-python}
PRE=${PRE:-runs/f6k/pre_corpus/best}
OUT=${OUT:-out/sim10}
STORES=${STORES:-porto:/tmp/stores/porto geolife:/tmp/stores/geolife}
CONFIGS=${CONFIGS:-1e-3:0.1:16:final:aug 1e-3:0.1:16:final:aug:proj32}
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
S="$PY scripts/similarity_premise.py"
for entry in $STORES; do
    name=${entry%%:*}; store=${entry#*:}
    A="--data $store --pretrained $PRE --cache $OUT/$name/models"  # the seed-0 runs are reused
    if [ ! -f "$OUT/$name/sweep.md" ]; then
        # shellcheck disable=SC2086
        $S sweep $A --out "$OUT/$name" --norms raw whiten --configs $CONFIGS >> "$OUT/$name.sweep.log" 2>&1
    fi
    # shellcheck disable=SC2086
    read -r _ pc pn <<< "$($S pick $A --out "$OUT/$name" --arms pretrained)"
    # shellcheck disable=SC2086
    read -r _ sc sn <<< "$($S pick $A --out "$OUT/$name" --arms random)"
    echo "$name: pretrained $pc $pn | random init $sc $sn"
    if [ ! -f "$OUT/$name-test/test.md" ]; then
        # shellcheck disable=SC2086
        $S test $A --out "$OUT/$name-test" --pre-config "$pc" --norm "$pn" \
            --scratch-config "$sc" --scratch-norm "$sn" > "$OUT/$name-test.log" 2>&1
    fi
    cat "$OUT/$name-test/test.md"
done
