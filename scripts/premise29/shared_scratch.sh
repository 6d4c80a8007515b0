# Sourced by scripts/premise29/run.sh and scripts/premise33/run.sh. The random-init (scratch) arm
# depends only on the checkpoint's config.json (architecture) and the store's scales, so it is
# trained once per output folder and shared by every pretraining seed: refused when they differ.
check_shared_scratch() {  # check_shared_scratch PRETRAINED_BEST OUT_DIR SEED
    local ref=$2/scratch_config.json  # the architecture the shared scratch arm was built from
    [ -f "$ref" ] || jq -S 'del(.trajlm_version)' "$1/config.json" > "$ref"
    cmp <(jq -S 'del(.trajlm_version)' "$1/config.json") "$ref" \
        || { echo "seed $3: config.json differs from the scratch arm's; not sharing it"; exit 1; }
}
