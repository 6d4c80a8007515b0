#!/usr/bin/env bash
set -x
# Session 31 (newuser31): the CLI steps of the transit analyst's walk on gen_transit.py's feed.
# Command: PATH=$PWD/.venv/bin:$PATH PYTHONPATH=$PWD bash scripts/newuser31/walk_cli.sh [OUT]
# (OUT default $NEWUSER31_OUT or /tmp/newuser31: the store st_cli, the run runs_cli, the CSVs.)
cd "${1:-${NEWUSER31_OUT:-/tmp/newuser31}}"
T="trajlm"
rm -rf st_cli runs_cli latest.csv at.csv eval.json filled.csv sim.csv st_bike st_scoot od.csv times.csv
$T data ingest avl.csv --out st_cli          # no option: journeys by DatedVehicleJourneyRef (newuser31)
$T data inspect st_cli | head -5
$T train --data st_cli --out runs_cli --max-steps 200 --threads 1 2>&1 | grep -v "train step" | head -8
$T predict --model runs_cli --input avl.csv --latest --seconds-ahead 60,300 --out latest.csv --threads 1
head -4 latest.csv
$T predict --model trajlm-small --input avl.csv --at-times 2026-03-10T12:05:00Z --latest --out at.csv --threads 1
head -4 at.csv
$T eval --task predict --data st_cli --model runs_cli --out eval.json --threads 1 2>&1 | tail -25
$T recover --input avl_gaps.csv --model runs_cli --out filled.csv --threads 1
$T similar --model trajlm-small --query avl.csv --database avl.csv --k 3 --exclude-self --out sim.csv --threads 1
head -4 sim.csv
$T data ingest bike_trips.csv --out st_bike
$T data ingest scooter_tracks.csv --out st_scoot
python - <<'PY'
import pandas as pd
s = pd.read_csv("stops.txt")
od = pd.DataFrame({"o_lat": s.stop_lat[[3, 20]].values, "o_lon": s.stop_lon[[3, 20]].values,
                   "d_lat": s.stop_lat[[9, 27]].values, "d_lon": s.stop_lon[[9, 27]].values,
                   "depart": "2026-03-10T08:00:00Z"})
od.to_csv("od.csv", index=False)
PY
$T travel-time --input od.csv --model runs_cli --out times.csv --threads 1
$T travel-time --input bike_trips.csv --model runs_cli --out times.csv --threads 1
for q in "how many buses are there?" "average speed in km/h per bus" "which bus drove the most km?" \
         "how many trips stopped longer than 5 minutes?" "what is the median trip duration in minutes?" \
         "how long did each bus stand at the terminal on average?"; do
  $T ask "$q" --data st_cli 2>&1 | head -8
done
