# Sourced by scripts/premise29/run.sh and scripts/premise33/run.sh (premise27's for same_config).
# The random-init (scratch) arm depends only on the checkpoint's config.json (architecture) and
# the store's scales, so it is trained once per output folder and shared by every pretraining
# seed: refused when they differ.
# Python's json reads the files (jq, used before session 33's tidy33, is not installed by `make
# setup`); a compare by value also accepts a scratch_config.json that jq wrote.
check_shared_scratch() {  # check_shared_scratch PRETRAINED_BEST OUT_DIR SEED
    local ref=$2/scratch_config.json  # the architecture the shared scratch arm was built from
    [ -f "$ref" ] || ${PY:-python3} -c 'import json, sys
cfg = json.load(open(sys.argv[1]))
cfg.pop("trajlm_version", None)
print(json.dumps(cfg, indent=2, sort_keys=True))' "$1/config.json" > "$ref"
    same_config "$1/config.json" "$ref" \
        || { echo "seed $3: config.json differs from the scratch arm's; not sharing it"; exit 1; }
}
same_config() {  # same_config A.json B.json: equal by value, trajlm_version aside (premise27 too)
    ${PY:-python3} -c 'import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for cfg in (a, b):
    cfg.pop("trajlm_version", None)
sys.exit(a != b)' "$1" "$2"
}
