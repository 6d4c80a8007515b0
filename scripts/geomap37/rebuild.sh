#!/usr/bin/env bash
# Session 37 (geomap37), step 1: rebuild geogate28's cache and G28's out-of-fold answers with the
# committed scripts and check them against the published val numbers (docs/candidates.md
# "Session 37 (geomap37)"). Outputs under $GEOMAP37 (default /tmp/geomap37); ~20 min at load 15-25
# on the shared 2-core box, 1 thread.
#   bash scripts/geomap37/rebuild.sh            # the rebuild (12 selector fits), G28 and MKT on val
#   OLD=e3b835eb bash scripts/geomap37/rebuild.sh cause   # the same selector, seed 0, at geogate28's
#                                                         # own commit, and the candidates compared
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${GEOMAP37:-/tmp/geomap37}
PY="nice -n 10 env OMP_NUM_THREADS=1 .venv/bin/python"
C="--data /tmp/stores/geolife --w-place 0.03 --w-heading 300 --n-place 40 --local 1.0,300,10
   --max-train-windows 10000 --max-val-windows 3000 --time-cond --per-step --stage val"
if [[ "${1:-}" == cause ]]; then
  OLD=${OLD:-e3b835eb}  # geogate28's last commit of its study
  git worktree add --detach "$OUT/wt_$OLD" "$OLD"
  (cd "$OUT/wt_$OLD" && PYTHONPATH=$PWD $PY scripts/candidate_results.py $C --seeds 0 \
     --cache "$OUT/cand_$OLD" --out "$OUT/old_$OLD/A_val.json") | tee "$OUT/cause_$OLD.log"
  git worktree remove --force "$OUT/wt_$OLD"
  PYTHONPATH=$PWD $PY scripts/geomap37/compare_cands.py "$OUT/cand_$OLD" "$OUT/gg28/cand"
  exit 0
fi
G="$OUT/gg28"
PYTHONPATH=$PWD $PY scripts/candidate_results.py $C --seeds 0,1,2 --cache "$G/cand" \
  --out "$G/A_val.json" --save-oof "$G/oof_val.npz" | tee "$OUT/rebuild_A.log"
PYTHONPATH=$PWD $PY scripts/geogate28/gate_arms.py --data /tmp/stores/geolife --stage val \
  --oof "$G/oof_val.npz" --out "$G/val.md" --json "$G/val.json" --cache "$G/cache"
GEO30="$OUT/geo30" PYTHONPATH=$PWD $PY scripts/geo30/map_arms.py --stage val --cache "$G/cache"
