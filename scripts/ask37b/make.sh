#!/usr/bin/env bash
# ask37b's fresh set: set 37's stores under $ASK37_OUT (scripts/ask37's gen / ingest), sports37's TRACAB match
# (two 5-min halves, seed 37) ingested under $ASK37B_PITCH_STORE, then the pandas truths.
#   ASK37_OUT=/tmp/ask37b bash scripts/ask37b/make.sh && python scripts/ask37b/read.py NAME
set -euo pipefail
HERE=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${ASK37_OUT:-/tmp/ask37}
RAW=${ASK37B_PITCH:-/tmp/ask37b/pitch_raw}
STORE=${ASK37B_PITCH_STORE:-/tmp/ask37b/pitch_store}
cd "$HERE"
python scripts/ask37/gen.py > /dev/null && bash scripts/ask37/ingest.sh > /dev/null 2>&1
(cd scripts/sports37 && python gen_tracab.py --out "$RAW" --minutes 5 --seed 37 > /dev/null)
python -m trajlm.cli data ingest "$RAW/match_tracab.dat" --out "$STORE" --time-origin 2026-11-28T15:00Z \
  --overwrite > /dev/null 2>&1
python scripts/ask37b/truth.py
