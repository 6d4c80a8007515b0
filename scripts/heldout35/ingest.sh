#!/bin/bash
# heldout35: each raw set ingested as a new user would, with no options (docs/data.md "Session 35
# (heldout35)"). usage: scripts/heldout35/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT35/raw/FILE -> store $HELDOUT35/stores/SET (replaced), log $HELDOUT35/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([sumo_fcd]=fcd.xml [esri_tracks]=tracks_query.json [google_fit]=google_fit
  [garmin_details]=garmin [strava_streams]=strava_streams [agents_rad]=agents_rad.csv
  [motive]=motive [pings_frame]=pings_frame.json [verizon_history]=location_history.csv)
SETS=${*:-sumo_fcd esri_tracks google_fit garmin_details strava_streams agents_rad motive pings_frame verizon_history}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT35:-/tmp/heldout35} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
