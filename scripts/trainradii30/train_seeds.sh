#!/bin/bash
# trainradii30: size-capped `trajlm train` runs (heldout29's recipe: default config, 150 steps, 1 thread)
# of held-out stores at more seeds; each run fits its radii.json at its end (eval/run_radii.py).
# usage: scripts/trainradii30/train_seeds.sh STORES_DIR NAME... ; runs -> $TRAINRADII30/runs/NAME_sSEED
# (default /tmp/trainradii30), logs beside them; then scripts/trainradii30/cover.py reads them.
set -u
S=$1; shift
OUT=${TRAINRADII30:-/tmp/trainradii30}/runs
mkdir -p "$OUT"
for n in "$@"; do
  for seed in ${SEEDS:-1 2}; do
    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=$PWD nice -n 5 timeout 600 .venv/bin/trajlm train \
      --data "$S/$n" --out "$OUT/${n}_s$seed" --threads 1 --max-steps 150 --seed "$seed" --overwrite \
      > "$OUT/${n}_s$seed.log" 2>&1
    echo "$n seed $seed: rc $?"
  done
done
