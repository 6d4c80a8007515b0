#!/bin/bash
# heldout33b: each raw set ingested as a new user would, with no options (docs/data.md "Session 33
# (heldout33b)"). usage: scripts/heldout33b/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT33B/raw/FILE -> store $HELDOUT33B/stores/SET (replaced), log $HELDOUT33B/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([adsbx_traces]=adsbx_traces [fr24_flights]=fr24_flights.csv [vans_arrows]=vans.arrows
  [logbook_dm]=logbook_dm.csv)
SETS=${*:-adsbx_traces fr24_flights vans_arrows logbook_dm}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT33B:-/tmp/heldout33b} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
