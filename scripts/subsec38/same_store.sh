#!/usr/bin/env bash
# subsec38: a whole-second ingest (no --sub-second) writes the same store bytes as the base
# commit's code: every part file, stats.json and index.parquet byte-identical, the manifest
# and .trajlm marker equal but for created_at / created_unix. BASE: a checkout of the base commit (git archive d90d52f5 | tar -x).
#   BASE=/tmp/subsec38/base OUT=/tmp/subsec38/same bash scripts/subsec38/same_store.sh
set -euo pipefail
BASE=${BASE:?a checkout of the base commit}
OUT=${OUT:-/tmp/subsec38/same}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
PY=${PY:-$HERE/.venv/bin/python}
RAW=${RAW:-/tmp/subsec38/raw}
export OMP_NUM_THREADS=1
mkdir -p "$OUT" "$RAW"
[ -f "$RAW/biwi_plaza.txt" ] || PYTHONPATH=$HERE $PY "$HERE/scripts/newuser37/gen_ethucy.py" --out "$RAW" --seed 41 --peds 60
D=/work/shared/data
inputs=("porto|$D/porto/train.1k.csv|" "geolife|$D/geolife_small/geolife_small.csv|"
        "ais|$D/ais/boat-positions.csv|" "eth|$RAW/biwi_plaza.txt|--time-origin 2026-12-07T12:00Z")
fail=0
for spec in "${inputs[@]}"; do
  IFS='|' read -r name path opts <<< "$spec"
  [ -f "$path" ] || { echo "$name: $path missing, skipped"; continue; }
  for side in base here; do
    root=$BASE; [ $side = here ] && root=$HERE
    # shellcheck disable=SC2086
    (cd "$root" && PYTHONPATH=$root $PY -m trajlm.cli data ingest "$path" --out "$OUT/$name-$side" \
        --overwrite $opts > "$OUT/$name-$side.log" 2>&1)
  done
  a=$OUT/$name-base b=$OUT/$name-here
  same=yes
  for f in $(cd "$a" && find . -type f ! -name manifest.json ! -name .trajlm | sort); do
    cmp -s "$a/$f" "$b/$f" || { echo "$name: $f differs"; same=no; }
  done
  for j in manifest.json .trajlm; do  # equal but for the time each was written
    $PY - "$a/$j" "$b/$j" <<'PY' || same=no
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for m in (a, b):
    m.pop("created_at", None), m.pop("created_unix", None)
sys.exit(0 if a == b else print(sys.argv[1], "differs") or 1)
PY
  done
  echo "$name: byte-identical=$same"
  [ $same = yes ] || fail=1
done
exit $fail
