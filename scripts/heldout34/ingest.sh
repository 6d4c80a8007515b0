#!/bin/bash
# heldout34: each raw set ingested as a new user would, with no options (docs/data.md "Session 34
# (heldout34)"). usage: scripts/heldout34/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT34/raw/FILE -> store $HELDOUT34/stores/SET (replaced), log $HELDOUT34/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([ais_zst]=ais_2024_01_05.csv.zst [scooter_tgz]=scooter_dump.tgz
  [walkers_mf]=walkers_mf.csv [pings_postgis]=pings_postgis.csv [travel_survey]=travel_survey.dta
  [oruxmaps]=oruxmapstracks.db [trips_m]=trips_m.gpkg [ferries_mpd]=ferries_mpd.gpkg)
SETS=${*:-ais_zst scooter_tgz walkers_mf pings_postgis travel_survey oruxmaps trips_m ferries_mpd}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT34:-/tmp/heldout34} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
