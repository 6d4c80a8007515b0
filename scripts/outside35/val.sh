#!/bin/sh
# outside35, step 1 (val only; no test file is read): the two outside methods' settings chosen
# per store on the VAL split's queries (`trajlm data queries --split val`, scored by `trajlm eval
# --score-on val`), by choose.py's rule. Outputs under $OUTSIDE35_OUT (default /tmp/outside35):
# val_{rec,pred}_STORE.json/.txt and chosen_{rts,ctrv}_STORE.txt, read by run.sh.
#   RTS smoother (recover, seeds 0-2): q 0.01 0.1 1 10 100 (m^2/s^3) x r 1 5 15 30 (m)
#   CTRV (predict, every window): turns 1 2 4 x shrink 0.1 0.25 0.5 0.75 1 x carry time / step
# (A first grid, q to 10, r to 15, shrink from 0.25, chose its edges on val: Porto q=10 r=15,
# GeoLife r=15 and shrink 0.25; the grid grew one step past each edge, still on val.)
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${OUTSIDE35_OUT:-/tmp/outside35}; mkdir -p $O
for s in porto geolife; do
  nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s --split val --task recover --seeds 3 \
    --out $O/${s}_val_rec.csv --overwrite
  files=""
  for q in 0.01 0.1 1 10 100; do
    for r in 1 5 15 30; do
      f=$O/${s}_val_rts_q${q}_r$r.csv
      nice -n 10 .venv/bin/python scripts/outside35/rts_smoother.py $O/${s}_val_rec.csv \
        $O/${s}_val_rec.asks.csv --out $f --q $q --r $r
      files="$files --predictions $f --predictions-name rts_q${q}_r$r"
    done
  done
  nice -n 10 .venv/bin/trajlm eval --task recover --seeds 3 --data /tmp/stores/$s --score-on val \
    $files --out $O/val_rec_$s.json --overwrite > $O/val_rec_$s.txt 2>&1
  nice -n 10 .venv/bin/python scripts/outside35/choose.py rts $O/val_rec_$s.json > $O/chosen_rts_$s.txt
  nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s --split val --windows all \
    --out $O/${s}_val_pred.csv --overwrite
  files=""
  for ahead in time step; do
    for turns in 1 2 4; do
      for shrink in 0.1 0.25 0.5 0.75 1; do
        f=$O/${s}_val_ctrv_t${turns}_s${shrink}_$ahead.csv
        nice -n 10 .venv/bin/python scripts/outside35/ctrv.py $O/${s}_val_pred.csv \
          $O/${s}_val_pred.asks.csv --out $f --turns $turns --shrink $shrink --ahead $ahead
        files="$files --predictions $f --predictions-name ctrv_t${turns}_s${shrink}_$ahead"
      done
    done
  done
  nice -n 10 .venv/bin/trajlm eval --task predict --data /tmp/stores/$s --score-on val \
    --windows all $files --out $O/val_pred_$s.json --overwrite > $O/val_pred_$s.txt 2>&1
  nice -n 10 .venv/bin/python scripts/outside35/choose.py ctrv $O/val_pred_$s.json > $O/chosen_ctrv_$s.txt
  echo "$s: rts $(cat $O/chosen_rts_$s.txt); ctrv $(cat $O/chosen_ctrv_$s.txt)"
done
