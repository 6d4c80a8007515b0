"""fix40: badin39's leftovers (docs/status.md "Session 39" open item 3), one line a case,
classified by hand (scripts/fix40/classes.py). Each family has badin39's own case and the next
file of that family (another layout, another remedy), so a fix that matched a sample's bytes
shows here. Run on 32ac984f (a detached worktree on PYTHONPATH) and on this branch:

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/fix40/cases.py [OUT]   # ~2 min
    python scripts/fix40/classes.py                                                 # the table

Fixtures: heldout38's seeded generators (BigQuery, Elasticsearch, MQTT, TeslaMate), sports37's
(Metrica, TRACAB) and the walkers below, written under OUT (default /tmp/fix40/cases).
"""

# fmt: off
from __future__ import annotations

import json
import math
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases, cli_error_first, probe_out, read_summary, run_script  # noqa: E402

from trajlm.cli import app  # noqa: E402

OUT = probe_out("/tmp/fix40/cases")
G, F = OUT / "gen", OUT / "fix"
F.mkdir()
say = Cases(got=600, warn=260, warn_total=600, flush=True)
WORDS = ("rror", "arn", "wrote", "swapped", "latitude first", "not checked", "cut_short", "left out",
         "columns:", "several movers", "dropped")
run_script("heldout38/gen_logs.py", str(G / "h38"))
run_script("heldout38/gen_devices.py", str(G / "h38"))
run_script("sports37/gen_metrica.py", "--out", str(G / "metrica"), "--minutes", "1")
run_script("sports37/gen_tracab.py", "--out", str(G / "tracab"), "--minutes", "1")
H = G / "h38"
T0 = int(datetime(2026, 11, 3, 8, 0, tzinfo=UTC).timestamp())
TO = ["--time-origin", "2026-11-03T15:00:00Z"]


def put(name: str, data: str) -> Path:
    p = F / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(data)
    return p


def stored(out: Path) -> str:
    import trajlm

    df = trajlm.read_store(out)
    per = df.group_by("traj_id").agg(pl.len())["len"]
    return (f"n={df.height} trajs={df['traj_id'].n_unique()} (median {per.median():.0f} pts) "
            f"lat={df['lat'].min():.3f}..{df['lat'].max():.3f} lon={df['lon'].min():.3f}..{df['lon'].max():.3f} "
            f"t:{df['t'].dtype}")


def ingest(name: str, inputs: list, *opts: object) -> None:
    out = OUT / "st" / f"s{say.n + 1:03d}"

    def run() -> str:
        got = cli_error_first(app, ("data", "ingest", *inputs, "--out", out, *opts), WORDS, 700)
        return (stored(out) + " || " if got.startswith("exit=0") and out.exists() else "") + got

    say(name, run)


def vans(n_vans: int = 3, n: int = 80, dt: int = 5, lat0: float = 53.35, lon0: float = -6.26) -> pl.DataFrame:
    """Vans turning as they go, with their true speed (m/s)."""
    rng = np.random.default_rng(40)
    rows = []
    for v in range(n_vans):
        lat, lon, heading = lat0 + 0.01 * v, lon0 + 0.01 * v, rng.uniform(0, 360)
        for i in range(n):
            speed = rng.uniform(6, 14)
            rows.append((f"VAN{v}", T0 + i * dt, lat, lon, speed))
            heading += rng.normal(0, 35)
            lat += speed * dt * math.cos(math.radians(heading)) / 111_195.0
            lon += speed * dt * math.sin(math.radians(heading)) / (111_195.0 * math.cos(math.radians(lat)))
    return pl.DataFrame(rows, schema=["vehicle_id", "t", "lat", "lon", "speed_mps"], orient="row")


# ============ (a) WKT POINT(lat lon)
bq = (H / "bq-results-20261103-081512.csv").read_text().splitlines(keepends=True)
flip = "".join([bq[0]] + [",".join(p if i != 2 else "POINT(" + " ".join(reversed(p[6:-1].split())) + ")"
                                   for i, p in enumerate(ln.rstrip("\n").split(","))) + "\n" for ln in bq[1:]])
ingest("a1 BigQuery geog POINT(lat lon) beside speed_mps (badin39 166)", [put("a1/bq-results.csv", flip)])
ingest("a2 BigQuery geog POINT(lat lon), speed column removed (badin39 225)",
       [put("a2/bq-results.csv", "".join(",".join(ln.rstrip("\n").split(",")[:3]) + "\n" for ln in flip.splitlines(keepends=True)))])
