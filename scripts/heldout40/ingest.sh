#!/bin/bash
# heldout40: each raw set ingested as a new user would, with no options (docs/data.md "Session 40
# (heldout40)"). usage: scripts/heldout40/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT40/raw/FILE -> store $HELDOUT40/stores/SET (replaced), log $HELDOUT40/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([aprs]=aprs-raw.txt [meshtastic]=msh-json.log [blackvue]=Record
  [argo]=ar_index_global_prof.txt [inaturalist]=observations-512345.csv
  [foreflight]=foreflight-tracklog.csv [swarm]=checkins1.json [navixy]=navixy)
SETS=${*:-aprs meshtastic blackvue argo inaturalist foreflight swarm navixy}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT40:-/tmp/heldout40} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
