#!/bin/bash
# heldout37b: each raw set ingested as a new user would, with no options (docs/data.md "Session 37
# (heldout37b)"). usage: scripts/heldout37b/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT37B/raw/FILE -> store $HELDOUT37B/stores/SET (replaced), log $HELDOUT37B/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([homeassistant]=history.json [sqldump]=fleet_positions.sql [kepler]=trips.geojson
  [wigle]=WigleWifi_20261103080012.csv [trackdb]=tracks.db [valhalla]=traces
  [qgis_xy]=positions_xy.csv [decktrips]=trips.json)
SETS=${*:-homeassistant sqldump kepler wigle trackdb valhalla qgis_xy decktrips}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT37B:-/tmp/heldout37b} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