V = vans()
ingest("a3 a PostGIS `geom` SRID=4326;POINT(lat lon) beside `speed` (km/h)",
       [put("a3.csv", V.select("vehicle_id", time=pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                               geom=pl.format("SRID=4326;POINT({} {})", "lat", "lon"),
                               speed_kmh=pl.col("speed_mps") * 3.6).write_csv())])
ingest("a4 the same in WKT order POINT(lon lat) (guard)",
       [put("a4.csv", V.select("vehicle_id", time=pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                               geom=pl.format("SRID=4326;POINT({} {})", "lon", "lat"),
                               speed_kmh=pl.col("speed_mps") * 3.6).write_csv())])

# ============ (b) swapped names beside a speed that says nothing
P = vans(lat0=41.15, lon0=-8.61).drop("speed_mps").rename({"lat": "lon", "lon": "lat"})
for tag, val in (("0", 0.0), ("NaN", float("nan")), ("'fast'", "fast"), ("-8", -8.0)):
    ingest(f"b swapped lat / lon names, speed {tag} on every row (badin39 234-239)", [put(f"b_{tag.strip(chr(39))}.csv", P.with_columns(speed=pl.lit(val)).write_csv())])
ingest("b swapped names, a signed velocity (-speed)", [put("b_signed.csv", vans(lat0=41.15, lon0=-8.61).with_columns(velocity=-pl.col("speed_mps")).drop("speed_mps").rename({"lat": "lon", "lon": "lat"}).write_csv())])
ingest("b swapped names, gps_speed empty cells", [put("b_empty.csv", P.with_columns(gps_speed=pl.lit(None, pl.Float64)).write_csv())])
ingest("b right names, speed 0, parked (guard)", [put("b_parked.csv", vans().with_columns(lat=pl.lit(53.35), lon=pl.lit(-6.26), speed=pl.lit(0.0)).drop("speed_mps").write_csv())])

# ============ (c) ISO comma decimals
W = pl.DataFrame([(f"w{k}", T0 + i / 10, 41.15 + k * 1e-3 + i * 1e-6, -8.61 + i * 2e-6) for k in range(3) for i in range(120)],
                 schema=["id", "t", "lat", "lon"], orient="row")
