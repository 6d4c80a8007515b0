#!/bin/sh
# Seeds 1 and 2 of uncert33's two runs: train (the default recipe; `trajlm train` now writes the
# run's own recover_radii.json at its end, the file `read` uses), then the held-out answers.
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${UNCERT33:-/tmp/uncert33}; S=$O/stores
P="nice -n 10 .venv/bin/python scripts/uncert33/own_radii.py answers"
for k in 1 2; do
  for r in porto geolife; do
    nice -n 10 .venv/bin/trajlm train --data /tmp/stores/$r --out $O/runs/${r}_s$k --threads 1 \
      --max-steps 150 --seed $k --overwrite 2>&1 | grep -i "recovery radii" || true
  done
  $P $O/runs/porto_s$k $S/porto_mm --drop-near /tmp/stores/porto --out $O/ans/porto_mm_s$k.parquet
  for s in trackintel trackintel_csv geolife_small; do
    $P $O/runs/geolife_s$k $S/$s --drop-near /tmp/stores/geolife --out $O/ans/geolife_${s}_s$k.parquet
  done
done
