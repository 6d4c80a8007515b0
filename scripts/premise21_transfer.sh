#!/usr/bin/env bash
# premise21 (a): the GeoLife-like transfer corpus (docs/pretraining.md "Session 21").
# Pretrain (next-point + InfoNCE, session 19's recipe, 1,200 steps) on Porto train + T-Drive +
# synthetic Turin + people-like sources (scripts/premise21_corpus.py), never GeoLife; then the
# 32-epoch similarity fine-tune (3 seeds) on GeoLife and on Porto, VAL first, test read once.
# The random-init arm is session 20's 32-epoch one (/tmp/premise20/sim32, symlinked: same
# architecture and NormStats through --scratch-from).
#   OUT=/tmp/premise21 bash scripts/premise21_transfer.sh
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-.venv/bin/python}
OUT=${OUT:-/tmp/premise21}
CORPUS=${CORPUS:-$OUT/corpus_glike}
P=${PRE:-$OUT/pre_g1}
SCRATCH=${SCRATCH:-/tmp/premise19/pre_c1/best}
RANDOM32=${RANDOM32:-/tmp/premise20/sim32}
C=1e-3:0.1:32:final:aug
[ -f $CORPUS/manifest.json ] || $PY scripts/premise21_corpus.py --stores /tmp/stores/porto \
    --data-root ${DATA_ROOT:-../shared/data} --out $CORPUS
echo "pretrain start $(date -u +%H:%M)"
[ -f $P/best/model.safetensors ] || $PY scripts/similarity_pretrain.py pretrain --corpus $CORPUS \
    --out $P --steps 1200 --weight 1.0 ${PRE_ARGS:-} > $P.log 2>&1
echo "pretrain done $(date -u +%H:%M): $(tail -1 $P.log | cut -c1-300)"
O=$OUT/$(basename $P)
for name in ${STORES:-geolife porto}; do
    mkdir -p $O/$name/models
    for s in 0 1 2; do for e in pt json; do
        ln -sf "$RANDOM32/$name/models/random_${C}_s$s.$e" "$O/$name/models/random_${C}_s$s.$e"
    done; done
    A="--data /tmp/stores/$name --pretrained $P/best --scratch-from $SCRATCH --cache $O/$name/models"
    [ -f $O/$name/val.md ] || $PY scripts/premise20_sim.py $A --out $O/$name --config $C > $O/$name.val.log 2>&1
    pick=$(grep '^pick' $O/$name.val.log | cut -d' ' -f2-)
    pn=$($PY -c "import json,sys; print(json.loads(sys.argv[1])['pretrained'])" "$pick")
    sn=$($PY -c "import json,sys; print(json.loads(sys.argv[1])['random init'])" "$pick")
    echo "$name val done $(date -u +%H:%M) pick pre=$pn scratch=$sn"
    [ -f $O/$name-test/test.md ] || $PY scripts/similarity_premise.py test $A --out $O/$name-test \
        --pre-config $C --scratch-config $C --norm $pn --scratch-norm $sn > $O/$name-test.log 2>&1
    echo "$name test done $(date -u +%H:%M)"
done
