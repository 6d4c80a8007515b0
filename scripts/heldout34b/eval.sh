#!/bin/bash
# heldout34b: trajlm-small against the baselines on each ingested store's test split, every window
# (docs/data.md "Session 34 (heldout34b)"). Ingest first: scripts/heldout34b/ingest.sh 1, then
# fieldmaps with --crs EPSG:3857 and motive with --time-format mdy (the options the refusals name).
# usage: scripts/heldout34b/eval.sh [SET ...] -> $HELDOUT34B/evals/SET_predict_all.json
SETS=${*:-fieldmaps motive komoot sensorthings garmin}
export HELDOUT=${HELDOUT34B:-/tmp/heldout34b}
# shellcheck disable=SC2086  # the set names, split on purpose
EVAL_ARGS="--windows all" TAG=_all "$(dirname "$0")/../heldout_eval.sh" $SETS
