#!/bin/sh
# outside36, step 2 (test, once): the LSTM encoder-decoder's checkpoints val.sh chose per store
# (chosen_STORE.txt; run train_all.sh and val.sh first), seeds 0-2, answering `trajlm data
# queries`' TEST windows, scored by `trajlm eval --predictions` beside every baseline and
# trajlm-small (it ships no prediction verdict, so its model answers) in one eval per store and
# windows setting: `--windows all` (as val) and PROTOCOL's one window per trajectory (the
# results.md table). The 3 seeds' files under one name give "NAME (mean ± std over 3 files)";
# `--compare` pairs it (paired bootstrap 95 % CI over trajectories) with kNN continuation, the
# place-aware kNN, constant velocity and trajlm-small. Outputs under $OUTSIDE36_OUT (default
# /tmp/outside36): test/, test_pred_STORE_{all,one}.json/.txt; OUTSIDE36_STORES runs a part.
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${OUTSIDE36_OUT:-/tmp/outside36}; mkdir -p $O/test
M=trajlm/checkpoints/trajlm-small
for s in ${OUTSIDE36_STORES:-porto geolife}; do
  read h e < $O/chosen_$s.txt
  name="LSTM enc-dec h$h e$e"; mean="$name (mean ± std over 3 files)"
  for w in all one; do
    q=$O/test/${s}_$w
    nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s --windows $w --out $q.csv --overwrite
    files=""
    for seed in 0 1 2; do
      nice -n 10 .venv/bin/python scripts/outside36/lstm.py answer \
        $O/models/$s/h${h}_seed${seed}_e$e.pt $q.csv $q.asks.csv --out ${q}_lstm_seed$seed.csv
      files="$files --predictions ${q}_lstm_seed$seed.csv"
    done
    nice -n 10 .venv/bin/trajlm eval --task predict --data /tmp/stores/$s --windows $w \
      --model $M $files --predictions-name "$name" \
      --compare "$mean,kNN continuation" --compare "$mean,kNN continuation (place-aware)" \
      --compare "$mean,constant velocity" --compare "$mean,trajlm-small" \
      --out $O/test_pred_${s}_$w.json --overwrite > $O/test_pred_${s}_$w.txt 2>&1
    echo "$s --windows $w: done"
  done
done
