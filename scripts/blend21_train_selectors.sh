#!/bin/bash
# blend21 phase 1: the README / docs/candidates.md user path on each held-out store:
#   trajlm train-selector --data STORE --out RUN --seed S   (no config), then trajlm eval --task predict
# usage: scripts/blend21_train_selectors.sh STORES_DIR RUNS_DIR LOGS_DIR store...
set -u
S=$1; R=$2; O=$3; shift 3
mkdir -p "$R" "$O"
export OMP_NUM_THREADS=1
for ds in "$@"; do
  for seed in 0 1 2; do
    run=$R/sel_${ds}_s$seed
    [ -d "$run" ] && continue
    echo "##### $ds seed $seed $(date +%T)"
    /usr/bin/time -f "%e s wall" timeout 900 python -m trajlm.cli train-selector --data "$S/$ds" --out "$run" --seed $seed \
      > "$O/sel_${ds}_s$seed.train.log" 2>&1; echo "train rc=$?"
    tail -3 "$O/sel_${ds}_s$seed.train.log"
  done
  python -m trajlm.cli eval --task predict --data "$S/$ds" --model "$R/sel_${ds}_s0" --model "$R/sel_${ds}_s1" \
    --model "$R/sel_${ds}_s2" --out "$O/${ds}.eval.json" --overwrite > "$O/${ds}.eval.log" 2>&1; echo "eval rc=$?"
  grep -a "Verdict" "$O/${ds}.eval.log"
done
echo DONE $(date +%T)
