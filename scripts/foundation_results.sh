#!/usr/bin/env bash
# Issue 14 item 7, the foundation premise (docs/pretraining.md, "The foundation premise"):
# the corpus checkpoint fine-tuned vs the same architecture trained from scratch, with the
# same steps, lr and schedule on each downstream task, 3 seeds, paired bootstrap CI.
#   SHARED=../shared/data PORTO=STORE GEOLIFE=STORE SEEDS="0 1 2" STEPS=600 \
#       bash scripts/foundation_results.sh [val|predict|recover|tte|table|all|modes|modes-val|similarity]...
# val: the Porto fine-tune diagnosis on the val split (seed 0: step-scale re-fit x lr);
# predict: next-point on Porto and GeoLife (`trajlm train`, init_from = the corpus checkpoint
# for the pretrained runs); recover, tte: `trajlm finetune --task T` from the corpus checkpoint
# and from a random init of its architecture with the target store's scales
# (scripts/foundation_eval.py init); table: the scores (scripts/foundation_eval.py); modes
# (not in all): scripts/modes_results.py's pre:full (the checkpoint's step scale kept, and
# re-fitted with `adapt`) vs scratch:full on both GeoLife splits, with per-segment paired CIs;
# modes-val: the same on the val split (keep vs adapt is picked there); similarity (not in all):
# scripts/similarity_results.py --scratch-arm on GeoLife and Porto (pretrained vs random init,
# both through the same contrastive fine-tune; paired CI over queries).
# Idempotent: a run that exists is reused. One CPU thread, one process at a time.
# Several stages run in the order given: `bash scripts/foundation_results.sh predict recover tte table`.
set -euo pipefail
if [ $# -gt 1 ]; then
    for stage in "$@"; do bash "$0" "$stage"; done
    exit 0
fi
STAGE=${1:-all}
SHARED=${SHARED:-../shared/data}
R=${R:-runs/foundation}
O=${O:-out/foundation}
PY=${PY:-python}
SEEDS=${SEEDS:-0 1 2}
STEPS=${STEPS:-600}              # every downstream run, pretrained and scratch alike
PRE_STEPS=${PRE_STEPS:-1500}     # corpus pretraining (scripts/pretrain_results.sh's recipe)
FT_LR=${FT_LR:-1e-3}             # the fine-tune recipe the val stage picked (both arms)
REFIT=${REFIT:-adapt}            # TrainConfig.refit_scales of the pretrained arm (val-picked)
TASK_STEPS=${TASK_STEPS:-300}    # recover / tte fine-tunes (both arms)
CONFIG=${CONFIG:-configs/pretrain_model.toml}  # the architecture and [train] recipe of every run
# DATASETS: the predict stage's targets (default "porto geolife"); R, O, PRE, PRE_STEPS: a
# longer pretraining in its own folders, e.g. R=runs/f6k O=out/f6k PRE_STEPS=6000 (any other
# stage name, e.g. pretrain-only, builds the stores and the checkpoint and nothing else)
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
T="$PY -m trajlm.cli"
mkdir -p "$R" "$O"
PRE=${PRE:-$R/pre_corpus}
PORTO=${PORTO:-$R/porto}
GEOLIFE=${GEOLIFE:-$R/geolife}

stores() {
    [ -e "$PORTO/manifest.json" ] || $T data ingest "$SHARED/porto/train.1k.csv" --format porto --out "$PORTO"
    [ -e "$GEOLIFE/manifest.json" ] || $T data ingest "$SHARED/geolife/Data" --format geolife --out "$GEOLIFE" --on-error skip
}
pretrain() {
    [ -f "$PRE/best/model.safetensors" ] && return 0
    [ -d "$R/corpus" ] || $T data corpus configs/pretrain.toml --data-root "$SHARED" --out "$R/corpus"
    train "$R/corpus" "$PRE" "$PRE_STEPS" 0
}
train() {  # train STORE OUT STEPS SEED [INIT_FROM LR REFIT]: configs/pretrain_model.toml
    [ -f "$2/best/model.safetensors" ] && return 0
    local cfg=$CONFIG
    mkdir -p "$(dirname "$2")"
    if [ -n "${5:-}" ]; then  # fine-tune: the recipe's [train] + init_from (its last section)
        cfg="$2.toml"
        { sed "s/^lr = 1e-3/lr = ${6:-1e-3}/" "$CONFIG"
          echo "init_from = \"$5\""; echo "refit_scales = \"${7:-keep}\""; } > "$cfg"
    elif [ "${6:-1e-3}" != 1e-3 ]; then
        cfg="$2.toml"; sed "s/^lr = 1e-3/lr = $6/" "$CONFIG" > "$cfg"
    fi
    $T train --data "$1" --out "$2" --config "$cfg" --max-steps "$3" --seed "$4" \
        --threads 1 --overwrite > "$2.log" 2>&1
    echo "$2: $(grep -o "best_val_ade_m *│ *[0-9.]*" "$2.log" | tr -s " ")"
}
finetune() {  # finetune TASK STORE INIT OUT SEED [REFIT]: `trajlm finetune --task TASK`, seeded
    [ -f "$4/best/model.safetensors" ] && return 0
    $PY scripts/foundation_eval.py finetune "$1" "$2" "$3" "$4" --seed "$5" \
        --steps "$TASK_STEPS" --refit "${6:-keep}" > "$4.log" 2>&1
    echo "$4: $(tail -1 "$4.log")"
}
runs() {  # the seed runs of a model, comma-separated; empty when any seed is missing
    local out=""
    for s in $SEEDS; do [ -f "$1_s$s/best/model.safetensors" ] || return 0; out="$out,$1_s$s/best"; done
    echo "${out#,}"
}
score() {  # score KIND STORE LABEL SETTING SCRATCH PRETRAINED: one row, or "not run"
    if [ -z "$5" ] || [ -z "$6" ]; then echo "$1 $3 $4: not run"; return 0; fi
    $PY scripts/foundation_eval.py "$1" --data "$2" --label "$3" --setting "$4" \
        --scratch "$5" --pretrained "$6" --out "$O/scores.json"
}

stores
pretrain
if [ "$STAGE" = val ] || [ "$STAGE" = all ]; then
    # one seed, Porto, val split only (train picks RUN/best on val_ade_m; we read that score)
    V=$R/val
    train "$PORTO" "$V/scratch" "$STEPS" 0
    train "$PORTO" "$V/keep_1e-3" "$STEPS" 0 "$PRE" 1e-3 keep
    train "$PORTO" "$V/refit_1e-3" "$STEPS" 0 "$PRE" 1e-3 refit
    train "$PORTO" "$V/adapt_1e-3" "$STEPS" 0 "$PRE" 1e-3 adapt
    train "$PORTO" "$V/keep_2e-4" "$STEPS" 0 "$PRE" 2e-4 keep
    train "$PORTO" "$V/refit_2e-4" "$STEPS" 0 "$PRE" 2e-4 refit
    for extra in ${VAL_EXTRA:-}; do  # NAME:LR:REFIT:STEPS, e.g. refit_2e-4_long:2e-4:refit:1200
        IFS=: read -r name lr refit steps <<< "$extra"
        train "$PORTO" "$V/$name" "$steps" 0 "$PRE" "$lr" "$refit"
    done
    $PY scripts/foundation_eval.py val "$V" --out "$O/val.json"
fi
if [ "$STAGE" = predict ] || [ "$STAGE" = all ]; then
    for s in $SEEDS; do
        for d in ${DATASETS:-porto geolife}; do
            store=$PORTO; [ $d = geolife ] && store=$GEOLIFE
            train "$store" "$R/scratch_${d}_s$s" "$STEPS" "$s"
            train "$store" "$R/pre_${d}_s$s" "$STEPS" "$s" "$PRE" "$FT_LR" "$REFIT"
        done
    done
fi
if [ "$STAGE" = recover ] || [ "$STAGE" = tte ] || [ "$STAGE" = all ]; then
    tasks=$STAGE; [ "$STAGE" = all ] && tasks="recover tte"
    for task in $tasks; do
        for s in $SEEDS; do
            init="$R/init_porto_s$s"  # a random init of the architecture, Porto's scales
            [ -e "$init/model.safetensors" ] || $PY scripts/foundation_eval.py init "$PRE" "$PORTO" "$init" --seed "$s"
            finetune "$task" "$PORTO" "$init" "$R/${task}_scratch_porto_s$s" "$s"
            finetune "$task" "$PORTO" "$PRE/best" "$R/${task}_pre_porto_s$s" "$s" "$REFIT"
        done
    done
fi
if [ "$STAGE" = modes ] || [ "$STAGE" = modes-val ]; then  # transport modes (GeoLife labels)
    on=test; [ "$STAGE" = modes-val ] && on=val
    sfx=""; [ $on = val ] && sfx=-val
    for split in time user_time; do  # full fine-tune from the checkpoint vs its random init
        $PY scripts/modes_results.py --data "$GEOLIFE" --pretrained "$PRE/best" \
            --out "$O/modes-$split$sfx" --specs pre:full:64:linear pre:full:64:linear:adapt \
            scratch:full:64:linear --epochs "${MODES_EPOCHS:-8}" --lr 3e-3 --seeds $SEEDS \
            --split-by "$split" --score-on $on \
            --paired pre:full:64:linear scratch:full:64:linear \
            --paired pre:full:64:linear:adapt scratch:full:64:linear \
            --paired pre:full:64:linear:adapt pre:full:64:linear > "$O/modes-$split$sfx.log" 2>&1
        grep -- " - trajlm" "$O/modes-$split$sfx.log"
    done
fi
if [ "$STAGE" = similarity ]; then  # PROTOCOL task 5: pretrained vs random init, same fine-tune
    for d in geolife porto; do
        store=$PORTO; [ $d = geolife ] && store=$GEOLIFE
        [ -f "$O/similarity-$d/premise.json" ] && continue
        $PY scripts/similarity_results.py --data "$store" --pretrained "$PRE/best" \
            --out "$O/similarity-$d" --epochs "${SIM_EPOCHS:-8}" --n-points "${SIM_POINTS:-32}" \
            --seeds $SEEDS --scratch-arm > "$O/similarity-$d.log" 2>&1
        cat "$O/similarity-$d/premise.md"
    done
fi
if [ "$STAGE" = table ] || [ "$STAGE" = all ]; then
    rm -f "$O/scores.json"
    score predict "$PORTO" Porto "" "$(runs "$R/scratch_porto")" "$(runs "$R/pre_porto")"
    score predict "$GEOLIFE" GeoLife "" "$(runs "$R/scratch_geolife")" "$(runs "$R/pre_geolife")"
    for setting in random:0.5 downsample:240; do
        score recover "$PORTO" Porto "$setting" "$(runs "$R/recover_scratch_porto")" "$(runs "$R/recover_pre_porto")"
    done
    score tte "$PORTO" Porto "" "$(runs "$R/tte_scratch_porto")" "$(runs "$R/tte_pre_porto")"
    [ -f "$O/scores.json" ] && $PY scripts/foundation_eval.py table "$O/scores.json" > "$O/table.md"
    cat "$O/table.md" 2>/dev/null || true
fi
