#!/usr/bin/env bash
# What it measures: the wall and CPU (user + sys, children included) time of some test modules
# run alone, in one process, with every test's duration (--durations=0), on the tree given.
# Run the same selection on a checkout of the base (`git worktree add --detach DIR main`) and on
# this branch, one after the other, to compare (docs/testing.md "Session 26 (citime26)").
#   scripts/citime26/measure_modules.sh TREE LABEL TESTS...
#   e.g. scripts/citime26/measure_modules.sh "$PWD" after tests/test_voyage.py
# Outputs: $OUT/LABEL.log (pytest + /usr/bin/time -v) and one line per run in $OUT/summary.txt
# (OUT defaults to /tmp/citime26); never into the repository.
set -euo pipefail
tree=$1 label=$2
shift 2
out=${OUT:-/tmp/citime26}
mkdir -p "$out"
cd "$tree"
export PYTHONPATH=$PWD CI=true OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONDONTWRITEBYTECODE=1
/usr/bin/time -v nice -n 5 .venv/bin/python -m pytest -q -p no:cacheprovider -n 0 \
  --durations=0 "$@" >"$out/$label.log" 2>&1 || true
log=$out/$label.log
echo "$label load=$(cut -d' ' -f1-3 /proc/loadavg) $(grep -E 'passed|failed' "$log" | tail -1)" \
  "user=$(grep 'User time' "$log" | awk '{print $4}') sys=$(grep 'System time' "$log" | awk '{print $4}')" \
  >>"$out/summary.txt"
