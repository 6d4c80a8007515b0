#!/bin/sh
# outside35, step 2 (test, once): the RTS smoother (recover) and the CTRV predictor (predict)
# with the settings val.sh chose per store (chosen_{rts,ctrv}_STORE.txt; run val.sh first),
# answering `trajlm data queries`' TEST windows, scored by `trajlm eval --predictions` beside
# every baseline and trajlm-small in one eval each, with `--compare` pairs (paired bootstrap
# 95 % CI over trajectories) against the best baseline, the like-for-like baseline and
# trajlm-small. Recovery: 3 random masks (seeds 0-2, `--seeds 3`); both methods are
# deterministic. Outputs under $OUTSIDE35_OUT (default /tmp/outside35): test_{rec,pred}_STORE.
# OUTSIDE35_STORES / OUTSIDE35_TASKS (default "porto geolife" / "rec pred") run a part.
set -e
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
O=${OUTSIDE35_OUT:-/tmp/outside35}; mkdir -p $O
M=trajlm/checkpoints/trajlm-small
for s in ${OUTSIDE35_STORES:-porto geolife}; do
 for task in ${OUTSIDE35_TASKS:-rec pred}; do
 if [ $task = rec ]; then
  read q r < $O/chosen_rts_$s.txt
  rts="RTS smoother (q=$q, r=$r)"
  nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s --task recover --seeds 3 \
    --out $O/${s}_test_rec.csv --overwrite
  nice -n 10 .venv/bin/python scripts/outside35/rts_smoother.py $O/${s}_test_rec.csv \
    $O/${s}_test_rec.asks.csv --out $O/${s}_test_rts.csv --q $q --r $r
  nice -n 10 .venv/bin/trajlm eval --task recover --seeds 3 --data /tmp/stores/$s --model $M \
    --predictions $O/${s}_test_rts.csv --predictions-name "$rts" \
    --compare "$rts,akima spline" --compare "$rts,linear interp." \
    --compare "$rts,trajlm-small (bridge)" --compare "trajlm-small (bridge),akima spline" \
    --out $O/test_rec_$s.json --overwrite > $O/test_rec_$s.txt 2>&1
 else

  read turns shrink ahead < $O/chosen_ctrv_$s.txt
  ctrv="CTRV (turns=$turns, shrink=$shrink, $ahead)"
  if [ $ahead = time ]; then cv="constant velocity [time]"; else cv="constant velocity"; fi
  if [ $s = porto ]; then best="kNN continuation (place-aware)"; else best="kNN continuation"; fi
  nice -n 10 .venv/bin/trajlm data queries /tmp/stores/$s --windows all \
    --out $O/${s}_test_pred.csv --overwrite
  nice -n 10 .venv/bin/python scripts/outside35/ctrv.py $O/${s}_test_pred.csv \
    $O/${s}_test_pred.asks.csv --out $O/${s}_test_ctrv.csv --turns $turns --shrink $shrink \
    --ahead $ahead
  nice -n 10 .venv/bin/trajlm eval --task predict --data /tmp/stores/$s --windows all \
    --model $M --predictions $O/${s}_test_ctrv.csv --predictions-name "$ctrv" \
    --compare "$ctrv,$best" --compare "$ctrv,$cv" --compare "$ctrv,trajlm-small" \
    --out $O/test_pred_$s.json --overwrite > $O/test_pred_$s.txt 2>&1
 fi
 echo "$s $task: done"
 done
done
