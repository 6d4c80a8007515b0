#!/usr/bin/env bash
# GPU rows of issue 21, ready for a lent GPU (one H200); UNMEASURED so far (no GPU was lent to
# the task that wrote this). Run from the repository root on the GPU machine:
#     bash bench/gpu.sh            # ~5 min; writes bench/results/gpu-*.json
# MFU is reported two ways: against the matmul peak measured by train_throughput.py, and
# against the nominal dense bf16 peak of the card (PEAK_TFLOPS, H200 SXM: 989).
set -euo pipefail
PY=${PY:-python}
PEAK_TFLOPS=${PEAK_TFLOPS:-989}
OUT=bench/results
export PYTHONPATH=$PWD
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true

# 1. tokens/s and MFU at d=512, 8 layers: bf16 autocast + torch.compile (the model alone).
$PY bench/train_throughput.py --device cuda --dtype bf16 --compile --d 512 --layers 8 \
    --batch 64 --seq 256 --steps 30 --out $OUT/gpu-train-throughput.json
$PY - "$OUT/gpu-train-throughput.json" "$PEAK_TFLOPS" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1])); peak = float(sys.argv[2]) * 1e12
for k in ("ours_tokens_per_s", "compiled_tokens_per_s"):
    if r.get(k):
        print(f"{k}: {r[k]:,.0f} tok/s  MFU vs nominal bf16 peak {r[k] * r['model_flops_per_token'] / peak:.1%}"
              f"  (vs measured matmul peak {r[k] * r['model_flops_per_token'] / r['matmul_peak_flops']:.1%})")
PYEOF

# 2. KV-cache rollouts per second (bf16).
$PY bench/kv_cache.py --device cuda --dtype bf16 --batch 256 --out $OUT/gpu-kv-cache.json

# 3. The Trainer end to end (bf16 + compile) over a streamed store: 10 M points here; pass
#    POINTS=100000000 for the 100 M-point run (~15 min of ingest on 1 core, then training).
$PY bench/scale.py --points "${POINTS:-10000000}" --steps 300 --device cuda --bf16 --compile \
    --out $OUT/gpu-scale.json
