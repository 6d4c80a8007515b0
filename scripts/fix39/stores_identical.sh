#!/usr/bin/env bash
# fix39 item 1: a Porto and a GeoLife re-ingest are byte-identical before (BASE: a checkout of
# main before fix39) and after (this worktree); only the manifest's `reading` gains `jump_steps`.
# Usage: BASE=/path/to/base/checkout scripts/fix39/stores_identical.sh
# Outputs under $FIX39 (default /tmp/fix39): the four stores and the said lines.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/../.." && pwd)
BASE=${BASE:?a checkout of the commit before fix39}
OUT=${FIX39:-/tmp/fix39}
DATA=${TRAJLM_SHARED:-/work/shared/data}
TRAJLM=${TRAJLM_BIN:-$HERE/.venv/bin/trajlm}
mkdir -p "$OUT"
run() {  # tree name src format extra...
  local tree=$1 name=$2 src=$3 fmt=$4; shift 4
  OMP_NUM_THREADS=1 PYTHONPATH=$tree "$TRAJLM" data ingest "$src" --format "$fmt" \
    --out "$OUT/$name" --overwrite "$@" >"$OUT/$name.out" 2>&1
}
for side in before after; do
  tree=$([ "$side" = before ] && echo "$BASE" || echo "$HERE")
  run "$tree" "porto_$side" "$DATA/porto/train.1k.csv" porto
  run "$tree" "geolife_$side" "$DATA/geolife/Data" geolife --keep-copies --on-error skip
done
for s in porto geolife; do
  (cd "$OUT/${s}_before" && find points index.parquet -type f | sort) >"$OUT/$s.files"
  n=0; while read -r f; do cmp -s "$OUT/${s}_before/$f" "$OUT/${s}_after/$f" || { echo "$s: $f differs"; n=1; }; done <"$OUT/$s.files"
  echo "$s: $(wc -l <"$OUT/$s.files") data files, $([ $n = 0 ] && echo byte-identical || echo DIFFER)"
  grep -h "step(s) between" "$OUT/${s}_before.out" | sed "s/^/  before: /" || true
  grep -h "step(s) between" "$OUT/${s}_after.out" | sed "s/^/  after:  /" || true
done