iso = W.with_columns(time=pl.from_epoch((pl.col("t") * 1e6).cast(pl.Int64), time_unit="us").dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")).drop("t")
ingest("c ISO 2026-11-03T08:00:00,100Z --sub-second (badin39 19)", [put("c1.csv", iso.with_columns(time=pl.col("time").str.replace(r"\.", ",")).write_csv())], "--sub-second")
ingest("c ISO comma decimal, no zone, space separator, whole seconds read", [put("c2.csv", iso.with_columns(time=pl.col("time").str.replace(r"\.", ",").str.replace("T", " ").str.replace("Z", "")).write_csv())])
ingest("c ISO comma decimal with +01:00 offset", [put("c3.csv", iso.with_columns(time=pl.col("time").str.replace(r"\.", ",").str.replace("Z", "+01:00")).write_csv())], "--sub-second")
say("c trajlm.read of the comma-decimal CSV", lambda: read_summary(F / "c1.csv"))

# ============ (d) trajlm.read keeping sub-second fixes
WCSV = put("d.csv", W.write_csv())
say("d trajlm.read(10 Hz CSV, exact_times=True) (badin39 46)", lambda: read_summary(WCSV, exact_times=True))
say("d trajlm.read(10 Hz CSV, sub_second=True)", lambda: read_summary(WCSV, sub_second=True))
say("d trajlm.read(10 Hz ISO CSV, sub_second=True)", lambda: read_summary(put("d_iso.csv", iso.write_csv()), sub_second=True))
say("d trajlm.read(sub_second='yes')", lambda: read_summary(WCSV, sub_second="yes"))

# ============ (e) MQTT logs without a topic
mq = (H / "gps.log").read_text().splitlines(keepends=True)
ingest("e MQTT -v off: JSON only (badin39 187)", [put("mq_nov.log", "".join(ln.split(" ", 1)[1] for ln in mq[:300]))])
ingest("e MQTT one-level topic `gps` (badin39 181)", [put("mq_one.log", "".join("gps " + ln.split(" ", 1)[1] for ln in mq[:300]))])
ingest("e MQTT -v off, key=value payloads", [put("mq_kv.log", "".join(
    ";".join(f"{k}={v}" for k, v in json.loads(ln.split(" ", 1)[1]).items()) + "\n" for ln in mq[:300]))])
ingest("e MQTT -v off, JSON with ISO times in .txt", [put("mq_iso.txt", "".join(json.dumps({**(d := json.loads(ln.split(" ", 1)[1])), "ts": datetime.fromtimestamp(d["ts"], UTC).isoformat()}) + "\n" for ln in mq[:300]))])
ingest("e MQTT -v off, one device only (guard)", [put("mq_one_dev.log", "".join(ln.split(" ", 1)[1] for ln in mq if ln.split(" ", 1)[0] == mq[0].split(" ", 1)[0]))])
ingest("e MQTT with the topic (guard)", [H / "gps.log"])

# ============ (f) TeslaMate cars sharing drive ids
tm = pl.read_csv(H / "positions.csv")
one = tm.filter(pl.col("car_id") == 1)
shift = one.with_columns(latitude=pl.col("latitude") + 0.05, date=(pl.col("date").str.to_datetime("%Y-%m-%d %H:%M:%S%.f") + pl.duration(seconds=7)).dt.strftime("%Y-%m-%d %H:%M:%S%.3f"))
ingest("f two TeslaMate exports joined: ids from 1 in each, same drive ids", [put("f1/positions.csv", pl.concat([one, shift.with_columns(car_id=pl.lit(2, one["car_id"].dtype))]).write_csv())])
ingest("f the same, the second car a day later", [put("f2/positions.csv", pl.concat([one, shift.with_columns(car_id=pl.lit(2, one["car_id"].dtype), date=(pl.col("date").str.to_datetime("%Y-%m-%d %H:%M:%S%.f") + pl.duration(days=1)).dt.strftime("%Y-%m-%d %H:%M:%S%.3f"))]).write_csv())])
tmt = (H / "positions.csv").read_text().splitlines(keepends=True)
ingest("f badin39 213: the rows again, car_id 1 -> 2 by a text replace (other fields hit too)", [put("f3/positions.csv", "".join(tmt) + "".join(ln.replace(",1,", ",2,", 1) for ln in tmt[1:]))])
ingest("f TeslaMate positions (guard)", [H / "positions.csv"])
ingest("f the TeslaMate export saved twice into one file (every row an exact copy)", [put("f4/positions.csv", "".join(tmt) + "".join(tmt[1:]))])

# ============ (g) Metrica / TRACAB cut short under --on-error skip
home = next((G / "metrica").glob("*Home*.csv")).read_text().splitlines(keepends=True)
tr = (G / "tracab" / "match_tracab.dat").read_text().splitlines(keepends=True)
ingest("g Metrica cut mid-row, --on-error skip (badin39 274)", [put("g1/Home.csv", "".join(home[:300]) + home[300][:25])], *TO, "--on-error", "skip")
ingest("g TRACAB cut mid-frame, --on-error skip (badin39 276)", [put("g2.dat", "".join(tr[:300]) + tr[300][:40])], *TO, "--on-error", "skip")
ingest("g Metrica a short row in the middle, --on-error skip", [put("g3/Home.csv", "".join(home[:150]) + home[150][:25] + "\n" + "".join(home[151:300]))], *TO, "--on-error", "skip")
ingest("g TRACAB a short frame in the middle, --on-error skip", [put("g4.dat", "".join(tr[:150]) + tr[150][:30] + "\n" + "".join(tr[151:300]))], *TO, "--on-error", "skip")
ingest("g Metrica cut mid-row without --on-error (guard: refused)", [F / "g1" / "Home.csv"], *TO)
say("g trajlm.read(TRACAB cut, on_error='skip')", lambda: read_summary(F / "g2.dat", time_origin="2026-11-03T15:00:00Z", on_error="skip"))
ingest("g Metrica cut inside its header (badin39 273)", [put("g5/Home.csv", home[0] + home[1][:30])], *TO)

# ============ (h) a stated today in numbers
AST = OUT / "st" / "ask"
assert cli_error_first(app, ("data", "ingest", WCSV, "--out", AST), WORDS).startswith("exit=0")
for q in ("It's 04/11/2026. How many trips yesterday?", "It's 13/11/2026. How many trips yesterday?",
          "Today is 11/13/2026. How many trips yesterday?", "It is 03.11.2026, how many trips today?",
          "It's 04/04/2026. How many trips yesterday?", "It's 31/02/2026. How many trips yesterday?"):
    say(f"h ask {q!r}", lambda q=q: cli_error_first(app, ("ask", "--data", AST, q), ("answer", "trips", "today", "day"), 300))

# ============ (i) the JSON point's swap hint
es = json.loads((H / "fleet-search.json").read_text())
for h in es["hits"]["hits"]:
    loc = h["_source"].get("location")
    if isinstance(loc, list):
        h["_source"]["location"] = list(reversed(loc))
    elif isinstance(loc, dict):
        h["_source"]["location"] = [loc.get("lat"), loc.get("lon")]
ingest("i Elasticsearch geo_point [lat, lon] beside speed_kmh (fix39b's hint)", [put("i.json", json.dumps(es))])
# fmt: on
