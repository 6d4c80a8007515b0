#!/usr/bin/env bash
# newuser39: the own-data corpus (mine_clean.toml: configs/pretrain.toml + the Trondheim AVL
# source with clean = { max_speed_mps = 30 }) pretrained at a reduced step count, 3 seeds, as
# scripts/pretrain.sh does each (corpus once, then train + inference settings per seed).
#   OUT=/tmp/newuser39 SHARED=../shared/data STEPS=1000 bash scripts/newuser39/pretrain_seeds.sh
set -euo pipefail
OUT=${OUT:-/tmp/newuser39}
SHARED=${SHARED:-../shared/data}
STEPS=${STEPS:-1000}
BIN=${BIN:-.venv/bin}
T="$BIN/python -m trajlm.cli"
/usr/bin/time -f "corpus: %U s user, %e s wall" \
    $T data corpus "$OUT/mine_clean.toml" --data-root "$SHARED" --out "$OUT/pre_clean/corpus" --overwrite
for seed in 0 1 2; do
    /usr/bin/time -f "seed $seed: %U s user, %e s wall" \
        $T train --data "$OUT/pre_clean/corpus" --out "$OUT/pre_clean/run_s$seed" \
        --config configs/trajlm_small.toml --max-steps "$STEPS" --seed "$seed" --threads 1 --overwrite
    "$BIN/python" scripts/inference_settings.py "$OUT/pre_clean/run_s$seed/best/config.json" \
        "$OUT/pre_clean/run_s$seed/config.json"
done
