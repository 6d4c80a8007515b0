#!/usr/bin/env bash
# Build the trajlm-small checkpoint (trajlm/checkpoints/trajlm-small/): the corpus of
# redistributable data only (configs/pretrain_small.toml: Porto CC BY 4.0 + trajlm's synthetic
# cities), the trajlm-small recipe (configs/trajlm_small.toml: the pretraining recipe's trajectory
# frame + context dropout, the residual on constant velocity, speed augmentation and the
# scale-invariant residual), seed 0, one CPU thread, then its val-selected weights copied into
# the package folder (git ignores them: the repository holds no weights); bit for bit: the
# SHA-256 in MODEL_CARD.md is the file its metrics were measured on.
# MODEL_CARD.md beside them is not touched (its metrics: scripts/pretrain_results.sh).
#   SHARED=../shared/data bash scripts/build_trajlm_small.sh      (2.7 min of CPU, ~6 min wall on a shared 2-core machine)
set -euo pipefail
SHARED=${SHARED:-../shared/data}
OUT=${OUT:-runs/trajlm-small}
STEPS=${STEPS:-1500}
PY=${PY:-python}
DEST=${DEST:-trajlm/checkpoints/trajlm-small}
CONFIG=${CONFIG:-configs/trajlm_small.toml}  # another recipe: a candidate, built to a scratch DEST
export OMP_NUM_THREADS=1
T="$PY -m trajlm.cli"
$T data corpus configs/pretrain_small.toml --data-root "$SHARED" --out "$OUT/corpus" --overwrite
$T train --data "$OUT/corpus" --out "$OUT/run" --config "$CONFIG" \
    --max-steps "$STEPS" --seed 0 --threads 1 --overwrite
mkdir -p "$DEST"
cp "$OUT/run/best/config.json" "$OUT/run/best/model.safetensors" "$DEST/"
# inference-only settings, chosen on val (docs/generalization.md "trajlm-small", "Session 8"):
# the coverage gate (outside the recorded speed / time-step range the prediction shrinks toward
# constant velocity), context "motion" (the clock is never read: with it, "auto", the
# scale-invariant model was 13 % worse on Porto val with clocks moved +4 h) and the backtest gate
# (session 11: where the model predicted the history itself worse than constant velocity)
"$PY" scripts/inference_settings.py "$DEST/config.json"
sha256sum "$DEST/model.safetensors"
