#!/usr/bin/env bash
# newuser36's measurement: four seeded matches a week apart (the long 12.5-Hz files) in one
# store, 3 trained seeds, eval beside the baselines and trajlm-small (docs/data.md "Session 36
# (newuser36)"). One match's test split held 5 trajectories (a smoke test); four hold ~19.
# ~30 min wall on 2 shared cores. Outputs under $NEWUSER36 (default /tmp/newuser36)/season.
set -euo pipefail
R=${NEWUSER36:-/tmp/newuser36}/season
export OMP_NUM_THREADS=1
T="nice -n 10 trajlm"
days=(2026-11-07 2026-11-14 2026-11-21 2026-11-28)
for i in 0 1 2 3; do
  python scripts/newuser36/gen_match.py --out "$R/raw/m$i" --seed $((40 + i)) \
    --kickoff "${days[$i]}T15:00:00Z"
done
# ids qualified by the match folder; --max-gap-s 60 cuts the halves
$T data ingest "$R"/raw/m0/long_style.csv "$R"/raw/m1/long_style.csv "$R"/raw/m2/long_style.csv \
  "$R"/raw/m3/long_style.csv --out "$R/store" --crs local --max-gap-s 60 --overwrite
for s in 0 1 2; do
  $T train --data "$R/store" --out "$R/runs/s$s" --seed "$s" --overwrite   # default recipe
done
$T eval --task predict --data "$R/store" --model trajlm-small --model "$R/runs/s0" \
  --model "$R/runs/s1" --model "$R/runs/s2" --out "$R/eval_predict.json" --overwrite
