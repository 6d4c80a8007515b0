#!/bin/bash
# heldout34b: each raw set ingested as a new user would, with no options (docs/data.md "Session 34
# (heldout34b)"). usage: scripts/heldout34b/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
TAG=${1:?give a log tag}; shift
declare -A F=([fieldmaps]=fieldmaps_tracks.csv [motive]=motive_locations.csv [komoot]=komoot_tours
  [garmin]=garmin_details [sensorthings]=sensorthings)
SETS=${*:-fieldmaps motive komoot sensorthings garmin}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT34B:-/tmp/heldout34b} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
