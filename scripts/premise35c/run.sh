#!/usr/bin/env bash
# premise35c (docs/pretraining.md "Session 35 (premise35c)"), issue 14's recovery random 50 % row:
# premise35b's pretrained arm (premise33's Akima pretrainings with the infill head zeroed, then
# premise35's recipe V: 600 steps, eval every 50 on the held-out 10 % of Porto's TRAIN trips,
# best kept) with the peak learning rate x0.3 (5e-4 -> 1.5e-4; chosen before any run, not tuned):
# the usual fine-tuning practice of moving a pretrained body less. Scratch is not rerun:
# premise35's recipe V scratch runs ($PREMISE35/v/r50_scratch_porto_sS, lr 5e-4).
#   bash scripts/premise35c/run.sh [PRETRAINING_SEED ...]   # default 1 0 2
# Zeroed inits: premise35b's ($PREMISE35B/inits, made when missing); fine-tunes under
# ${PREMISE35C:-/tmp/premise35c}/l.
set -euo pipefail
LR=1.5e-4 ZOUT=${PREMISE35C:-/tmp/premise35c}/l exec bash scripts/premise35b/run.sh "$@"
