#!/bin/sh
# byo34: linear interpolation written in plain pandas from `trajlm data queries --task recover`'s
# files, scored by `trajlm eval --task recover --predictions` (3 mask seeds), must equal eval's own
# "linear interp." rows. Outputs under $BYO34 (default runs/byo34).
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${BYO34:-runs/byo34}; mkdir -p $O
for s in porto geolife; do
  nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s --task recover --seeds 3 \
    --out $O/${s}_recover.csv --overwrite
  nice -n 10 .venv/bin/python scripts/byo34/linear_interpolation.py $O/${s}_recover.csv \
    $O/${s}_recover.asks.csv --out $O/${s}_li.csv
  nice -n 10 .venv/bin/trajlm eval --task recover --data /tmp/stores/$s --seeds 3 \
    --predictions $O/${s}_li.csv --predictions-name "pandas li" \
    --out $O/eval_recover_$s.json --overwrite > $O/eval_recover_$s.txt 2>&1
done
