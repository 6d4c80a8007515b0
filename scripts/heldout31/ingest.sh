#!/bin/bash
# heldout31: each raw set ingested as a new user would, with no options (docs/data.md "Session 31
# (heldout31)"). usage: scripts/heldout31/ingest.sh TAG [SET ...]   (TAG names the logs: 0 = first read)
# raw $HELDOUT31/raw/FILE -> store $HELDOUT31/stores/SET (replaced), log $HELDOUT31/logs/SET_ingestTAG.log
TAG=${1:?give a log tag}; shift
H=${HELDOUT31:-/tmp/heldout31}; REPO=${TRAJLM_REPO:-$(cd "$(dirname "$0")/../.." && pwd)}  # TRAJLM_REPO: the code to read with
declare -A F=([vms_tacsat]=vms_tacsat.csv [wialon_vans]=wialon_vans.csv [dji_srt]=dji_srt
  [rover_rtklib]=rover_rtklib [erddap_drifters]=erddap_drifters.csv [fiets_rd]=fiets_rd.csv
  [fleet_xml2003]=fleet_xml2003.xls [ttn_uplinks]=ttn_uplinks.jsonl)
SETS=${*:-vms_tacsat wialon_vans dji_srt rover_rtklib erddap_drifters fiets_rd fleet_xml2003 ttn_uplinks}
mkdir -p "$H/stores" "$H/logs"
for s in $SETS; do
  rm -rf "$H/stores/$s"
  env PYTHONPATH="$REPO" OMP_NUM_THREADS=1 nice -n 10 "$REPO/.venv/bin/trajlm" data ingest \
    "$H/raw/${F[$s]}" --out "$H/stores/$s" > "$H/logs/${s}_ingest$TAG.log" 2>&1
  echo "$s rc=$?: $(grep -v '^ ' "$H/logs/${s}_ingest$TAG.log" | tail -1 | cut -c1-250)"
done
