#!/usr/bin/env bash
# Session 34 (scale34): `trajlm eval` with the $BEFORE checkout and with this one on one store,
# each under /usr/bin/time -v (wall, CPU, peak RSS into $OUT/times.tsv), then same_eval.py
# compares the two tables (every number to the bit; seconds and paths left out).
#
#   BEFORE=/path/to/main-checkout OMP_NUM_THREADS=1 nice -n 10 \
#       bash scripts/scale34/same_eval.sh NAME STORE [extra eval args, e.g. --model trajlm-small]
#
# BEFORE: a checkout (or `git archive` of one) of the commit to compare with, e.g. main
# f3f47f24; its trajlm/ is put first on PYTHONPATH for the "before" run. OUT:
# $SCALE34_OUT/NAME (default /tmp/scale34/NAME); refused when it exists.
set -u
NAME=${1:?usage: same_eval.sh NAME STORE [eval args]}
STORE=${2:?usage: same_eval.sh NAME STORE [eval args]}
shift 2
BEFORE=${BEFORE:?set BEFORE to the checkout to compare with}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${SCALE34_OUT:-/tmp/scale34}/$NAME
[ -e "$OUT" ] && { echo "$OUT exists: remove it or set SCALE34_OUT" >&2; exit 2; }
mkdir -p "$OUT"
printf 'arm\trc\twall_s\tcpu_s\tpeak_rss_mb\n' > "$OUT/times.tsv"

arm() {  # arm NAME CHECKOUT: run eval with CHECKOUT's trajlm, keep the time -v numbers
    local arm=$1 src=$2
    shift 2
    (cd "$src" && PYTHONPATH="$src" /usr/bin/time -v "$HERE/.venv/bin/trajlm" eval --task predict \
        --data "$STORE" --out "$OUT/$arm/eval.json" "$@" > "$OUT/$arm.out" 2> "$OUT/$arm.err")
    local rc=$?
    local wall cpu kb
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$OUT/$arm.err")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$OUT/$arm.err")
    kb=$(awk -F': ' '/Maximum resident/ {print $2}' "$OUT/$arm.err")
    printf '%s\t%s\t%s\t%s\t%d\n' "$arm" "$rc" "$wall" "$cpu" "$((kb / 1024))" >> "$OUT/times.tsv"
}
arm before "$BEFORE" "$@"
arm after "$HERE" "$@"
cat "$OUT/times.tsv"
"$HERE/.venv/bin/python" "$HERE/scripts/scale34/same_eval.py" "$OUT/before/eval.json" "$OUT/after/eval.json"
