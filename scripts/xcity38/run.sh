#!/usr/bin/env bash
# Session 38 (xcity38), docs/generalization.md "Session 38 (xcity38)": issue 14's session-7 test
# table re-run at today's code with the committed commands (scripts/robust_results.sh), 3 seeds
# on every row, runs and scores under $X (default /tmp/xcity38), never in the repo.
#   X=/tmp/xcity38 PART=train|score|compare|small bash scripts/xcity38/run.sh
#   PART=train   : RECIPES (default robust_aug_scale) x 3 seeds x the 5 training stores
#   PART=cross   : the same trainings in the claim's order of importance when the machine is
#                  too loaded for all 15 (session 38: 4-11 min each at load ~15): seeds 1-2 of the
#                  cross-city stores first, then seeds 1-2 of the hold-outs; flags as
#                  robust_results.sh's train() plus --no-val-check (the end-of-run val checks
#                  took 2-5 min of each run there and write files beside best/'s weights, not
#                  the weights: pretrain_eval.py scores the weights); skips a run with a best/
#   PART=score   : their test scores into $X/out/scores_test.json (plain and gated, as committed)
#   PART=plain   : the same rows, plain only (session 7's table is the plain rows; half the
#                  time of PART=score on the shared machine) into $X/out/scores_plain.json
#   PART=compare : robust_aug_scale - robust_speed_aug paired (only if both were trained)
#   PART=small   : the shipped trajlm-small zero-shot on the same test rows ($X/out/scores_small.json)
set -euo pipefail
X=${X:-/tmp/xcity38}
PART=${PART:-train}
RECIPES=${RECIPES:-robust_aug_scale}
export PY=${PY:-.venv/bin/python} R=$X/runs O=$X/out SEEDS="0 1 2" USER_SEEDS="0 1 2"
export OMP_NUM_THREADS=1
case "$PART" in
train | score)
    STAGE=$PART RECIPES="$RECIPES" HOUR_RECIPES="$RECIPES" nice -n 10 bash scripts/robust_results.sh ;;
cross)
    T() {  # T STORE RUN SEED: robust_results.sh's train(), one recipe at its 600 steps
        [ -f "$2/best/model.safetensors" ] && return 0
        /usr/bin/time -f "$2: %e s wall, %U s user" nice -n 10 $PY -m trajlm.cli train --data "$1" \
            --out "$2" --config "configs/$RECIPES.toml" --max-steps 600 --seed "$3" --threads 1 \
            --overwrite --no-val-check > "$2.log" 2>&1
        tail -1 "$2.log"
    }
    for s in 1 2; do for p in porto geolife; do T /tmp/stores/$p "$R/${p}_${RECIPES}_s$s" $s; done; done
    for s in 1 2; do
        T "$R/porto_hour6" "$R/hour6_${RECIPES}_s$s" $s
        T "$R/porto_user" "$R/portouser_${RECIPES}_s$s" $s
        T "$R/geolife_user" "$R/geolifeuser_${RECIPES}_s$s" $s
    done ;;
plain)
    f=$O/scores_plain.json; rm -f "$f"
    E="nice -n 10 $PY scripts/pretrain_eval.py --split test --out $f"
    runs() { local out=""; for s in $SEEDS; do [ -d "$R/$1_s$s/best" ] && out="$out,$R/$1_s$s/best"; done; echo "${out#,}"; }
    for r in $RECIPES; do
        $E --data /tmp/stores/geolife --label "Porto -> GeoLife" --model "$r=$(runs porto_$r)"
        $E --data /tmp/stores/porto --label "GeoLife -> Porto" --model "$r=$(runs geolife_$r)"
        $E --data /tmp/stores/porto --label "Porto" --model "$r=$(runs porto_$r)"
        $E --data /tmp/stores/geolife --label "GeoLife" --model "$r=$(runs geolife_$r)"
        $E --data "$R/porto_user" --label "Porto, by taxi" --model "$r=$(runs portouser_$r)"
        $E --data "$R/geolife_user" --label "GeoLife, by user" --model "$r=$(runs geolifeuser_$r)"
        $E --data "$R/porto_hour6" --label "Porto, by hour (06-09)" --model "$r=$(runs hour6_$r)"
    done
    $PY scripts/pretrain_table.py "$f" ;;
compare)
    STAGE=compare COMPARE_GATES=none COMPARE="robust_aug_scale robust_speed_aug" \
        nice -n 10 bash scripts/robust_results.sh ;;
small)
    CK=trajlm-small  # the shipped checkpoint, by its name (scripts/pretrain_results.sh)
    f=$O/scores_small.json; rm -f "$f"
    E="nice -n 10 $PY scripts/pretrain_eval.py"
    $E --data /tmp/stores/geolife --label "Porto -> GeoLife" --split test --out "$f" --model "trajlm-small=$CK"
    $E --data /tmp/stores/porto --label "Porto" --split test --out "$f" --model "trajlm-small=$CK"
    $E --data "$R/porto_user" --label "Porto, by taxi" --split test --out "$f" --model "trajlm-small=$CK"
    $E --data "$R/geolife_user" --label "GeoLife, by user" --split test --out "$f" --model "trajlm-small=$CK"
    $E --data "$R/porto_hour6" --label "Porto, by hour (06-09)" --split test --out "$f" --model "trajlm-small=$CK"
    $PY scripts/pretrain_table.py "$f" ;;
*) echo "PART must be train, cross, score, plain, compare or small, not '$PART'" >&2; exit 2 ;;
esac
