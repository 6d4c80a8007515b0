"""readers29: the readers' leftovers of session 28 (badin28, heldout28), seeded cases through
`trajlm data ingest`, printed one line a case: `NN name | exit | rows / first fix / kept columns |
the lines that matter`. The brief's cases first, then hostile variants of each fix. Compare main
and branch:

    PYTHONPATH=/tmp/readers29/main_tree .venv/bin/python scripts/readers29/cases.py /tmp/readers29/cases_main
    PYTHONPATH=$PWD                     .venv/bin/python scripts/readers29/cases.py /tmp/readers29/cases_branch

(/tmp/readers29/main_tree: `git archive main | tar -x -C /tmp/readers29/main_tree`.) Outputs (the
files and stores) go under OUT_DIR (default /tmp/readers29/cases).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ingest_cases import IngestCases  # noqa: E402

WORDS = ("rror", "arn", "drop", "orders", "first", "line", "zone", "speed", "Argos", "argos",
         "Shift", "EUC", "t <-", "negative", "accuracy", "hdop")  # fmt: skip
CASES = IngestCases(
    Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/readers29/cases"), WORDS, width=2, said=520
)


def ingest(name: str, data: str | bytes, *opts: str, extra: str = "") -> None:
    def got(df, first) -> str:
        more = {c: df[c].head(4).to_list() for c in extra.split(",") if c and c in df.columns}
        return f" n={df.height} first={first} {more}"

    CASES(name, data, "csv", opts, got)


def times(n: int = 12) -> list[str]:
    return [f"2026-03-01 10:00:{k * 4:02d}" for k in range(n)]


def table(header: str, cell) -> str:
    """`header` then one row a time: `v,TIME,<cell(k)>`."""
    return header + "\n" + "".join(f"v,{t},{cell(k)}\n" for k, t in enumerate(times()))


def point(value) -> str:
    return table('id,time,"Location (Long, Lat)"', lambda k: f'"{value(k)}"')


# ---- 1. a point column's rows in two orders
ingest("Chicago, rows alternate lat / lon first (badin28 1)",
       point(lambda k: f"{-87.74 + 1e-4 * k}, 41.89" if k % 2 else f"41.89, {-87.74 + 1e-4 * k}"))  # fmt: skip
ingest("Sydney, rows alternate (151.2 tells each row)",
       point(lambda k: f"{151.2 + 1e-4 * k}, -33.87" if k % 2 else f"-33.87, {151.2 + 1e-4 * k}"))  # fmt: skip
ingest("Chicago, one row lat first among lon-first rows",
       point(lambda k: f"41.89, {-87.74 + 1e-4 * k}" if k == 5 else f"{-87.74 + 1e-4 * k}, 41.89"))  # fmt: skip
ingest("Svalbard ship, lat 79-81 lon 20, as named (Lat, Long)",
       table('id,time,"Location (Lat, Long)"', lambda k: f'"{79 + 0.2 * k}, {20 + 0.01 * k}"'))  # fmt: skip
ingest("Bering Sea across 180, lon-first as named",
       point(lambda k: f"{179.9 + 0.02 * k - (360 if 179.9 + 0.02 * k > 180 else 0):.4f}, 65.0"))  # fmt: skip
ingest("Dhaka, lon 89.9-90.4 first as named, one row lat first (orders not all told)",
       point(lambda k: "23.7, 90.4" if k == 6 else f"{90.4 - 0.05 * k:.2f}, 23.7"))  # fmt: skip
# ---- 2. negative accuracy / HDOP
acc = table("id,time,lat,lon,accuracy_ft", lambda k: f"{41.15 + 1e-4 * k},-8.61,{-30 if k == 2 else 30}")  # fmt: skip
ingest("accuracy_ft -30 (badin28 19)", acc, extra="accuracy_m")
ingest("accuracy_ft -30 with --max-accuracy-m 0 (filter off)", acc, "--max-accuracy-m", "0",
       extra="accuracy_m")  # fmt: skip
ingest("hdop '-3 (bad)' on every row (badin28 23)",
       table("id,time,lat,lon,hdop", lambda k: f"{41.15 + 1e-4 * k},-8.61,-3 (bad)"), extra="hdop")  # fmt: skip
ingest("horizontalAccuracy -1 on 3 rows (iOS: invalid fix)",
       table("id,time,lat,lon,horizontalAccuracy", lambda k: f"{41.15 + 1e-4 * k},-8.61,{-1 if k % 4 == 0 else 8}"),
       extra="accuracy_m")  # fmt: skip
ingest("hdop 0 (not negative: kept)",
       table("id,time,lat,lon,hdop", lambda k: f"{41.15 + 1e-4 * k},-8.61,0"), extra="hdop")  # fmt: skip
# ---- 3. speeds with their unit in the cell
ingest("Snelheid (km/u) '18 km/u' (badin28 25)",
       table("id,time,lat,lon,Snelheid (km/u)", lambda k: f"{41.15 + 1e-4 * k},-8.61,18 km/u"),
       extra="sog_mps")  # fmt: skip
ingest("SOG (kn) '5 kn' with COG",
       table("id,time,lat,lon,SOG (kn),COG", lambda k: f"{41.15 + 1e-4 * k},-8.61,5 kn,90"),
       extra="sog_kn")  # fmt: skip
ingest("speed_kmh '12 mph' (another unit than the name's)",
       table("id,time,lat,lon,speed_kmh", lambda k: f"{41.15 + 1e-4 * k},-8.61,12 mph"),
       extra="sog_mps")  # fmt: skip
ingest("Snelheid (km/u) 'fast' on one row",
       table("id,time,lat,lon,Snelheid (km/u)", lambda k: f"{41.15 + 1e-4 * k},-8.61,{'fast' if k == 3 else 18}"),
       extra="sog_mps")  # fmt: skip
ingest("Snelheid (km/u) '18 furlongs'",
       table("id,time,lat,lon,Snelheid (km/u)", lambda k: f"{41.15 + 1e-4 * k},-8.61,18 furlongs"),
       extra="sog_mps")  # fmt: skip
# ---- 4. a Date column of date-times
argos_date = "DeployID,Date,Latitude,Longitude\n" + "".join(
    f"235400,{k:02d}:28:07 23-Sep-2026,{-18.6 + 0.01 * k},-174.0\n" for k in range(12)
)
ingest("Date '00:28:07 23-Sep-2026', no time column (heldout28 whales)", argos_date)
ingest("Date '2026-03-01 10:00:00' (ISO date-times)",
       "id,Date,lat,lon\n" + "".join(f"v,{t},{41.15 + 1e-4 * k},-8.61\n" for k, t in enumerate(times())))  # fmt: skip
ingest("Date of bare dates, no time column (still refused)",
       "id,Date,lat,lon\n" + "".join(f"v,2026-03-{k + 1:02d},{41.15 + 1e-3 * k},-8.61\n" for k in range(12)))  # fmt: skip
ingest("Date + Time columns (the pair, unchanged)",
       "id,Date,Time,lat,lon\n" + "".join(f"v,{t[:10]},{t[11:]},{41.15 + 1e-4 * k},-8.61\n" for k, t in enumerate(times())))  # fmt: skip
ingest("two date columns of date-times (Date, GPS Date): not guessed",
       "id,Date,GPS Date,lat,lon\n" + "".join(f"v,{t},{t},{41.15 + 1e-4 * k},-8.61\n" for k, t in enumerate(times())))  # fmt: skip
# ---- 5. Argos location classes
classes = ["3", "2", "1", "0", "A", "B", "Z", "b", "3", "2", "1", "0"]
ingest("Quality 3..B with a Z row that has a position (Wildlife Computers)",
       "DeployID,Date,Quality,Latitude,Longitude\n" + "".join(
           f"235400,2026-09-23 {k:02d}:28:07,{q},{-18.6 + 0.01 * k},-174.0\n" for k, q in enumerate(classes)),
       extra="argos_lc")  # fmt: skip
ingest("argos:lc (Movebank)",
       "individual-local-identifier,timestamp,argos:lc,location-lat,location-long\n" + "".join(
           f"whale1,2026-09-23 {k:02d}:28:07.000,{q},{-18.6 + 0.01 * k},-174.0\n" for k, q in enumerate(classes)),
       extra="argos_lc")  # fmt: skip
ingest("Quality 0 / 1 / 2 (a GPS fix quality: not Argos)",
       table("id,time,Quality,lat,lon", lambda k: f"{k % 3},{41.15 + 1e-4 * k},-8.61"), extra="argos_lc")  # fmt: skip
# ---- 6. a column named UTC
ingest("Balloon, Date + UTC columns (heldout28)",
       "Balloon,Date,UTC,Latitude,Longitude\n" + "".join(
           f"TC-B00,13/06/2026,03:22:{k * 4:02d},38.65,{34.85 + 1e-4 * k}\n" for k in range(12)))  # fmt: skip
ingest("a lone 'GMT Time' column of date-times",
       table("id,GMT Time,lat,lon", lambda k: f"{41.15 + 1e-4 * k},-8.61"))  # fmt: skip
ingest("'local_time' (control: still said)",
       table("id,local_time,lat,lon", lambda k: f"{41.15 + 1e-4 * k},-8.61"))  # fmt: skip
# ---- 7. East Asian text with a cut character
jp_rows = [f"D01,山田太郎,{t},{35.68 + 1e-4 * k},139.76" for k, t in enumerate(times())]
jp = ("配達員ID,氏名,記録日時,緯度,経度\n" + "\n".join(jp_rows) + "\n").encode("cp932")
name = "山田太郎".encode("cp932")
lines = jp.split(b"\n")
lines[5] = lines[5].replace(name, name[:-1])
ingest("Shift-JIS, a name's last character cut on line 6", b"\n".join(lines))
lines[9] = lines[9].replace(name, name[:-1])
lines[11] = lines[11].replace(name, name[:-1])
ingest("Shift-JIS, three names cut (lines 6, 10, 12)", b"\n".join(lines))
plain = "配達員ID,記録日時,緯度,経度\n" + "".join(
    f"D01,{t},{35.68 + 1e-4 * k},139.76\n" for k, t in enumerate(times())
)
ingest("Shift-JIS, the file cut mid-character (badin27 4)", plain.encode("cp932")[:-40] + b"\x82\n")
ingest("EUC-JP, the file cut mid-character (badin28 33)", plain.encode("euc_jp")[:-30] + b"\xa4\n")
ingest("Shift-JIS header, a Latin-1 'é' on the last row (badin27 5)",
       plain.encode("cp932") + "D01,2026-03-01 10:05:00,35.69,139.77\n".replace("D01", "Dé").encode("latin-1"))  # fmt: skip
ingest("Latin-1 'José' rows (control: Western)",
       b"id,time,lat,lon\n" + "".join(f"José,{t},{41.15 + 1e-4 * k},-8.61\n" for k, t in enumerate(times())).encode("latin-1"))  # fmt: skip
