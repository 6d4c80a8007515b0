#!/usr/bin/env bash
# ask38b's fresh set: set 38's stores under $ASK38_OUT (scripts/ask38's gen / ingest, seed 38), then the pandas
# truths (truth38b.json).
#   ASK38_OUT=/tmp/ask38b bash scripts/ask38b/make.sh && ASK38_OUT=/tmp/ask38b python scripts/ask38b/read.py NAME
set -euo pipefail
HERE=$(cd "$(dirname "$0")/../.." && pwd)
cd "$HERE"
python scripts/ask38/gen.py > /dev/null && bash scripts/ask38/ingest.sh > /dev/null 2>&1
python scripts/ask38b/truth.py
