#!/bin/bash
# heldout31: each raw set ingested as a new user would, with no options (docs/data.md "Session 31
# (heldout31)"). usage: scripts/heldout31/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT31/raw/FILE -> store $HELDOUT31/stores/SET (replaced), log $HELDOUT31/logs/SET_ingestTAG.log
# (TRAJLM_REPO=DIR reads with another checkout's code: scripts/heldout_ingest.sh)
TAG=${1:?give a log tag}; shift
declare -A F=([vms_tacsat]=vms_tacsat.csv [wialon_vans]=wialon_vans.csv [dji_srt]=dji_srt
  [rover_rtklib]=rover_rtklib [erddap_drifters]=erddap_drifters.csv [fiets_rd]=fiets_rd.csv
  [fleet_xml2003]=fleet_xml2003.xls [ttn_uplinks]=ttn_uplinks.jsonl)
SETS=${*:-vms_tacsat wialon_vans dji_srt rover_rtklib erddap_drifters fiets_rd fleet_xml2003 ttn_uplinks}
PAIRS=(); for s in $SETS; do PAIRS+=("$s=${F[$s]}"); done
HELDOUT=${HELDOUT31:-/tmp/heldout31} exec "$(dirname "$0")/../heldout_ingest.sh" "$TAG" "${PAIRS[@]}"
