#!/usr/bin/env bash
# newuser36's walk, end to end (docs/data.md "Session 36 (newuser36)"): a seeded match's
# tracking in pitch metres (+ GPS vests, UWB forklifts) -> stores -> 3 trained seeds -> eval vs
# baselines and trajlm-small; ask; the notebook walk. Outputs under $NEWUSER36 (default
# /tmp/newuser36); ~35 min wall on 2 shared cores (each training ~1 CPU min, 8 min wall loaded).
set -euo pipefail
R=${NEWUSER36:-/tmp/newuser36}
export OMP_NUM_THREADS=1
T="nice -n 10 trajlm"
python scripts/newuser36/gen_match.py --out "$R/raw"     # 2 x 15 min at 25 Hz; long file 12.5 Hz
python scripts/newuser36/gen_gps.py --out "$R/raw"       # 14 vests at 10 Hz, 8 UWB tags at 2 Hz
# the long (Second Spectrum-like) file: metres from the centre spot; --max-gap-s 60 cuts the
# halves (half-time is 15 min, under the 30-min gap rule), --vehicle-col keeps the player for ask
$T data ingest "$R/raw/long_style.csv" --out "$R/stores/match" --crs local --max-gap-s 60 \
  --vehicle-col player_id --overwrite
# the wide (Metrica-like) file: Time [s] counts from the first frame
$T data ingest "$R/raw/metrica_style.csv" --out "$R/stores/metrica" --crs local \
  --time-origin 2026-11-28T15:00Z --overwrite
$T data ingest "$R/raw/uwb_forklifts.csv" --out "$R/stores/uwb" --crs local --overwrite
$T data ingest "$R/raw/gps_vests.csv" --out "$R/stores/vests" --time-format dmy --overwrite
for s in 0 1 2; do
  $T train --data "$R/stores/match" --out "$R/runs/s$s" --seed "$s" --overwrite   # default recipe
done
mkdir -p "$R/out"
$T eval --task predict --data "$R/stores/match" --model trajlm-small --model "$R/runs/s0" \
  --model "$R/runs/s1" --model "$R/runs/s2" --windows all --out "$R/out/eval_match.json" \
  --overwrite   # 5 test trajectories: a smoke test (season.sh measures on four matches)
$T predict --model "$R/runs/s0" --input "$R/stores/match" --split test --holdout 5 --steps 5 \
  --out "$R/out/pred_match.csv" --overwrite
$T data plot "$R/stores/match" --out "$R/out/map.png" --overwrite
$T ask "total distance per player" --data "$R/stores/match"
python scripts/newuser36/walk_api.py --raw "$R/raw"
