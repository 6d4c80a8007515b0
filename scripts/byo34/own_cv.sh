#!/bin/sh
# byo34: constant velocity written in plain pandas from `trajlm data queries`' files, scored by
# `trajlm eval --predictions`, must equal eval's own constant velocity rows (same windows, same
# metric code). Outputs under $BYO34 (default runs/byo34).
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${BYO34:-runs/byo34}; mkdir -p $O
for s in porto geolife; do
  nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s --windows all --out $O/$s.csv --overwrite
  for v in step time; do
    flag=$([ $v = time ] && echo --use-time || true)
    nice -n 10 .venv/bin/python scripts/byo34/constant_velocity.py $O/$s.csv $O/$s.asks.csv \
      --out $O/${s}_cv_$v.csv $flag
  done
  nice -n 10 .venv/bin/trajlm eval --task predict --data /tmp/stores/$s --windows all \
    --predictions $O/${s}_cv_step.csv --predictions $O/${s}_cv_time.csv \
    --predictions-name "pandas cv" --predictions-name "pandas cv [time]" --out $O/eval_$s.json --overwrite > $O/eval_$s.txt 2>&1
done
