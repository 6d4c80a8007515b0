#!/usr/bin/env bash
# newuser35's walk, end to end (docs/api.md "Session 35 (newuser35)"): a seeded month of MDS
# e-scooter trips from two operators -> store -> 3 trained seeds -> eval vs baselines, travel
# time, places, the map, ask, and the notebook walk. Outputs under $NEWUSER35 (default
# /tmp/newuser35); ~40 min of one CPU thread on a quiet box (2 cores shared by 8 helpers: ~1 h).
set -euo pipefail
R=${NEWUSER35:-/tmp/newuser35}
export OMP_NUM_THREADS=1
T="nice -n 10 trajlm"
python scripts/newuser35/gen.py --out "$R/raw"                       # 1,953 trips, 52 scooters
# 3 routes carry no timestamp: ingest names the first (page, trip, point); --on-error skip counts them
$T data ingest "$R/raw" --out "$R/stores/all" --on-error skip --overwrite
for s in 0 1 2; do
  $T train --data "$R/stores/all" --out "$R/runs/s$s" --seed "$s" --overwrite   # default recipe, 1,000 steps
done
$T eval --task predict --data "$R/stores/all" --model "$R/runs/s0" --model "$R/runs/s1" \
  --model "$R/runs/s2" --out "$R/out/eval_predict.json" --overwrite
$T train --data "$R/stores/all" --out "$R/runs/mt0" --config configs/multitask.toml \
  --max-steps 1000 --seed 0 --overwrite                               # infilling heads: travel time
$T eval --task tte --data "$R/stores/all" --model "$R/runs/mt0" --out "$R/out/eval_tte.json" --overwrite
$T places --input "$R/stores/all" --split train --out "$R/out/places.csv" --overwrite
$T next-place --input "$R/stores/all" --split test --local-tz America/Los_Angeles \
  --out "$R/out/next_place.csv" --overwrite
$T data plot "$R/stores/all" --out "$R/out/map.png" --overwrite
$T ask "how many trips started after 11pm?" --data "$R/stores/all" --tz America/Los_Angeles
python scripts/newuser35/walk_api.py --root "$R" --run "$R/runs/s0"
