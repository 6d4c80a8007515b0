#!/bin/sh
# kalman34, step 1 (val only): the Kalman filter's process noise q (m^2/s^3) and how it carries
# forward (to the asked time, or k x the last gap), chosen per store on the VAL split's windows
# (`--score-on val`), lowest MAE; no test file is read. Outputs under $KALMAN34_OUT (default
# /tmp/kalman34): val_STORE.json/.txt and chosen_STORE.txt ("q ahead"), read by run.sh.
# (A first grid 0.01..100 chose its edge 0.01 on GeoLife val; the grid moved one decade down.)
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${KALMAN34_OUT:-/tmp/kalman34}; mkdir -p $O
for s in porto geolife; do
  nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s --split val --windows all \
    --out $O/${s}_val.csv --overwrite
  files=""
  for ahead in time step; do
    for q in 0.001 0.01 0.1 1 10; do
      f=$O/${s}_val_kf_q${q}_$ahead.csv
      nice -n 10 .venv/bin/python scripts/kalman34/kalman.py $O/${s}_val.csv $O/${s}_val.asks.csv \
        --out $f --q $q --ahead $ahead
      files="$files --predictions $f --predictions-name kf_q${q}_$ahead"
    done
  done
  nice -n 10 .venv/bin/trajlm eval --task predict --data /tmp/stores/$s --score-on val \
    --windows all $files --out $O/val_$s.json --overwrite > $O/val_$s.txt 2>&1
  nice -n 10 .venv/bin/python scripts/kalman34/choose.py $O/val_$s.json > $O/chosen_$s.txt
  echo "$s: chose $(cat $O/chosen_$s.txt)"
done
