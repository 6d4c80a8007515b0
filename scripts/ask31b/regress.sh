#!/usr/bin/env bash
# Sets 26-38, 39, 39b, 40, 40b (and 38b: set 38's stores under $ASK31B_OUT/s38b, its own truths) read with one checkout's code (ask31b's regression): each set's data, stores and truths are made once
# under $ASK31B_OUT/sNN (default /tmp/ask31b) with its own gen.py / ingest.sh / truth.py, then read by its read.py.
#   bash scripts/ask31b/regress.sh NAME [CODE]   # CODE: the checkout whose trajlm reads (default: this one)
#   python scripts/ask31b/compare.py before after  # every answer of two reads, side by side
set -euo pipefail
NAME=$1
HERE=$(cd "$(dirname "$0")/../.." && pwd)
CODE=$(cd "${2:-$HERE}" && pwd)
OUT=${ASK31B_OUT:-/tmp/ask31b}
export OMP_NUM_THREADS=1 PYTHONPATH=$CODE PATH=$HERE/.venv/bin:$PATH
cd "$HERE"
own_set() {  # set $1's data, stores and truths made once under $OUT/s$1 by its own scripts, then read with $CODE
  local n=$1
  export "ASK${n^^}_OUT=$OUT/s$n"
  mkdir -p "$OUT/s$n"
  if [ ! -f "$OUT/s$n/truth.json" ]; then
    python scripts/ask$n/gen.py > /dev/null && bash scripts/ask$n/ingest.sh > /dev/null 2>&1
    python scripts/ask$n/truth.py > /dev/null
  fi
  python scripts/ask$n/read.py "$NAME" > /dev/null 2>&1
  echo "set $n $NAME: $(tail -1 "$OUT/s$n/$NAME.txt")"
}
for n in 26 27 28 29 30 31 32 33 34 35 36 37 38; do own_set $n; done
export ASK38_OUT=$OUT/s38b  # ask38b's questions on set 38's stores, made again from seed 38
mkdir -p "$OUT/s38b"
[ -f "$OUT/s38b/truth38b.json" ] || bash scripts/ask38b/make.sh > /dev/null
python scripts/ask38b/read.py "$NAME" > /dev/null 2>&1
echo "set 38b $NAME: $(tail -1 "$OUT/s38b/$NAME.txt")"
own_set 39   # ask39's fresh set (seed 39)
own_set 39b  # ask39b's fresh set (seed 3902)
own_set 40   # ask40's fresh set (seed 40)
own_set 40b  # ask40b's fresh set (seed 4002)
