#!/usr/bin/env bash
# docs/generalization.md "Graceful degradation" (issue 14): the residual recipe with and without
# the scale-invariant residual, speed augmentation and the coverage gate, trained on Porto /
# GeoLife / their by-user and by-hour hold-outs, scored as a ratio to constant velocity with a
# paired bootstrap CI (scripts/pretrain_eval.py). Idempotent: a run or store that exists is
# reused. One CPU thread, one process at a time.
#   PORTO=/tmp/stores/porto GEOLIFE=/tmp/stores/geolife SEEDS="0 1 2" STAGE=val|test \
#       bash scripts/robust_results.sh
#   STAGE=val   : seed-0 models of every recipe, scored on the VAL splits (the choice)
#   STAGE=test  : RECIPES x SEEDS on every split (the by-user stores: USER_SEEDS), scored on
#                 the TEST splits (read once); = STAGE=train, then STAGE=score
#   STAGE=choice: (session 7) VAL_RECIPES x SEEDS trained on Porto, scored on the VAL splits
#                 of GeoLife (all trips and the slow ones) and Porto, plain and gated, into
#                 $O/scores_choice.json (the 3-seed check of the finalists)
#   STAGE=compare: COMPARE="A B" (two recipes): A - B paired on every split of STAGE=test
#                 (and GeoLife's slow val trips) with a 95 % CI (scripts/robust_compare.py),
#                 plain and gated (COMPARE_GATES="none speed"), into $O/compare.json
#   A recipe may carry its own step count, RECIPE@STEPS (run dirs porto_RECIPE@STEPS_sN).
#   A val check on GeoLife's slow trips (history median speed below 2.2 m/s, the Porto
#   trajectories' 5th percentile) is scripts/pretrain_eval.py --split val --speed-range 0:2.2.
set -euo pipefail
PORTO=${PORTO:-/tmp/stores/porto}
GEOLIFE=${GEOLIFE:-/tmp/stores/geolife}
R=${R:-runs/rb}
O=${O:-out/robust}
SEEDS=${SEEDS:-0}
STEPS=${STEPS:-600}
STAGE=${STAGE:-val}
PY=${PY:-python}
VAL_RECIPES=${VAL_RECIPES:-trajlm_small robust_scale robust_speed_aug}
RECIPES=${RECIPES:-trajlm_small}   # STAGE=test: the default and the winner on val
HOUR_RECIPES=${HOUR_RECIPES:-porto}  # by-hour hold-out: the store-frame default Porto recipe
USER_SEEDS=${USER_SEEDS:-$SEEDS}  # the by-user hold-outs' seeds
export OMP_NUM_THREADS=1
T="$PY -m trajlm.cli"
E="$PY scripts/pretrain_eval.py"
mkdir -p "$R" "$O"

train() {  # train STORE RUN RECIPE[@STEPS] SEED
    [ -f "$2/best/model.safetensors" ] && return 0
    local steps=$STEPS; case "$3" in *@*) steps=${3#*@} ;; esac
    /usr/bin/time -f "$2: %e s wall, %U s user" \
        $T train --data "$1" --out "$2" --config "configs/${3%@*}.toml" --max-steps "$steps" \
        --seed "$4" --threads 1 --overwrite > "$2.log" 2>&1
    tail -1 "$2.log"
}
runs() {  # runs PREFIX: the seeds' best/ dirs, comma-separated
    local out=""; for s in $SEEDS; do [ -d "$1_s$s/best" ] && out="$out,$1_s$s/best"; done
    echo "${out#,}"
}
score() {  # score STORE LABEL SPLIT NAME PREFIX: plain and gated (no run yet: nothing)
    [ -n "$(runs "$5")" ] || return 0
    local f="$O/scores_${SCORES:-$3}.json"  # SCORES: another file name (STAGE=choice)
    $E --data "$1" --label "$2" --split "$3" --out "$f" --model "$4=$(runs "$5")"
    $E --data "$1" --label "$2" --split "$3" --out "$f" --coverage-gate speed \
        --model "$4 + coverage gate=$(runs "$5")"
}

if [ "$STAGE" = val ]; then
    rm -f "$O/scores_val.json"
    for r in $VAL_RECIPES; do train "$PORTO" "$R/porto_${r}_s0" "$r" 0; done
    SEEDS=0
    for r in $VAL_RECIPES; do
        score "$GEOLIFE" "Porto -> GeoLife" val "$r" "$R/porto_$r"
        score "$PORTO" "Porto" val "$r" "$R/porto_$r"
    done
    rm -f "$O/scores_val_slow.json"
    for r in $VAL_RECIPES; do for g in none speed; do
        $E --data "$GEOLIFE" --split val --speed-range 0:2.2 --label "Porto -> GeoLife" \
            --coverage-gate $g --model "$r (gate $g)=$R/porto_${r}_s0/best" \
            --out "$O/scores_val_slow.json"
    done; done
