#!/usr/bin/env bash
# Set 29's stores (ask29): ingest what scripts/ask29/gen.py wrote under $ASK29_OUT (default /tmp/ask29).
#   bash scripts/ask29/ingest.sh
set -euo pipefail
OUT=${ASK29_OUT:-/tmp/ask29}
T="python -m trajlm.cli"
$T data ingest "$OUT/piste.csv" -o "$OUT/piste_store" --traj-col Einsatz --vehicle-col Fahrzeug \
  --label-col Taetigkeit --time-col Zeit --lat-col Breite --lon-col Laenge --sep ';' \
  --time-format '%d.%m.%Y %H:%M:%S' --tz Europe/Vienna --overwrite
$T data ingest "$OUT/hospital.csv" -o "$OUT/hospital_store" --traj-col job_id --vehicle-col mover \
  --label-col job_type --time-col timestamp --overwrite
$T data ingest "$OUT/marathon.csv" -o "$OUT/marathon_store" --traj-col bib --label-col race \
  --tz Europe/Madrid --overwrite
