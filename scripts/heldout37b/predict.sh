#!/bin/bash
# heldout37b: `trajlm predict --model trajlm-small --input RAW` on each raw set with no options, as
# a new user's first call (docs/data.md "Session 37 (heldout37b)"). usage: scripts/heldout37b/predict.sh TAG
# raw $HELDOUT37B/raw/FILE -> $HELDOUT37B/predict/SET.csv, log $HELDOUT37B/logs/SET_predictTAG.log
TAG=${1:?give a log tag}
HELDOUT=${HELDOUT37B:-/tmp/heldout37b} exec "$(dirname "$0")/../heldout_predict.sh" "$TAG" \
  homeassistant=history.json sqldump=fleet_positions.sql kepler=trips.geojson \
  wigle=WigleWifi_20261103080012.csv trackdb=tracks.db valhalla=traces \
  qgis_xy=positions_xy.csv decktrips=trips.json
