"""badin29: hostile files on readers29's reader fixes (docs/data.md "Session 29 (readers29)"):
point columns whose rows mix lat / lon orders, negative accuracy / HDOP, speeds with units in
their cells, a `Date` column of date-times, Argos location classes, time columns named `UTC`,
Shift-JIS / EUC-JP lines with cut characters. Each case writes a tiny file and reads it with
`trajlm data ingest` (scripts/ingest_cases.py), one line a case; classified by hand on first
read (scripts/badin29/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin29/readers.py [OUT_DIR]   (default /tmp/badin29/readers)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ingest_cases import IngestCases  # noqa: E402

WORDS = ("rror", "arn", "drop", "orders", "first", "line", "zone", "speed", "Argos", "argos",
         "Shift", "EUC", "t <-", "negative", "accuracy", "hdop", "no points")  # fmt: skip
CASES = IngestCases(
    Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin29/readers"), WORDS, width=3, said=520
)


def ingest(name: str, data: str | bytes, *opts: str, extra: str = "") -> None:
    def got(df, first) -> str:
        more = {c: df[c].head(4).to_list() for c in extra.split(",") if c and c in df.columns}
        last = df.tail(1).select("t", "lat", "lon").rows()
        return f" n={df.height} ids={df['traj_id'].n_unique()} first={first} last={last} {more}"

    CASES(name, data, "csv", opts, got)


def times(n: int = 12) -> list[str]:
    return [f"2026-03-01 10:{k * 4 // 60:02d}:{k * 4 % 60:02d}" for k in range(n)]


def table(header: str, cell, n: int = 12) -> str:
    """`header` then one row a time: `v,TIME,<cell(k)>`."""
    return header + "\n" + "".join(f"v,{t},{cell(k)}\n" for k, t in enumerate(times(n)))


def point(value, name: str = "Location (Long, Lat)") -> str:
    return table(f'id,time,"{name}"', lambda k: f'"{value(k)}"')


# ---- 1. point columns, orders mixed
ingest("Sydney alternating, one row blank",
       point(lambda k: "" if k == 4 else (f"{151.2 + 1e-4 * k}, -33.87" if k % 2 else f"-33.87, {151.2 + 1e-4 * k}")))  # fmt: skip
ingest("Sydney alternating, one row '0, 0'",
       point(lambda k: "0, 0" if k == 4 else (f"{151.2 + 1e-4 * k}, -33.87" if k % 2 else f"-33.87, {151.2 + 1e-4 * k}")))  # fmt: skip
ingest("Sydney: every row lat first under a (Long, Lat) name (wrong name, all told)",
       point(lambda k: f"-33.87, {151.2 + 1e-4 * k}"))  # fmt: skip
ingest("Sydney alternating, with --lat-col / --lon-col given to other columns",
       table('id,time,lat,lon,"Location (Long, Lat)"',
             lambda k: f'{-33.87},{151.2 + 1e-4 * k},"{151.2 + 1e-4 * k}, -33.87"'))  # fmt: skip
ingest("Sydney alternating, a 91-degree 'latitude' typo row (lat first, 91 read as lon?)",
       point(lambda k: "91.0, 151.2" if k == 6 else (f"{151.2 + 1e-4 * k}, -33.87" if k % 2 else f"-33.87, {151.2 + 1e-4 * k}")))  # fmt: skip
ingest("two vehicles: v1 lon-first Sydney, v2 lat-first Sydney",
       'id,time,"Location (Long, Lat)"\n' + "".join(
           f'v{1 + k % 2},{t},"{(f"{151.2 + 1e-4 * k}, -33.87") if k % 2 == 0 else (f"-33.87, {151.2 + 1e-4 * k}")}"\n'
           for k, t in enumerate(times())))  # fmt: skip
ingest("Chicago (Long, Lat) with 'N' / 'W' letters alternating orders",
       point(lambda k: "87.74 W, 41.89 N" if k % 2 else "41.89 N, 87.74 W"))  # fmt: skip
# ---- 2. negative accuracy / HDOP
acc = lambda col, v: table(f"id,time,lat,lon,{col}", lambda k: f"{41.15 + 1e-4 * k},-8.61,{v(k)}")  # noqa: E731
ingest("accuracy_m '-0' on every row", acc("accuracy_m", lambda k: "-0"), extra="accuracy_m")
ingest(
    "accuracy_m -1 on every row (iOS invalid everywhere)",
    acc("accuracy_m", lambda k: -1),
    extra="accuracy_m",
)
ingest(
    "accuracy_m '-5 m' with unit text",
    acc("accuracy_m", lambda k: "-5 m" if k == 3 else "5 m"),
    extra="accuracy_m",
)
ingest(
    "accuracy_m -inf / nan text",
    acc("accuracy_m", lambda k: "-inf" if k == 3 else ("nan" if k == 4 else 5)),
    extra="accuracy_m",
)
ingest("hdop -0.0", acc("hdop", lambda k: "-0.0"), extra="hdop")
ingest("hdop '-1' on one row, negative accuracy on another",
       table("id,time,lat,lon,hdop,accuracy_m", lambda k: f"{41.15 + 1e-4 * k},-8.61,{-1 if k == 2 else 1.2},{-3 if k == 5 else 8}"),
       extra="hdop,accuracy_m")  # fmt: skip
ingest("hdop '1e400' (overflow)", acc("hdop", lambda k: "1e400" if k == 2 else 1), extra="hdop")
# ---- 3. speeds with units in cells
spd = lambda col, v: table(f"id,time,lat,lon,{col}", lambda k: f"{41.15 + 1e-4 * k},-8.61,{v(k)}")  # noqa: E731
ingest(
    "speed_kmh '-12 km/h' (negative with unit)",
    spd("speed_kmh", lambda k: "-12 km/h"),
    extra="sog_mps",
)
ingest("speed_kmh '1e400 km/h'", spd("speed_kmh", lambda k: "1e400 km/h"), extra="sog_mps")
ingest("speed_kmh 'nan km/h'", spd("speed_kmh", lambda k: "nan km/h"), extra="sog_mps")
ingest(
    "speed_kmh '12,5 km/h' (comma decimal)",
    spd("speed_kmh", lambda k: '"12,5 km/h"'),
    extra="sog_mps",
)
ingest(
    "speed_kmh '12 KM/H' (upper case unit)", spd("speed_kmh", lambda k: "12 KM/H"), extra="sog_mps"
)
ingest("speed_kmh '12km/h' (no space)", spd("speed_kmh", lambda k: "12km/h"), extra="sog_mps")
ingest(
    "speed_kmh '12 m/s' (m/s in a km/h column)",
    spd("speed_kmh", lambda k: "12 m/s"),
    extra="sog_mps",
)
ingest(
    "speed_kmh '5 kn 3 km/h' (two units)",
    spd("speed_kmh", lambda k: "5 kn 3 km/h"),
    extra="sog_mps",
)
ingest("speed '12 mph' (no unit in the name)", spd("speed", lambda k: "12 mph"), extra="sog_mps")
ingest(
    "speed_kmh '99999 km/h' (impossible)", spd("speed_kmh", lambda k: "99999 km/h"), extra="sog_mps"
)
# ---- 4. Date of date-times
ingest("Date of date-times, half of the rows bare dates",
       "id,Date,lat,lon\n" + "".join(f"v,{t if k % 2 else t[:10]},{41.15 + 1e-4 * k},-8.61\n" for k, t in enumerate(times())))  # fmt: skip
ingest("Date '00:28:07 23-Sep-2026' with one row '25:99:00 23-Sep-2026'",
       "id,Date,lat,lon\n" + "".join(f"v,{'25:99:00' if k == 5 else f'{k:02d}:28:07'} 23-Sep-2026,{-18.6 + 0.01 * k},-174.0\n" for k in range(12)))  # fmt: skip
ingest("Date '2026-03-01T10:00:00+05:30' (offset)",
       "id,Date,lat,lon\n" + "".join(f"v,{t.replace(' ', 'T')}+05:30,{41.15 + 1e-4 * k},-8.61\n" for k, t in enumerate(times())))  # fmt: skip
ingest("Date '10:00:00 01-03-2026' (clock first, numeric date: dmy or mdy?)",
       "id,Date,lat,lon\n" + "".join(f"v,10:00:{k * 4:02d} 01-03-2026,{41.15 + 1e-4 * k},-8.61\n" for k in range(12)))  # fmt: skip
ingest("Date + a 'timestamp' of epoch seconds (which is the time?)",
       "id,Date,timestamp,lat,lon\n" + "".join(f"v,2026-03-01 10:00:00,{1772359200 + 4 * k},{41.15 + 1e-4 * k},-8.61\n" for k in range(12)))  # fmt: skip
ingest("Date unsorted rows (time-first, reversed)",
       "id,Date,lat,lon\n" + "".join(f"v,{k:02d}:28:07 23-Sep-2026,{-18.6 + 0.01 * k},-174.0\n" for k in reversed(range(12))))  # fmt: skip


# ---- 5. Argos classes
def argos(qs: list[str]) -> str:
    return "DeployID,Date,Quality,Latitude,Longitude\n" + "".join(
        f"235400,2026-09-23 {k:02d}:28:07,{q},{-18.6 + 0.01 * k},-174.0\n" for k, q in enumerate(qs)
    )


ingest("Quality all Z", argos(["Z"] * 12), extra="argos_lc")
ingest("Quality ' a ' (spaces, lower case)", argos([" a "] * 6 + ["3"] * 6), extra="argos_lc")
ingest(
    "Quality with an 'X' (no Argos class) among A / B", argos(["A", "B", "X"] * 4), extra="argos_lc"
)
ingest("Quality '3.0' floats with a B", argos(["3.0", "2.0", "B"] * 4), extra="argos_lc")
ingest(
    "LC column of G (GPS) and A", argos(["G", "A"] * 6).replace("Quality", "LC"), extra="argos_lc"
)
ingest(
    "argos_lc empty cells",
    argos(["", "A", "3"] * 4).replace("Quality", "argos_lc"),
    extra="argos_lc",
)
# ---- 6. time columns named UTC
ingest("'UTC' column holding +02:00 offsets",
       table("id,UTC,lat,lon", lambda k: f"{41.15 + 1e-4 * k},-8.61").replace(":00,", ":00+02:00,").replace(":04,", ":04+02:00,"))  # fmt: skip
ingest("'utc_offset' column of '+02:00' beside a time",
       table("id,time,utc_offset,lat,lon", lambda k: f"+02:00,{41.15 + 1e-4 * k},-8.61"))  # fmt: skip
ingest("'UTC' clock + 'local_time' both",
       "id,UTC,local_time,lat,lon\n" + "".join(f"v,{t},{t},{41.15 + 1e-4 * k},-8.61\n" for k, t in enumerate(times())))  # fmt: skip
ingest("'Time (UTC)' epoch milliseconds",
       "id,Time (UTC),lat,lon\n" + "".join(f"v,{1772359200000 + 4000 * k},{41.15 + 1e-4 * k},-8.61\n" for k in range(12)))  # fmt: skip
# ---- 7. East Asian cuts
jp_rows = [f"D01,山田太郎,{t},{35.68 + 1e-4 * k},139.76" for k, t in enumerate(times(40))]
jp = ("配達員ID,氏名,記録日時,緯度,経度\n" + "\n".join(jp_rows) + "\n").encode("cp932")
name = "山田太郎".encode("cp932")
lines = jp.split(b"\n")
for i in (3, 6, 9, 12, 15):
    lines[i] = lines[i].replace(name, name[:-1])
ingest("Shift-JIS, five of 40 names cut (over 3, under 5 %? 12.5 %)", b"\n".join(lines))
hdr = jp.split(b"\n")
hdr[0] = hdr[0][:-1]
ingest("Shift-JIS, the header's last character cut", b"\n".join(hdr))
lines = jp.split(b"\n")
lines[4] = lines[4].replace(b"139.76", b"139.7\x82")
ingest("Shift-JIS, a cut byte inside a longitude number", b"\n".join(lines))
lines = jp.split(b"\n")
lines[4] = lines[4].replace(b"D01", b"D0\x82")
ingest("Shift-JIS, a cut byte inside the id (one row's id differs)", b"\n".join(lines))
ingest("UTF-8 BOM + Shift-JIS body", b"\xef\xbb\xbf" + jp)
