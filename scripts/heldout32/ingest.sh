#!/bin/bash
# heldout32: each raw set ingested as a new user would, with no options (docs/data.md "Session 32
# (heldout32)"). usage: scripts/heldout32/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT32/raw/FILE -> store $HELDOUT32/stores/SET (replaced), log $HELDOUT32/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
declare -A F=([aware_phones]=aware_phones.db [wialon_wln]=wialon_wln [ublox_ubx]=ublox_ubx
  [fleet_calc]=fleet_calc.ods [saildrone_nccf]=saildrone_ncCF.nc [tracker_de]=tracker_de.tsv
  [opentracks]=opentracks.kmz [scooters]=scooters.parquet)
SETS=${*:-aware_phones wialon_wln ublox_ubx fleet_calc saildrone_nccf tracker_de opentracks scooters}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT32:-/tmp/heldout32} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
