#!/usr/bin/env bash
# premise28 (docs/pretraining.md "Session 28 (premise28)"): issue 14's similarity premise on
# GeoLife with the second pretraining seed (premise27's seed 1 of session 19's mean-pooled
# recipe) against a random init of the same architecture, session 20's fixed 32-epoch recipe
# 1e-3:0.1:32:final:aug, fine-tune seeds 0, then 0 1, then 0 1 2 (each step trains one new
# seed per arm, so a stop still leaves a paired VAL result), normalisation picked on VAL,
# then the test split read once (scripts/premise24_summary.sh).
#   bash scripts/premise28/run.sh [STORE]     # STORE under $STORES (default /tmp/stores), default geolife
# PRE: the pretrained checkpoint (default premise27's /tmp/premise27/pre_c1_seed1/best, made by
# `bash scripts/premise27/run.sh 1`). Outputs under ${PREMISE28:-/tmp/premise28}/ft_seed1/.
set -euo pipefail
store=${1:-geolife}
O=${PREMISE28:-/tmp/premise28}
PRE=${PRE:-/tmp/premise27/pre_c1_seed1/best}
[ -f $PRE/model.safetensors ] || { echo "no checkpoint at $PRE (bash scripts/premise27/run.sh 1)"; exit 1; }
mkdir -p $O
PRE=$PRE OUT=$O/ft_seed1 EP=32 bash scripts/premise24_summary.sh $store
