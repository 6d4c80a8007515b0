#!/usr/bin/env bash
# premise21 (b): the summary token (docs/pretraining.md "Session 21"). Session 19's recipe and
# corpus (/tmp/premise19/corpus: Porto + GeoLife train + synthetic Turin), 1,200 steps, with
# ModelConfig.summary_token (configs/pretrain_model_summary.toml); then the 32-epoch similarity
# fine-tune (3 seeds) of it and of a random init of the SAME architecture (summary token too),
# VAL first, test read once. STORES="geolife porto" for both stores.
#   OUT=/tmp/premise21 bash scripts/premise21_summary.sh
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-.venv/bin/python}
OUT=${OUT:-/tmp/premise21}
CORPUS=${CORPUS:-/tmp/premise19/corpus}
P=${PRE:-$OUT/pre_s1}
C=1e-3:0.1:32:final:aug
echo "pretrain start $(date -u +%H:%M)"
[ -f $P/best/model.safetensors ] || $PY scripts/premise21_pretrain.py \
    --config configs/pretrain_model_summary.toml pretrain --corpus $CORPUS --out $P \
    --steps 1200 --weight 1.0 > $P.log 2>&1
echo "pretrain done $(date -u +%H:%M): $(tail -1 $P.log | cut -c1-300)"
O=$OUT/$(basename $P)
for name in ${STORES:-geolife}; do
    mkdir -p $O/$name/models
    A="--data /tmp/stores/$name --pretrained $P/best --cache $O/$name/models"
    [ -f $O/$name/val.md ] || $PY scripts/premise20_sim.py $A --out $O/$name --config $C > $O/$name.val.log 2>&1
    pick=$(grep '^pick' $O/$name.val.log | cut -d' ' -f2-)
    pn=$($PY -c "import json,sys; print(json.loads(sys.argv[1])['pretrained'])" "$pick")
    sn=$($PY -c "import json,sys; print(json.loads(sys.argv[1])['random init'])" "$pick")
    echo "$name val done $(date -u +%H:%M) pick pre=$pn scratch=$sn"
    [ -f $O/$name-test/test.md ] || $PY scripts/similarity_premise.py test $A --out $O/$name-test \
        --pre-config $C --scratch-config $C --norm $pn --scratch-norm $sn > $O/$name-test.log 2>&1
    echo "$name test done $(date -u +%H:%M)"
done
