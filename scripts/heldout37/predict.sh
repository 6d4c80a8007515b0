#!/bin/bash
# heldout37: `trajlm predict --model trajlm-small --input RAW` on each raw set with no options, as
# a new user's first call (docs/data.md "Session 37 (heldout37)"). usage: scripts/heldout37/predict.sh TAG
# raw $HELDOUT37/raw/FILE -> $HELDOUT37/predict/SET.csv, log $HELDOUT37/logs/SET_predictTAG.log
TAG=${1:?give a log tag}
HELDOUT=${HELDOUT37:-/tmp/heldout37} exec "$(dirname "$0")/../heldout_predict.sh" "$TAG" \
  firehose=fleet-positions-1-2026-11-03-08-00-07-5d1e.gz eventhubs=12.avro \
  msgpack=positions.msgpack npz=trajectories.npz ethucy=biwi_hotel.txt \
  od_matrix=od_weekday_2026-11.csv pickle=tracks.pkl osmand=tracks
