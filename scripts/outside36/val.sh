#!/bin/sh
# outside36, step 1 (val only; no test file is read): every checkpoint train_all.sh saved
# (hidden 64 / 128 x 2 / 5 epochs, GeoLife h128 2 only, x seeds 0-2) answers the VAL split's windows
# (`trajlm data queries --split val --windows all`), all scored in one `trajlm eval --score-on
# val --windows all` per store, and choose.py's rule (the lowest val MAE, mean over the 3 seeds)
# picks one (hidden, epochs) per store. Outputs under $OUTSIDE36_OUT (default /tmp/outside36):
# val_pred_STORE.json/.txt and chosen_STORE.txt ("HIDDEN EPOCHS"), read by run.sh.
# OUTSIDE36_STORES (default "porto geolife") runs a part.
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${OUTSIDE36_OUT:-/tmp/outside36}; mkdir -p $O/val
for s in ${OUTSIDE36_STORES:-porto geolife}; do
  nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s --split val --windows all \
    --out $O/val/${s}_q.csv --overwrite
  files=""
  for h in 64 128; do
  if [ $s$h = geolife128 ]; then epochs=2; else epochs="2 5"; fi
  for e in $epochs; do for seed in 0 1 2; do
    name=lstm_h${h}_e${e}_seed$seed; f=$O/val/${s}_$name.csv
    nice -n 10 .venv/bin/python scripts/outside36/lstm.py answer \
      $O/models/$s/h${h}_seed${seed}_e$e.pt $O/val/${s}_q.csv $O/val/${s}_q.asks.csv --out $f
    files="$files --predictions $f --predictions-name $name"
  done; done; done
  nice -n 10 .venv/bin/trajlm eval --task predict --data /tmp/stores/$s --score-on val \
    --windows all $files --out $O/val_pred_$s.json --overwrite > $O/val_pred_$s.txt 2>&1
  nice -n 10 .venv/bin/python scripts/outside36/choose.py $O/val_pred_$s.json > $O/chosen_$s.txt
  echo "$s: chosen hidden, epochs = $(cat $O/chosen_$s.txt)"
done
