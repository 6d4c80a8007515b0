#!/usr/bin/env bash
# Session 33 (newuser33): a fleet data engineer's nightly job, as cron / Airflow would run it,
# on gen_fleet.py's month of day files. Each step is timed with /usr/bin/time (wall s, peak RSS)
# into $OUT/times.tsv, its exit code kept (a scheduler acts on it), stderr kept per step.
#
#   PATH=$PWD/.venv/bin:$PATH PYTHONPATH=$PWD OMP_NUM_THREADS=1 \
#       bash scripts/newuser33/pipeline.sh /tmp/newuser33/small/raw   # OUT: $NEWUSER33_OUT/pipe-<name>
#
# TRAIN_STEPS (default 60) keeps training short on a shared 2-core box; SKIP_TRAIN=1: ingest only.
set -u
RAW=${1:?usage: pipeline.sh RAW_DIR}
NAME=$(basename "$(dirname "$RAW")")
OUT=${NEWUSER33_OUT:-/tmp/newuser33}/pipe-$NAME
STEPS=${TRAIN_STEPS:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -e "$OUT" ] && { echo "$OUT exists: remove it or set NEWUSER33_OUT" >&2; exit 2; }
mkdir -p "$OUT"
printf 'step\trc\twall_s\tpeak_rss_mb\n' > "$OUT/times.tsv"

step() {  # step NAME CMD...: run, time, keep rc and stderr
    local name=$1; shift
    /usr/bin/time -f '%e %M' -o "$OUT/$name.time" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"
    local rc=$?
    read -r wall kb < <(tail -1 "$OUT/$name.time")
    printf '%s\t%s\t%s\t%.0f\n' "$name" "$rc" "$wall" "$((kb / 1024))" >> "$OUT/times.tsv"
    echo "$name rc=$rc ${wall}s $((kb / 1024)) MB" >&2
    return $rc
}

# 1. each night: that night's files (arrivals.csv: a late day comes on a later night, the
#    re-sent day on its own night) into a store of its own; a night already done is skipped
#    (the guard a retried task needs: ingest refuses an existing store with exit 2)
nights=$(awk -F, 'NR > 1 {print $1}' "$RAW/../arrivals.csv" | sort -n | uniq)
for n in $nights; do
    files=$(awk -F, -v n="$n" 'NR > 1 && $1 == n {print $2}' "$RAW/../arrivals.csv" | sed "s|^|$RAW/|")
    [ -d "$OUT/nights/n$n" ] || step "night$n" trajlm data ingest $files --out "$OUT/nights/n$n" --on-error skip
done
# 2. a retried night: refused (exit 2), the store untouched
first=$(echo $nights | cut -d' ' -f1)
files=$(awk -F, -v n="$first" 'NR > 1 && $1 == n {print $2}' "$RAW/../arrivals.csv" | sed "s|^|$RAW/|")
step night_again trajlm data ingest $files --out "$OUT/nights/n$first"
# 3. the month from the nights' stores (Parquet, no CSV re-parsed) and from the raw files
step month_from_nights trajlm data ingest "$OUT"/nights/n* --out "$OUT/stores/month"
step month_from_raw trajlm data ingest "$RAW" --out "$OUT/stores/month_raw" --on-error skip
# 4. the store from Polars / PyArrow with no trajlm import; the two months compared: glue.py
step glue python "$HERE/glue.py" "$OUT/stores/month" "$OUT/stores/month_raw" "$OUT/glue.json"
step inspect trajlm data inspect "$OUT/stores/month"
[ "${SKIP_TRAIN:-0}" = 1 ] && { cat "$OUT/times.tsv"; exit 0; }
# 5. train (streamed), killed after 40 s, resumed to the same step count
( step train_killed timeout -s INT 40 trajlm train --data "$OUT/stores/month" --out "$OUT/runs/m" --max-steps "$STEPS" --seed 0 ) || true
step train_resume trajlm train --data "$OUT/stores/month" --out "$OUT/runs/m" --max-steps "$STEPS" --seed 0 --resume
# 6. eval and predict over the whole test split of the store
step eval trajlm eval --task predict --data "$OUT/stores/month" --model "$OUT/runs/m" --out "$OUT/eval.json"
step predict_latest trajlm predict --model "$OUT/runs/m" --input "$OUT/stores/month" --split test --latest --steps 5 --out "$OUT/pred_latest.csv"
cat "$OUT/times.tsv"
