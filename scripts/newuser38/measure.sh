#!/usr/bin/env bash
# newuser38's measurement: trajlm-small zero-shot vs fine-tuned on Ushuaia (3 seeds) vs constant
# velocity and kNN, on the store's test split, paired bootstrap CIs from `trajlm eval --compare`.
#   NEWUSER38=/tmp/newuser38 STEPS=300 scripts/newuser38/measure.sh
# Inputs: $NEWUSER38/raw/ushuaia.parquet (scripts/newuser38/gen.py). Outputs: $NEWUSER38/measure/.
set -euo pipefail
ROOT=${NEWUSER38:-/tmp/newuser38}
STEPS=${STEPS:-300}
M=$ROOT/measure
PY="${PYTHON:-.venv/bin/python}"
TRAJLM="${TRAJLM:-.venv/bin/trajlm}"
mkdir -p "$M"
export OMP_NUM_THREADS=1
[ -d "$M/store" ] || $TRAJLM data ingest "$ROOT/raw/ushuaia.parquet" --out "$M/store" --traj-col ride \
  --time-col recorded_at --lat-col lat_deg --lon-col lon_deg | tee "$M/ingest.txt"
for s in 0 1 2; do
  [ -f "$M/ft_s$s/best/config.json" ] || $PY - "$M" "$s" "$STEPS" <<'PYEOF'
import sys
import trajlm
m, s, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
trajlm.TrajLM.fit(f"{m}/store", f"{m}/ft_s{s}", init_from="trajlm-small", max_steps=steps, seed=s,
                  overwrite=True)
PYEOF
done
ZS="trajlm:trajlm-small"
$TRAJLM eval --task predict --data "$M/store" --model trajlm-small --out "$M/eval_zeroshot.json" --overwrite \
  --compare "$ZS,constant velocity" --compare "$ZS,kNN continuation" 2>&1 | tee "$M/eval_zeroshot.txt"
$TRAJLM eval --task predict --data "$M/store" --model "$M/ft_s0" --model "$M/ft_s1" --model "$M/ft_s2" \
  --out "$M/eval_finetuned.json" --overwrite --compare "trajlm,kNN continuation" \
  --compare "trajlm,constant velocity" 2>&1 | tee "$M/eval_finetuned.txt"
# LoRA (rank 8) through TrajLM.fit(mode="lora") (session 38), 3 seeds, the same steps
for s in 0 1 2; do
  [ -f "$M/lora_s$s/merged/config.json" ] || $PY - "$M" "$s" "$STEPS" <<'PYEOF'
import sys
import trajlm
m, s, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
trajlm.TrajLM.fit(f"{m}/store", f"{m}/lora_s{s}", init_from="trajlm-small", mode="lora",
                  max_steps=steps, seed=s, overwrite=True)
PYEOF
done
$TRAJLM eval --task predict --data "$M/store" --model "$M/lora_s0" --model "$M/lora_s1" --model "$M/lora_s2" \
  --out "$M/eval_lora.json" --overwrite --compare "trajlm,kNN continuation" \
  --compare "trajlm,constant velocity" 2>&1 | tee "$M/eval_lora.txt"
