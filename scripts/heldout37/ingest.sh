#!/bin/bash
# heldout37: each raw set ingested as a new user would, with no options (docs/data.md "Session 37
# (heldout37)"). usage: scripts/heldout37/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT37/raw/FILE -> store $HELDOUT37/stores/SET (replaced), log $HELDOUT37/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([firehose]=fleet-positions-1-2026-11-03-08-00-07-5d1e.gz [eventhubs]=12.avro
  [msgpack]=positions.msgpack [npz]=trajectories.npz [ethucy]=biwi_hotel.txt
  [od_matrix]=od_weekday_2026-11.csv [pickle]=tracks.pkl [osmand]=tracks)
SETS=${*:-firehose eventhubs msgpack npz ethucy od_matrix pickle osmand}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT37:-/tmp/heldout37} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
