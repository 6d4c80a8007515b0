#!/usr/bin/env bash
# newuser40's second reading, after scripts/newuser40/measure.sh has fitted its runs: the same
# models and baselines asked at the true times of the next reports (`--at-report-times`, what the
# eval's note advises for irregular AIS pings), paired bootstrap CIs over test trajectories.
#   NEWUSER40=/tmp/newuser40 [ARMS="zeroshot ft lora"] scripts/newuser40/measure_report_times.sh
set -euo pipefail
ROOT=${NEWUSER40:-/tmp/newuser40}
M=$ROOT/measure
TRAJLM="${TRAJLM:-.venv/bin/trajlm}"
export OMP_NUM_THREADS=1
CVT="constant velocity [time]"
ZS="trajlm:trajlm-small"
ARMS=${ARMS:-"zeroshot ft lora"}
[[ " $ARMS " != *" zeroshot "* ]] || $TRAJLM eval --task predict --at-report-times --data "$M/store" --model trajlm-small \
  --out "$M/rt_zeroshot.json" --overwrite --compare "$ZS,$CVT" --compare "$ZS,kNN continuation" \
  2>&1 | tee "$M/rt_zeroshot.txt"
for arm in ft lora; do
  [[ " $ARMS " == *" $arm "* ]] || continue
  [ -f "$M/${arm}_s2/best/config.json" ] || [ -f "$M/${arm}_s2/merged/config.json" ] || continue
  $TRAJLM eval --task predict --at-report-times --data "$M/store" --model "$M/${arm}_s0" \
    --model "$M/${arm}_s1" --model "$M/${arm}_s2" --out "$M/rt_$arm.json" --overwrite \
    --compare "trajlm,$CVT" --compare "trajlm,kNN continuation" 2>&1 | tee "$M/rt_$arm.txt"
done
