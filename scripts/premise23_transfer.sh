#!/usr/bin/env bash
# premise23: session 21's transfer run with the corpus in per-source units (docs/pretraining.md
# "Session 23 (premise23)"). scripts/premise23_units.py copies session 21's GeoLife-like corpus
# with units.json (every source read in its own step unit and mean time step); pretrain as
# session 21 / 22 (next-point + InfoNCE, 1,200 steps); then each store's fine-tune starts from the
# FINAL weights read with that store's own units (the corpus val ADE that picks RUN/best reads the
# val split in mixture units, so it cannot pick here). The 32-epoch similarity fine-tune, 3 seeds,
# VAL first, test read once, against session 20's random-init arm (/tmp/premise20/sim32).
#   OUT=/tmp/premise23 STORES="geolife porto" bash scripts/premise23_transfer.sh
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-.venv/bin/python}
OUT=${OUT:-/tmp/premise23}
SRC=${SRC:-/tmp/premise21/corpus_glike}   # scripts/premise21_corpus.py builds it
CORPUS=$OUT/corpus_psu
P=${PRE:-$OUT/pre_u1}
SEED=${SEED:-0}
SCRATCH=${SCRATCH:-/tmp/premise19/pre_c1/best}
RANDOM32=${RANDOM32:-/tmp/premise20/sim32}
C=1e-3:0.1:32:final:aug
mkdir -p $OUT
[ -f $CORPUS/units.json ] || $PY scripts/premise23_units.py corpus --corpus $SRC --out $CORPUS
echo "pretrain start $(date -u +%H:%M)"
[ -f $P/model.safetensors ] || $PY scripts/similarity_pretrain.py pretrain --corpus $CORPUS \
    --out $P --steps 1200 --weight 1.0 --seed $SEED > $P.log 2>&1
echo "pretrain done $(date -u +%H:%M)"
for name in ${STORES:-geolife porto}; do
    O=$P/$name
    W=$P/final_$name
    [ -f $W/config.json ] || $PY scripts/premise23_units.py target --run $P --corpus $CORPUS \
        --store /tmp/stores/$name --out $W
    mkdir -p $O/models
    for s in 0 1 2; do for e in pt json; do
        ln -sf "$RANDOM32/$name/models/random_${C}_s$s.$e" "$O/models/random_${C}_s$s.$e"
    done; done
    A="--data /tmp/stores/$name --pretrained $W --scratch-from $SCRATCH --cache $O/models"
    [ -f $O/val.md ] || $PY scripts/premise20_sim.py $A --out $O --config $C > $O.val.log 2>&1
    pick=$(grep '^pick' $O.val.log | cut -d' ' -f2-)
    pn=$($PY -c "import json,sys; print(json.loads(sys.argv[1])['pretrained'])" "$pick")
    sn=$($PY -c "import json,sys; print(json.loads(sys.argv[1])['random init'])" "$pick")
    echo "$name val done $(date -u +%H:%M) pick pre=$pn scratch=$sn"
    [ -f $O-test/test.md ] || $PY scripts/similarity_premise.py test $A --out $O-test \
        --pre-config $C --scratch-config $C --norm $pn --scratch-norm $sn > $O-test.log 2>&1
    echo "$name test done $(date -u +%H:%M)"
done
