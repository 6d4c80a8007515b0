#!/usr/bin/env bash
# local37's walk (docs/data.md "Session 37 (local37)"): every command that reads trajectories on
# a `--crs local` store, on the raw x / y metres file with and without `--crs local`; prints each
# command's last line (exit status first). Outputs under $LOCAL37 (default /tmp/local37); ~5 min
# on 2 shared cores. The Python and HTTP walks: walk_api.py, walk_http.py beside this file.
set -uo pipefail
R=${LOCAL37:-/tmp/local37}
export OMP_NUM_THREADS=1
T="nice -n 10 trajlm"
python scripts/newuser36/gen_gps.py --out "$R/raw"
F="$R/raw/uwb_forklifts.csv" S="$R/uwb" O="$R/out"
mkdir -p "$O"
$T data ingest "$F" --out "$S" --crs local --overwrite > /dev/null
run() { local out rc; out=$($T "$@" 2>&1); rc=$?; echo "== [$rc] trajlm $*"; echo "$out" | tail -2 | cut -c1-400; }
M="--model trajlm-small"
run anomalies $M --data "$F" --calibrate-on "$F" --out "$O/an.csv" --overwrite --top 1
run anomalies $M --data "$F" --calibrate-on "$F" --crs local --out "$O/an.csv" --overwrite --top 1
head -2 "$O/an.csv"
run reach $M --input "$F" --to 1,1 --out "$O/r.csv" --overwrite
run reach $M --input "$F" --crs local --to 1,1 --out "$O/r.csv" --overwrite
run parked --input "$F" --out "$O/pk.csv" --overwrite
run parked --input "$F" --crs local --out "$O/pk.csv" --overwrite
head -2 "$O/pk.csv"
run parked --input "$S" --crs EPSG:32629 --out "$O/pk.csv" --overwrite
run next-place --input "$F" --out "$O/np.csv" --overwrite
run divert --input "$S" --order 1,1 --out "$O/dv.csv" --overwrite
run divert --input "$F" --crs local --order 1,1 --out "$O/dv.csv" --overwrite
printf 'o_x,o_y,d_x,d_y,depart\n10,5,70,35,1796191200\n' > "$O/trips.csv"
run travel-time $M --input "$O/trips.csv" --out "$O/tt.csv" --overwrite
run travel-time $M --input "$O/trips.csv" --crs local --out "$O/tt.csv" --overwrite  # trajlm-small: no infill heads
run data queries "$S" --out "$O/q.csv" --overwrite
head -2 "$O/q.csv"
timeout 60 $T serve $M --reach-memory "$S" --port 0 2>&1 | tail -1
python scripts/local37/walk_api.py --raw "$R/raw"
python scripts/local37/walk_http.py --raw "$R/raw"
