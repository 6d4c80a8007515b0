#!/bin/bash
# heldout33: each raw set ingested as a new user would, with no options (docs/data.md "Session 33
# (heldout33)"). usage: scripts/heldout33/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT33/raw/FILE -> store $HELDOUT33/stores/SET (replaced), log $HELDOUT33/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([torque_logs]=torque_logs [bus_gpsd]=bus_gpsd.json [sortie_acmi]=sortie.acmi
  [drones_czml]=drones.czml [fleet_influx]=fleet_influx.csv [drone_tlogs]=drone_tlogs
  [taxi_pings]=taxi_pings.csv.bz2 [pings_geohash]=pings_geohash.csv)
SETS=${*:-torque_logs bus_gpsd sortie_acmi drones_czml fleet_influx drone_tlogs taxi_pings pings_geohash}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT33:-/tmp/heldout33} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
