#!/usr/bin/env bash
# premise34 (docs/pretraining.md "Session 34 (premise34)"), issue 14's recovery random 50 % row.
#   bash scripts/premise34/run.sh a [PRETRAINING_SEED ...]  # default 1 0 2
#   bash scripts/premise34/run.sh b [PRETRAINING_SEED ...]  # default 1
# Arm a: premise33's pipeline (scripts/premise33/run.sh) with the pretraining recipe
#   scripts/premise34/pretrain_model_akima_inputs.toml (Akima anchor AND infill_anchor_inputs =
#   true); the fine-tunes (recipe (a), scripts/premise30/finetune_r50.py) inherit both from the
#   checkpoint's config.json, the scratch arm is a random init of that same architecture.
# Arm b: premise33's recipe unchanged (Akima anchor, no anchor inputs) with the fine-tune at 2x
#   recipe (a)'s steps (600); premise33's pretrainings are reused where they exist
#   ($PREMISE33/pre_akima_seedK, linked), else run.sh pretrains them again.
# Outputs under ${PREMISE34:-/tmp/premise34}/{a,b}; the corpus is premise33's (session 19's
# corpus build), built under $PREMISE34/corpus when that one is gone.
# Scoring: scripts/premise30/score.py --scratch $O/r50_scratch_porto --pretrained seedK=$O/r50_pre_akima_seedK
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 10 .venv/bin/python}
P34=${PREMISE34:-/tmp/premise34}
P33=${PREMISE33:-/tmp/premise33}
[ $# -ge 1 ] || { echo "usage: run.sh a|b [PRETRAINING_SEED ...]" >&2; exit 2; }
arm=$1
case $arm in a | b) ;; *) echo "run.sh: arm must be a or b, got '$arm'" >&2; exit 2 ;; esac
shift
CORPUS=${CORPUS:-$P33/corpus}
if [ ! -f "$CORPUS/manifest.json" ]; then
    CORPUS=$P34/corpus
    [ -f "$CORPUS/manifest.json" ] || $PY scripts/similarity_pretrain.py corpus \
        --stores /tmp/stores/porto /tmp/stores/geolife --out "$CORPUS"
fi
export CORPUS
case $arm in
    a) PREMISE33=$P34/a RECIPE=scripts/premise34/pretrain_model_akima_inputs.toml \
        bash scripts/premise33/run.sh ${*:-1 0 2} ;;
    b) mkdir -p "$P34/b"
        for k in ${*:-1}; do
            [ -e "$P34/b/pre_akima_seed$k" ] || [ ! -f "$P33/pre_akima_seed$k/best/model.safetensors" ] \
                || ln -s "$P33/pre_akima_seed$k" "$P34/b/pre_akima_seed$k"
        done
        PREMISE33=$P34/b FT_STEPS=600 bash scripts/premise33/run.sh ${*:-1} ;;
esac
