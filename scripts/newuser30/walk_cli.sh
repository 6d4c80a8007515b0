#!/usr/bin/env bash
set -x
# Session 30 (newuser30): the CLI steps of the maritime walk on gen_vessels.py's feed.
# Command: PATH=$PWD/.venv/bin:$PATH PYTHONPATH=$PWD bash scripts/newuser30/walk_cli.sh [OUT]
# (OUT default $NEWUSER30_OUT or /tmp/newuser30: the store st_cli, the run runs_cli, the CSVs.)
cd "${1:-${NEWUSER30_OUT:-/tmp/newuser30}}"
T="trajlm"
rm -rf st_cli runs_cli pred.csv latest.csv eval.json filled.csv
$T data ingest ais.csv --out st_cli
$T data inspect st_cli
$T train --data st_cli --out runs_cli --max-steps 60 --threads 1 2>&1 | grep -v "train step"
$T predict --model runs_cli --input ais.csv --latest --seconds-ahead 60,300 --out latest.csv --threads 1
head -5 latest.csv
$T predict --model trajlm-small --input ais.csv --latest --steps 3 --radii 50,90 --out pred.csv --threads 1
head -3 pred.csv
$T eval --task predict --data st_cli --model runs_cli --out eval.json --threads 1
$T recover --input ais_gaps.csv --model trajlm-small --out filled.csv --threads 1
head -3 filled.csv
$T travel-time --input od.csv --model runs_cli --out times.csv --threads 1
$T travel-time --input od.csv --model runs_mt --out times_mt.csv --threads 1   # runs_mt: walk_vessels.py's multi-task fit
$T predict --model trajlm-small --input ais.csv --at-times 2026-06-03T11:29:02Z --out at.csv --threads 1   # no such option before vessel30 (friction 19)
