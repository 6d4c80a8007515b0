#!/bin/sh
# outside35: the proof that `trajlm data queries --horizon-s` / `--at-report-times` export the
# windows `trajlm eval` scores (as scripts/byo34/own_cv.sh for the k-step windows): constant
# velocity per second written in plain pandas (scripts/byo34/constant_velocity.py --use-time)
# answers the exported TEST queries, `trajlm eval --predictions` scores them with the same
# option, and same_rows.py prints the largest difference to eval's own "constant velocity
# [time]" row (metres, every setting). Outputs under $OUTSIDE35_OUT (default /tmp/outside35).
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${OUTSIDE35_OUT:-/tmp/outside35}/timed; mkdir -p $O
for s in porto geolife; do
  for opt in "--horizon-s 60,300,600" "--at-report-times"; do
    tag=$(echo $opt | tr -dc 'a-z0-9')
    nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s $opt --out $O/${s}_$tag.csv --overwrite
    nice -n 10 .venv/bin/python scripts/byo34/constant_velocity.py $O/${s}_$tag.csv \
      $O/${s}_$tag.asks.csv --out $O/${s}_${tag}_cv.csv --use-time
    nice -n 10 .venv/bin/trajlm eval --task predict --data /tmp/stores/$s $opt \
      --predictions $O/${s}_${tag}_cv.csv --predictions-name "pandas cv [time]" \
      --compare "pandas cv [time],constant velocity [time]" \
      --out $O/eval_${s}_$tag.json --overwrite > $O/eval_${s}_$tag.txt 2>&1
    echo "$s $opt: $(nice -n 10 .venv/bin/python scripts/outside35/same_rows.py $O/eval_${s}_$tag.json)"
  done
done
