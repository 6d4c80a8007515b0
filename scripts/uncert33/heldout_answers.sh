#!/bin/sh
# held-out answers, one read each (uncert33's RULE, committed in 2f580941)
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${UNCERT33:-/tmp/uncert33}; R=$O/runs; S=$O/stores; P="nice -n 10 .venv/bin/python scripts/uncert33/own_radii.py answers"
$P $R/porto_s0 $S/porto_mm --drop-near /tmp/stores/porto --out $O/ans/porto_mm.parquet
for s in trackintel trackintel_csv geolife_small; do
  $P $R/geolife_s0 $S/$s --drop-near /tmp/stores/geolife --out $O/ans/geolife_$s.parquet
done
for r in porto geolife; do
  $P $R/${r}_s0 $S/bus --out $O/ans/${r}_bus.parquet
  $P $R/${r}_s0 $S/vehicles --trips 20 --out $O/ans/${r}_vehicles.parquet
done
