#!/usr/bin/env bash
# What it measures: the CPU seconds (own + waited-for children) and wall seconds of every test,
# logged as each test ends by scripts/tidy29/durlog.py, on the tree given, plus /usr/bin/time -v
# of the whole pytest. TESTS empty: the whole suite on CI's 2 workers; else those tests in one
# process (run the base, `git worktree add --detach DIR main`, and this branch one after the other).
#   scripts/tidy29/measure.sh TREE LABEL [TESTS...]
#   e.g. scripts/tidy29/measure.sh "$PWD" after tests/test_llm_set13.py tests/test_llm_set14.py
# Outputs under $OUT (default /tmp/tidy29), never the repository: LABEL.log, LABEL.time,
# LABEL.<worker>.tsv, a line per run in summary.txt; tables: python scripts/tidy29/durlog_table.py $OUT/LABEL
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$1 label=$2
shift 2
out=${OUT:-/tmp/tidy29}
mkdir -p "$out"
rm -f "$out/$label".*
cd "$tree"
xdist=(-n 0)
[ $# -eq 0 ] && xdist=(-n 2 --dist loadgroup --no-loadscope-reorder)
DURLOG=$out/$label PYTHONPATH=$PWD:$here CI=true OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
  /usr/bin/time -v -o "$out/$label.time" nice -n 10 .venv/bin/python -m pytest -q \
  -p no:cacheprovider -p durlog "${xdist[@]}" "$@" >"$out/$label.log" 2>&1
echo "$label $(date -u +%T) load=$(cut -d' ' -f1-3 /proc/loadavg) $(tail -1 "$out/$label.log")" \
  "user=$(awk '/User time/{print $NF}' "$out/$label.time") sys=$(awk '/System time/{print $NF}' "$out/$label.time")" \
  "wall=$(awk '/Elapsed/{print $NF}' "$out/$label.time")" >>"$out/summary.txt"
