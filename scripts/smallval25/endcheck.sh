#!/usr/bin/env bash
# smallval25: the verdict with the small-val rule on pvbase24s held-out runs (docs/generalization.md "Session 25 (smallval25)")
cd "$(dirname "$0")/../.."
W=${SMALLVAL25_DIR:-/tmp/smallval25}
for s in pacific_ships ambulance_avl zermatt_ski regatta vienna_trams cargo_bike santiago_taxis; do
  env PYTHONPATH=$PWD OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 nice -n 5 .venv/bin/python scripts/smallval25/endcheck.py /tmp/pvbase24/runs_after/$s /tmp/heldout24/stores/$s $W/endcheck.jsonl
done
