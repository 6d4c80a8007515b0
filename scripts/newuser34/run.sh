#!/usr/bin/env bash
# newuser34: a transport researcher's own two cities through the foundation-model path
# (docs/pretraining.md "Session 34 (newuser34)"). Every number in that section is one of these
# commands' outputs, one seed each (a 2-core box shared by 8 helpers). ~45 min of wall clock.
#   OUT=/tmp/newuser34 SHARED=../shared/data bash scripts/newuser34/run.sh
set -euo pipefail
OUT=${OUT:-/tmp/newuser34}
SHARED=${SHARED:-../shared/data}
STEPS=${STEPS:-1500}
export OMP_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-.venv/bin/python}
T="$PY -m trajlm.cli"
D=scripts/newuser34
mkdir -p "$OUT"/{data,stores,cfg,eval}
# (a) a week of Melbourne bike share / e-scooters (local times, DST ends on the Sunday),
# (b) a month of Cape Town taxis (ISO +02:00, 30-60 s, rank waits, depots)
$PY $D/gen_bikeshare.py "$OUT/data/melbourne_bikes_week.csv" --seed 0
$PY $D/gen_taxis.py "$OUT/data/capetown_taxis_feb.csv" --seed 0
$T data ingest "$OUT/data/melbourne_bikes_week.csv" --out "$OUT/stores/bikes" --tz Australia/Melbourne --overwrite
$T data ingest "$OUT/data/capetown_taxis_feb.csv" --out "$OUT/stores/taxis" --overwrite
# the shared corpus plus the two own sources (the bikes' zone given, as the corpus now asks)
{ cat configs/pretrain.toml; cat <<TOML

[[source]]
name = "melbourne_bikes"
format = "csv"
path = "$OUT/data/melbourne_bikes_week.csv"
columns = { tz = "Australia/Melbourne" }
weight = 2.0
licence = "own data"

[[source]]
name = "capetown_taxis"
format = "csv"
path = "$OUT/data/capetown_taxis_feb.csv"
weight = 2.0
licence = "own data"
TOML
} > "$OUT/cfg/mine.toml"
make -o .venv/bin/trajlm pretrain SHARED="$SHARED" SPEC="$OUT/cfg/mine.toml" OUT="$OUT/pretrain" \
    STEPS="$STEPS" THREADS=1
PRE=$OUT/pretrain/run
# fine-tune the own pretraining run on the bike store vs the default recipe from scratch (400 steps)
$T finetune --model "$PRE" --data "$OUT/stores/bikes" --out "$OUT/ft_bikes" --steps 400 --overwrite
$T train --data "$OUT/stores/bikes" --out "$OUT/scratch_bikes" --max-steps 400 --seed 0 --overwrite
$T eval --task predict --data "$OUT/stores/bikes" --model "$OUT/scratch_bikes" --model "$OUT/ft_bikes" \
    --model "$PRE" --model trajlm-small --shift clock=+8h --out "$OUT/eval/bikes_all4.json" --overwrite
# seeds 1-2 of both arms (no val check: only the test table below reads them)
for s in 1 2; do
  $T train --data "$OUT/stores/bikes" --out "$OUT/scratch_bikes_s$s" --max-steps 400 --seed $s \
      --no-val-check --overwrite
  $T finetune --model "$PRE" --data "$OUT/stores/bikes" --out "$OUT/ft_bikes_s$s" --steps 400 \
      --seed $s --no-val-check --overwrite
done
$PY $D/seed_pairs.py "$OUT/stores/bikes" --out "$OUT/eval/bikes_seeds.json" \
    --a "$OUT/ft_bikes" "$OUT/ft_bikes_s1" "$OUT/ft_bikes_s2" \
    --b "$OUT/scratch_bikes" "$OUT/scratch_bikes_s1" "$OUT/scratch_bikes_s2"
$T eval --task predict --data "$OUT/stores/bikes" --model "$PRE" --model trajlm-small \
    --holdout-by hour --out "$OUT/eval/bikes_hour2.json" --overwrite
$T eval --task predict --data "$OUT/stores/taxis" --model "$PRE" --model trajlm-small \
    --shift clock=+8h --out "$OUT/eval/taxis_pre.json" --overwrite
for rule in time hour user; do
  extra=(); [ "$rule" = time ] || extra=(--holdout-by "$rule")
  $T eval --task predict --data "$OUT/stores/taxis" --model "$PRE" --model trajlm-small \
      --windows all "${extra[@]}" --out "$OUT/eval/taxis_${rule}_all.json" --overwrite
done
# the bikes' vehicle_type labels (70 % of trips labelled; the rest left out, said)
$T finetune --task classify --model "$PRE" --data "$OUT/stores/bikes" --out "$OUT/cls_bikes" \
    --epochs 3 --overwrite
# the same from Python (TrajLM.from_pretrained / predict / evaluate / fit / save_pretrained)
OUT=$OUT/api PRE=$PRE $PY $D/api_walk.py "$OUT/data/melbourne_bikes_week.csv"
