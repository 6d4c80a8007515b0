#!/bin/sh
# kalman34, step 2 (test, once): the Kalman filter with the noise val.sh chose per store
# (chosen_STORE.txt; run val.sh first), answering `trajlm data queries`' test windows
# (--windows all), scored by `trajlm eval --predictions` beside every baseline and trajlm-small
# in one eval, paired bootstrap CIs. Deterministic (one run). Outputs under $KALMAN34_OUT
# (default /tmp/kalman34): test_STORE.json/.md/.txt.
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${KALMAN34_OUT:-/tmp/kalman34}; mkdir -p $O
for s in porto geolife; do
  read q ahead < $O/chosen_$s.txt
  nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s --windows all --out $O/${s}_test.csv --overwrite
  nice -n 10 .venv/bin/python scripts/kalman34/kalman.py $O/${s}_test.csv $O/${s}_test.asks.csv \
    --out $O/${s}_test_kf.csv --q $q --ahead $ahead
  nice -n 10 .venv/bin/trajlm eval --task predict --data /tmp/stores/$s --windows all \
    --model trajlm/checkpoints/trajlm-small --predictions $O/${s}_test_kf.csv \
    --predictions-name "Kalman CV (q=$q, $ahead)" --out $O/test_$s.json --overwrite > $O/test_$s.txt 2>&1
done
