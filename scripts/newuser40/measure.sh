#!/usr/bin/env bash
# newuser40's measurement: trajlm-small zero-shot, fine-tuned (full, 3 seeds) and LoRA (rank 8,
# 3 seeds) vs constant velocity and kNN on the Danube barges' test split, paired bootstrap CIs
# from `trajlm eval --compare`.
#   NEWUSER40=/tmp/newuser40 STEPS=200 scripts/newuser40/measure.sh
# Inputs: $NEWUSER40/raw/barges_lonlat.csv (scripts/newuser40/gen.py: the analyst's file after
# converting each UTM zone's rows to longitude / latitude). Outputs: $NEWUSER40/measure/.
set -euo pipefail
ROOT=${NEWUSER40:-/tmp/newuser40}
STEPS=${STEPS:-200}
M=$ROOT/measure
PY="${PYTHON:-.venv/bin/python}"
TRAJLM="${TRAJLM:-.venv/bin/trajlm}"
mkdir -p "$M"
export OMP_NUM_THREADS=1
[ -d "$M/store" ] || $TRAJLM data ingest "$ROOT/raw/barges_lonlat.csv" --out "$M/store" --traj-col barge_no \
  --time-col ping_local --tz Europe/Budapest | tee "$M/ingest.txt"
ZS="trajlm:trajlm-small"
$TRAJLM eval --task predict --data "$M/store" --model trajlm-small --out "$M/eval_zeroshot.json" --overwrite \
  --compare "$ZS,constant velocity" --compare "$ZS,kNN continuation" 2>&1 | tee "$M/eval_zeroshot.txt"
fit() {  # fit OUT SEED [MODE]
  $PY - "$M" "$1" "$2" "$STEPS" "${3:-full}" <<'PYEOF'
import sys
import trajlm
m, out, s, steps, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
trajlm.TrajLM.fit(f"{m}/store", f"{m}/{out}", init_from="trajlm-small", max_steps=steps, seed=s,
                  mode=mode, overwrite=True)
PYEOF
}
for s in 0 1 2; do
  [ -f "$M/ft_s$s/best/config.json" ] || fit "ft_s$s" "$s"
done
$TRAJLM eval --task predict --data "$M/store" --model "$M/ft_s0" --model "$M/ft_s1" --model "$M/ft_s2" \
  --out "$M/eval_finetuned.json" --overwrite --compare "trajlm,kNN continuation" \
  --compare "trajlm,constant velocity" 2>&1 | tee "$M/eval_finetuned.txt"
for s in 0 1 2; do
  [ -f "$M/lora_s$s/merged/config.json" ] || fit "lora_s$s" "$s" lora
done
$TRAJLM eval --task predict --data "$M/store" --model "$M/lora_s0" --model "$M/lora_s1" --model "$M/lora_s2" \
  --out "$M/eval_lora.json" --overwrite --compare "trajlm,kNN continuation" \
  --compare "trajlm,constant velocity" 2>&1 | tee "$M/eval_lora.txt"
