#!/usr/bin/env bash
# premise27 (docs/pretraining.md "Session 27 (premise27)"): one more pretraining seed of
# session 19's mean-pooled recipe (next-point + trip InfoNCE, weight 1.0, 1,200 steps,
# configs/pretrain_model.toml) on session 19's corpus, then session 20's 32-epoch Porto
# similarity fine-tunes, pretrained vs a random init of the same architecture, seeds 0-2,
# VAL first (scripts/premise24_summary.sh), then the test split read once.
#   bash scripts/premise27/run.sh SEED            # outputs under ${PREMISE27:-/tmp/premise27}
# CORPUS: session 19's corpus (scripts/similarity_pretrain.py corpus --stores
# /tmp/stores/porto /tmp/stores/geolife --out DIR); default /tmp/premise24/corpus (that
# command's output, read only). The random-init arm depends only on the checkpoint's
# architecture and corpus scales, identical for every pretraining seed on one corpus, so a
# seed's run links the scratch fine-tunes of an earlier seed (SCRATCH_FROM=DIR/models) when
# the two config.json files match, instead of training them again.
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 5 .venv/bin/python}
source scripts/premise29/shared_scratch.sh  # same_config
seed=${1:?usage: run.sh PRETRAINING_SEED}
O=${PREMISE27:-/tmp/premise27}
CORPUS=${CORPUS:-/tmp/premise24/corpus}
PRE=$O/pre_c1_seed$seed
STEPS=${STEPS:-1200}
mkdir -p $O
if [ ! -f $PRE/best/model.safetensors ]; then
    $PY scripts/similarity_pretrain.py pretrain --corpus $CORPUS --out $PRE --steps $STEPS \
        --weight 1.0 --seed $seed > $O/pre_seed$seed.log 2>&1
    echo "pretraining seed $seed done $(date -u +%H:%M:%S)"
fi
FT=$O/ft_seed$seed
if [ -n "${SCRATCH_FROM:-}" ]; then
    src_run=$(dirname "$SCRATCH_FROM")  # .../ft_seedK/porto/models -> its checkpoint's config
    # by value, trajlm_version aside: Python's json, not jq (not installed by `make setup`)
    same_config $PRE/best/config.json ${SCRATCH_CONFIG:?SCRATCH_CONFIG=RUN/best/config.json} \
        || { echo "configs differ: the scratch arm must be trained again"; exit 1; }
    mkdir -p $FT/porto/models
    for f in "$SCRATCH_FROM"/random_*; do ln -sf "$f" $FT/porto/models/; done
fi
PRE=$PRE/best OUT=$FT EP=32 bash scripts/premise24_summary.sh porto