fi
if [ "$STAGE" = choice ]; then
    for s in $SEEDS; do for r in $VAL_RECIPES; do
        train "$PORTO" "$R/porto_${r}_s$s" "$r" "$s"
    done; done
    rm -f "$O/scores_choice.json"; SCORES=choice
    for r in $VAL_RECIPES; do
        score "$GEOLIFE" "Porto -> GeoLife" val "$r" "$R/porto_$r"
        score "$PORTO" "Porto" val "$r" "$R/porto_$r"
        for g in none speed; do
            $E --data "$GEOLIFE" --split val --speed-range 0:2.2 --label "Porto -> GeoLife" \
                --coverage-gate $g --model "$r (gate $g)=$(runs "$R/porto_$r")" --out "$O/scores_choice.json"
        done
    done
    SCORES=
fi
if [ "$STAGE" = test ] || [ "$STAGE" = train ]; then
    [ -d "$R/porto_user" ] || $T data resplit "$PORTO" --by user --out "$R/porto_user"
    [ -d "$R/geolife_user" ] || $T data resplit "$GEOLIFE" --by user --out "$R/geolife_user"
    [ -d "$R/porto_hour6" ] || $T data resplit "$PORTO" --by hour=6 --out "$R/porto_hour6"
    for s in $SEEDS; do  # seed by seed, so a cut-short run still has every row at seed 0
        for r in $RECIPES; do
            train "$PORTO" "$R/porto_${r}_s$s" "$r" "$s"
            train "$GEOLIFE" "$R/geolife_${r}_s$s" "$r" "$s"
        done
        for r in $HOUR_RECIPES; do train "$R/porto_hour6" "$R/hour6_${r}_s$s" "$r" "$s"; done
        case " $USER_SEEDS " in *" $s "*)
            for r in $RECIPES; do
                train "$R/porto_user" "$R/portouser_${r}_s$s" "$r" "$s"
                train "$R/geolife_user" "$R/geolifeuser_${r}_s$s" "$r" "$s"
            done ;;
        esac
    done
fi
if [ "$STAGE" = test ] || [ "$STAGE" = score ]; then
    rm -f "$O/scores_test.json"
    for r in $RECIPES; do
        score "$GEOLIFE" "Porto -> GeoLife" test "$r" "$R/porto_$r"
        score "$PORTO" "GeoLife -> Porto" test "$r" "$R/geolife_$r"
        score "$PORTO" "Porto" test "$r" "$R/porto_$r"
        score "$GEOLIFE" "GeoLife" test "$r" "$R/geolife_$r"
        score "$R/porto_user" "Porto, by taxi" test "$r" "$R/portouser_$r"
        score "$R/geolife_user" "GeoLife, by user" test "$r" "$R/geolifeuser_$r"
    done
    for r in $HOUR_RECIPES; do
        score "$R/porto_hour6" "Porto, by hour (06-09)" test "$r" "$R/hour6_$r"
    done
fi
if [ "$STAGE" = compare ]; then
    set -- $COMPARE
    rm -f "$O/compare.json"
    pair() {  # pair STORE LABEL SPLIT PREFIX [more robust_compare.py args]
        local s="$1" l="$2" sp="$3" p="$4"; shift 4
        [ -n "$(runs "$R/${p}_$A")" ] && [ -n "$(runs "$R/${p}_$B")" ] || return 0
        for g in ${COMPARE_GATES:-none speed}; do
            $PY scripts/robust_compare.py --data "$s" --label "$l" --split "$sp" --coverage-gate $g \
                --a "$A=$(runs "$R/${p}_$A")" --b "$B=$(runs "$R/${p}_$B")" --out "$O/compare.json" "$@"
        done
    }
    A=$1 B=$2
    pair "$GEOLIFE" "Porto -> GeoLife" val porto --speed-range 0:2.2
    pair "$GEOLIFE" "Porto -> GeoLife" val porto
    pair "$PORTO" "Porto" val porto
    pair "$GEOLIFE" "Porto -> GeoLife" test porto
    pair "$PORTO" "GeoLife -> Porto" test geolife
    pair "$PORTO" "Porto" test porto
    pair "$GEOLIFE" "GeoLife" test geolife
    pair "$R/porto_user" "Porto, by taxi" test portouser
    pair "$R/geolife_user" "GeoLife, by user" test geolifeuser
    pair "$R/porto_hour6" "Porto, by hour (06-09)" test hour6
fi
for f in "$O"/scores_*.json "$O"/compare.json; do [ -f "$f" ] || continue; echo "$f"; $PY scripts/pretrain_table.py "$f"; done
