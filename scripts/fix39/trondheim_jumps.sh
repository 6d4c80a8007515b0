#!/usr/bin/env bash
# fix39 item 1 on newuser39's feed: the Trondheim AVL week ingested without --max-speed-mps,
# before (BASE: a checkout of main before fix39) and after (this worktree): the lines said.
# Usage: BASE=/path/to/base scripts/fix39/trondheim_jumps.sh   (outputs under $FIX39, /tmp/fix39)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/../.." && pwd)
BASE=${BASE:?a checkout of the commit before fix39}
OUT=${FIX39:-/tmp/fix39}
TRAJLM=${TRAJLM_BIN:-$HERE/.venv/bin/trajlm}
mkdir -p "$OUT"
CSV=$OUT/trondheim_avl_week.csv
[ -f "$CSV" ] || OMP_NUM_THREADS=1 "$HERE/.venv/bin/python" "$HERE/scripts/newuser39/gen_trondheim_avl.py" "$CSV" --seed 0 --vehicles 18
for side in before after; do
  tree=$([ "$side" = before ] && echo "$BASE" || echo "$HERE")
  OMP_NUM_THREADS=1 PYTHONPATH=$tree "$TRAJLM" data ingest "$CSV" --out "$OUT/trd_$side" --overwrite \
    --traj-col tur_id --time-col tidspunkt --lat-col breddegrad --lon-col lengdegrad \
    --vehicle-col vognnr --tz Europe/Oslo >"$OUT/trd_$side.out" 2>&1
  echo "$side: $(grep -h 'step(s) between' "$OUT/trd_$side.out" || echo '(no line on jumps)')"
done
(cd "$OUT/trd_before" && find points index.parquet -type f | sort) | while read -r f; do
  cmp -s "$OUT/trd_before/$f" "$OUT/trd_after/$f" || echo "differs: $f"; done
echo "data files compared (a 'differs' line above for each that is not byte-identical)"
