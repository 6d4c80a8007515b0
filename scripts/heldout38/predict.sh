#!/bin/bash
# heldout38: `trajlm predict --model trajlm-small --input RAW` on each raw set with no options, as
# a new user's first call (docs/data.md "Session 38 (heldout38)"). usage: scripts/heldout38/predict.sh TAG
# raw $HELDOUT38/raw/FILE -> $HELDOUT38/predict/SET.csv, log $HELDOUT38/logs/SET_predictTAG.log
TAG=${1:?give a log tag}
HELDOUT=${HELDOUT38:-/tmp/heldout38} exec "$(dirname "$0")/../heldout_predict.sh" "$TAG" \
  elastic=fleet-search.json bigquery=bq-results-20261103-081512.csv splunk=splunk_export.csv \
  mqtt=gps.log influx=telemetry.lp gopro=GX010042-GPS5.csv teslamate=positions.csv \
  samsung=samsunghealth
