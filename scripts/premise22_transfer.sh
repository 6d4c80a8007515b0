#!/usr/bin/env bash
# premise22: session 21's transfer run with corpus scales not set by T-Drive (docs/pretraining.md
# "Session 22 (premise22)"). Copies session 21's GeoLife-like corpus with stats.json recomputed
# without T-Drive (scripts/premise22_scales.py; T-Drive stays in the corpus), then session 21's
# driver: pretrain (next-point + InfoNCE, 1,200 steps), the 32-epoch similarity fine-tune, 3 seeds,
# VAL first, test read once, against session 20's random-init arm (/tmp/premise20/sim32).
#   OUT=/tmp/premise22 STORES=geolife bash scripts/premise22_transfer.sh
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-.venv/bin/python}
OUT=${OUT:-/tmp/premise22}
SRC=${SRC:-/tmp/premise21/corpus_glike}   # scripts/premise21_corpus.py builds it
mkdir -p $OUT
[ -f $OUT/corpus_notd/stats.json ] || $PY scripts/premise22_scales.py --corpus $SRC \
    --out $OUT/corpus_notd --exclude ${EXCLUDE:-tdrive}
OUT=$OUT CORPUS=$OUT/corpus_notd PRE=${PRE:-$OUT/pre_n1} STORES=${STORES:-geolife porto} \
    bash scripts/premise21_transfer.sh
