#!/usr/bin/env bash
# premise24 (docs/pretraining.md "Session 24"): the fine-tune stage of
# scripts/premise21_summary.sh for one store, with the fine-tune seeds added one at a time
# (0, then 0 1, then 0 1 2; the weights are cached, so each step trains one new seed per arm)
# so a stop on a loaded machine still leaves a paired pretrained / random-init result on VAL;
# then the test split read once with the per-arm normalisation VAL picked.
#   PRE=/tmp/premise24/pre_s1/best OUT=/tmp/premise24/ft EP=32 bash scripts/premise24_summary.sh porto
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-$PWD}
PY=${PY:-nice -n 5 .venv/bin/python}
name=${1:?usage: premise24_summary.sh STORE_NAME (a directory under STORES, default /tmp/stores)}
PRE=${PRE:-/tmp/premise24/pre_s1/best}
O=${OUT:-/tmp/premise24/ft}
C=1e-3:0.1:${EP:-32}:final:aug
mkdir -p $O/$name/models
A="--data ${STORES:-/tmp/stores}/$name --pretrained $PRE --cache $O/$name/models"
for seeds in "0" "0 1" "0 1 2"; do
    n=$(echo $seeds | tr -d ' ')
    $PY scripts/premise20_sim.py $A --out $O/$name-val-s$n --config $C --seeds $seeds \
        > $O/$name-val-s$n.log 2>&1
    echo "$name val seeds $seeds done $(date -u +%H:%M:%S)"
done
pick=$(grep '^pick' $O/$name-val-s012.log | cut -d' ' -f2-)
pn=$($PY -c "import json,sys; print(json.loads(sys.argv[1])['pretrained'])" "$pick")
sn=$($PY -c "import json,sys; print(json.loads(sys.argv[1])['random init'])" "$pick")
echo "$name pick pre=$pn scratch=$sn"
[ "${TEST:-1}" = 1 ] || exit 0
$PY scripts/similarity_premise.py test $A --out $O/$name-test --pre-config $C --scratch-config $C \
    --norm $pn --scratch-norm $sn > $O/$name-test.log 2>&1
echo "$name test done $(date -u +%H:%M:%S)"
