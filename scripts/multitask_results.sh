#!/usr/bin/env bash
# Reproduce the issue-6 tables (docs/multitask.md, "Reproducing the tables"): one multi-task
# checkpoint zero-shot vs short task fine-tunes, beside the baselines, 3 seeds.
# Usage: scripts/multitask_results.sh porto|geolife
#   env: OUT=out/multitask STEPS=4000 FT_STEPS=500 JOBS=2 SEEDS="0 1 2" BIN=.venv/bin
#        SHARED=../shared/data STORE=<existing store: skip ingest>
# Per seed: pretrain configs/multitask.toml (RUN/best = the checkpoint), then from RUN/best
# `trajlm finetune --task recover|tte|predict` (FT_STEPS). Then `trajlm eval` on the test split
# for each task, once with the pretrained checkpoints (zero-shot) and once with the fine-tuned
# ones, and scripts/multitask_tables.py writes $OUT/$DATA/multitask_results.md.
# Jobs run JOBS at a time, one thread each. ~30 min per data set on 2 CPU cores (Porto).
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
DATA=${1:?usage: scripts/multitask_results.sh porto|geolife}
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/multitask}/$DATA; STEPS=${STEPS:-4000}
FT_STEPS=${FT_STEPS:-500}; JOBS=${JOBS:-2}; SEEDS=${SEEDS:-0 1 2}
SHARED=${SHARED:-${TRAJLM_DATA:-../shared/data}}
CONFIG=configs/multitask.toml
TASKS=(recover tte predict)
LOGS="$OUT/logs"
mkdir -p "$LOGS"
rm -f "$LOGS"/*.ok "$LOGS"/*.fail
T0=$SECONDS

if [[ -n "${STORE:-}" ]]; then
  store=$STORE
else
  store="$OUT/store"
  case "$DATA" in
    porto)   "$BIN/trajlm" data ingest "$SHARED/porto/train.1k.csv" --format porto --out "$store" --on-error skip --overwrite ;;
    geolife) "$BIN/trajlm" data ingest "$SHARED/geolife/Data" --format geolife --out "$store" --on-error skip --overwrite ;;
    *) echo "unknown data set $DATA"; exit 2 ;;
  esac
fi

# ---- a tiny job pool: at most $JOBS jobs at once; a job leaves NAME.ok or NAME.fail in $LOGS.
# (errexit does not apply inside `if CMD`, so the job functions chain their steps with &&.)
job() {  # job NAME CMD...: run CMD in the background, stdout+stderr to $LOGS/NAME.log
  local name=$1; shift
  while (( $(jobs -rp | wc -l) >= JOBS )); do sleep 1; done
  (
    start=$SECONDS
    if "$@" > "$LOGS/$name.log" 2>&1; then
      echo "[$(date +%T)] done $name ($((SECONDS - start)) s)"; touch "$LOGS/$name.ok"
    else
      echo "[$(date +%T)] FAILED $name: see $LOGS/$name.log"; touch "$LOGS/$name.fail"
    fi
  ) &
}
after() {  # after NAME: block until job NAME is done; fail if it failed
  until [[ -e "$LOGS/$1.ok" ]]; do
    [[ -e "$LOGS/$1.fail" ]] && { echo "$1 failed"; return 1; }
    sleep 2
  done
}
pretrain() {  # pretrain SEED
  local run="$OUT/run-s$1"
  # the fine-tunes start from RUN/best (the checkpoint evaluated zero-shot); give it the run's
  # window settings (batch_size, max_len, stride, cpu_threads), which finetune reads from there
  rm -rf "$run" &&
    "$BIN/trajlm" train --data "$store" --out "$run" --config "$CONFIG" --max-steps "$STEPS" --overwrite \
      --seed "$1" &&
    cp "$run/train_config.json" "$run/best/"
}
finetune() {  # finetune SEED TASK
  after "pretrain-s$1" && rm -rf "$OUT/ft-$2-s$1" &&
    "$BIN/trajlm" finetune --model "$OUT/run-s$1/best" --task "$2" --data "$store" \
      --out "$OUT/ft-$2-s$1" --steps "$FT_STEPS" --overwrite
}
check_failed() {
  local failed; failed=$(cd "$LOGS" && ls -- *.fail 2>/dev/null || true)
  [[ -z "$failed" ]] || { echo "failed jobs:" $failed; exit 1; }
}
ft_checkpoint() {  # the loadable model of a fine-tune: predict -> merged/, recover|tte -> best/
  if [[ $2 == predict ]]; then echo "$OUT/ft-$2-s$1/merged"; else echo "$OUT/ft-$2-s$1/best"; fi
}

for seed in $SEEDS; do job "pretrain-s$seed" pretrain "$seed"; done
for seed in $SEEDS; do
  for task in "${TASKS[@]}"; do job "ft-$task-s$seed" finetune "$seed" "$task"; done
done
wait
check_failed
echo "training done in $((SECONDS - T0)) s"

# ---- evaluation on the test split (PROTOCOL.md): zero-shot and fine-tuned, one call each
evaluate() {  # evaluate TASK KIND MODEL...
  local task=$1 kind=$2; shift 2
  local seeds=3; [[ $task == predict ]] && seeds=1  # mask seeds: only recovery is random
  local models=(); for m in "$@"; do models+=(--model "$m"); done
  "$BIN/trajlm" eval --task "$task" --data "$store" "${models[@]}" --seeds "$seeds" \
    --out "$OUT/eval_${task}_$kind.json" --overwrite
}
for task in "${TASKS[@]}"; do
  zs=(); ft=()
  for seed in $SEEDS; do zs+=("$OUT/run-s$seed/best"); ft+=("$(ft_checkpoint "$seed" "$task")"); done
  job "eval-$task-zeroshot" evaluate "$task" zeroshot "${zs[@]}"
  job "eval-$task-finetuned" evaluate "$task" finetuned "${ft[@]}"
done
wait
check_failed
"$BIN/python" scripts/multitask_tables.py "$OUT"
echo "all done in $((SECONDS - T0)) s: $OUT/multitask_results.md"
