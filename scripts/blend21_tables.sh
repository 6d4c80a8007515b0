#!/bin/bash
# blend21: scripts/blend21_table.py on each held-out store, SPLIT = val (levers' choice) or test
# (read once). Selector runs: scripts/blend21_train_selectors.sh; transformer runs: heldout20's
# default-recipe runs (/tmp/heldout20/runs2) and steps20's (/tmp/steps20/runs, 3 seeds).
# usage: scripts/blend21_tables.sh SPLIT OUT_DIR store...
set -u
SPLIT=$1; O=$2; shift 2
S=${STORES:-/tmp/heldout20/stores}; R=${SEL_RUNS:-/tmp/blend21/runs}
H=/tmp/heldout20/runs2; T=/tmp/steps20/runs
mkdir -p "$O"
export OMP_NUM_THREADS=1
for ds in "$@"; do
  case $ds in
    ais|hurricanes) M=$H/${ds}_s0,$H/${ds}_s1,$H/${ds}_s2 ;;
    liverpool|pmm|trackintel) M=$T/new_${ds}_s0,$T/new_${ds}_s1,$T/new_${ds}_s2 ;;
    *) M=$H/${ds}_s0 ;;
  esac
  SEL=$(ls -d "$R"/sel_"${ds}"_s[0-9] 2>/dev/null | paste -sd,)  # the seeds that finished
  python scripts/blend21_table.py --data "$S/$ds" --split "$SPLIT" --name "$ds" \
    --selector "$SEL" --model "$M" \
    --out "$O/${ds}_$SPLIT.json" > "$O/${ds}_$SPLIT.log" 2>&1 || echo "$ds rc=$?"
done
cat "$O"/*_"$SPLIT".md
