#!/usr/bin/env bash
# Session 38 (xcity38): train one of the re-run's seeds with session 7's code (commit 5e1ed36,
# exported by `git archive` under $X/old, the shared venv's dependencies) to tell a code change
# from seed / machine noise: the two runs' best/ weights are compared by SHA-256 and scored on
# the same test split with today's scripts/pretrain_eval.py.
#   X=/tmp/xcity38 STORE=/tmp/stores/geolife NAME=geolife SEED=0 bash scripts/xcity38/oldcode.sh
set -euo pipefail
X=${X:-/tmp/xcity38}
STORE=${STORE:-/tmp/stores/geolife}
NAME=${NAME:-geolife}
SEED=${SEED:-0}
PY=$PWD/.venv/bin/python
export OMP_NUM_THREADS=1
OLD=$X/old
[ -d "$OLD/trajlm" ] || { mkdir -p "$OLD"; git archive 5e1ed36 trajlm configs | tar -x -C "$OLD"; }
RUN=$X/old_runs/${NAME}_robust_aug_scale_s$SEED
NEW=$X/runs/${NAME}_robust_aug_scale_s$SEED
mkdir -p "$X/old_runs"
if [ ! -f "$RUN/best/model.safetensors" ]; then
    (cd "$OLD" && PYTHONPATH=$OLD nice -n 10 "$PY" -m trajlm.cli train --data "$STORE" --out "$RUN" \
        --config configs/robust_aug_scale.toml --max-steps 600 --seed "$SEED" --threads 1 \
        --overwrite > "$RUN.log" 2>&1)
fi
sha256sum "$RUN/best/model.safetensors" "$NEW/best/model.safetensors"
grep -h '"best_step"' "$RUN/train_summary.json" "$NEW/train_summary.json" || true
PYTHONPATH=$PWD nice -n 10 "$PY" scripts/pretrain_eval.py --data "$STORE" --split test \
    --label "$NAME test, seed $SEED" --model "session-7 code=$RUN/best" --model "today=$NEW/best" \
    --out "$X/out/oldcode_${NAME}_s$SEED.json"
