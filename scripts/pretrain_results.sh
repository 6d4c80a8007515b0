#!/usr/bin/env bash
# docs/pretraining.md, end to end: the two corpora and their pretrained checkpoints, the
# scratch and fine-tuned models on Porto and GeoLife, the by-user hold-outs, and every score
# as a ratio to constant velocity with a paired bootstrap CI (scripts/pretrain_eval.py).
# trajlm-small is scored as shipped (trajlm/checkpoints/trajlm-small). Idempotent: a run or
# store that exists is reused. One CPU thread, one process at a time.
#   SHARED=../shared/data SEEDS="0 1 2" STEPS=600 PRE_STEPS=1500 bash scripts/pretrain_results.sh
set -euo pipefail
SHARED=${SHARED:-../shared/data}
R=${R:-runs/pt}
O=${O:-out/pretrain}
SEEDS=${SEEDS:-0}
STEPS=${STEPS:-600}
PRE_STEPS=${PRE_STEPS:-1500}
PY=${PY:-python}
EXTRA_SEEDS=${EXTRA_SEEDS:-0}  # seeds of the by-user and absolute-position runs
LOWLR_SEEDS=${LOWLR_SEEDS:-0}  # seeds of the lr-2e-4 fine-tunes
STAGE=${STAGE:-all}   # all | pretrain | downstream | eval
export OMP_NUM_THREADS=1
T="$PY -m trajlm.cli"
mkdir -p "$R" "$O"

train() {  # train STORE OUT STEPS SEED [INIT_FROM | "store"]
    [ -f "$2/best/model.safetensors" ] && return 0
    local cfg=configs/pretrain_model.toml
    if [ "${5:-}" = store ]; then  # the same recipe reading the absolute position (ablation)
        cfg="$2.toml"; sed 's/position_frame = "trajectory"/position_frame = "store"/' \
            configs/pretrain_model.toml > "$cfg"
    elif [ -n "${5:-}" ]; then  # fine-tune: the recipe's [train] plus init_from (last section)
        cfg="$2.toml"; mkdir -p "$(dirname "$cfg")"  # FT_LR: the fine-tune's peak lr
        { sed "s/^lr = 1e-3/lr = ${FT_LR:-1e-3}/" configs/pretrain_model.toml
          echo "init_from = \"$5\""; } > "$cfg"
    fi
    /usr/bin/time -f "$2: %e s wall, %U s user" \
        $T train --data "$1" --out "$2" --config "$cfg" --max-steps "$3" --seed "$4" \
        --threads 1 --overwrite > "$2.log" 2>&1
    tail -1 "$2.log"
}
# the runs of a model that exist, one per seed, comma-separated
seeds() { local out=""; for s in $SEEDS; do [ -d "$1_s$s/best" ] && out="$out,$1_s$s/best"; done; echo "${out#,}"; }

if [ "$STAGE" = all ] || [ "$STAGE" = pretrain ]; then
    [ -d "$R/corpus" ] || $T data corpus configs/pretrain.toml --data-root "$SHARED" --out "$R/corpus"
    train "$R/corpus" "$R/pre_corpus" "$PRE_STEPS" 0
    # the shipped trajlm-small: scripts/build_trajlm_small.sh (scored below by its name)
fi
if [ "$STAGE" = all ] || [ "$STAGE" = downstream ]; then
    [ -d "$R/porto" ] || $T data ingest "$SHARED/porto/train.1k.csv" --format porto --out "$R/porto"
    [ -d "$R/geolife" ] || $T data ingest "$SHARED/geolife/Data" --format geolife --out "$R/geolife" --on-error skip
    for d in porto geolife; do
        [ -d "$R/${d}_user" ] || $T data resplit "$R/$d" --by user --out "$R/${d}_user"
    done
    for s in $SEEDS; do
        for d in porto geolife; do
            train "$R/$d" "$R/scratch_${d}_s$s" "$STEPS" "$s"
            train "$R/$d" "$R/ft_${d}_s$s" "$STEPS" "$s" "$R/pre_corpus"
            case " $LOWLR_SEEDS " in *" $s "*)  # a gentler fine-tune (lr 2e-4), picked on val
                FT_LR=2e-4 train "$R/$d" "$R/ftlow_${d}_s$s" "$STEPS" "$s" "$R/pre_corpus" ;;
            esac
        done
        case " $EXTRA_SEEDS " in *" $s "*)  # the hold-outs and the ablation: fewer seeds
            for d in porto geolife; do train "$R/${d}_user" "$R/user_${d}_s$s" "$STEPS" "$s"; done
            train "$R/porto" "$R/absolute_porto_s$s" "$STEPS" "$s" store ;;
        esac
    done
fi
if [ "$STAGE" = all ] || [ "$STAGE" = eval ]; then
    E="$PY scripts/pretrain_eval.py"
    rm -f "$O/scores.json"
    $E --data "$R/porto" --label "Porto" --out "$O/scores.json" \
        --model "scratch (Porto)=$(seeds "$R/scratch_porto")" \
        --model "corpus, fine-tuned=$(seeds "$R/ft_porto")" \
        --model "corpus, fine-tuned at lr 2e-4=$(seeds "$R/ftlow_porto")" \
        --model "corpus, zero-shot=$R/pre_corpus/best" \
        --model "trajlm-small, zero-shot=trajlm-small" \
        --model "GeoLife-trained (cross-city)=$(seeds "$R/scratch_geolife")" \
        --model "scratch, absolute position=$(seeds "$R/absolute_porto")"
    $E --data "$R/geolife" --label "GeoLife" --out "$O/scores.json" \
        --model "scratch (GeoLife)=$(seeds "$R/scratch_geolife")" \
        --model "corpus, fine-tuned=$(seeds "$R/ft_geolife")" \
        --model "corpus, fine-tuned at lr 2e-4=$(seeds "$R/ftlow_geolife")" \
        --model "corpus, zero-shot=$R/pre_corpus/best" \
        --model "trajlm-small, zero-shot (cross-city)=trajlm-small" \
        --model "Porto-trained (cross-city)=$(seeds "$R/scratch_porto")" \
        --model "Porto-trained, absolute position (cross-city)=$(seeds "$R/absolute_porto")"
    $E --data "$R/porto_user" --label "Porto, by taxi" --out "$O/scores.json" \
        --model "trained on other taxis=$(seeds "$R/user_porto")"
    $E --data "$R/geolife_user" --label "GeoLife, by user" --out "$O/scores.json" \
        --model "trained on other users=$(seeds "$R/user_geolife")"
fi
