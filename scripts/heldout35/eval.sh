#!/bin/bash
# heldout35: trajlm-small against the baselines on each ingested store's test split (next-point
# prediction; docs/data.md "Session 35 (heldout35)"). usage: scripts/heldout35/eval.sh [SET ...]
# store $HELDOUT35/stores/SET -> $HELDOUT35/evals/SET_predict.json, logs beside (sumo_fcd: the
# store ingested with --time-origin 2026-11-30T00:00:00Z, verizon_history with --time-format mdy
# --tz America/Chicago: the options their refusals name)
SETS=${*:-sumo_fcd esri_tracks google_fit garmin_details strava_streams agents_rad motive pings_frame verizon_history}
export HELDOUT=${HELDOUT35:-/tmp/heldout35}
# shellcheck disable=SC2086  # the set names, split on purpose
"$(dirname "$0")/../heldout_eval.sh" $SETS
