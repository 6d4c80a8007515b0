"""badin28: hostile files on readers28's reader changes (docs/data.md "Session 28 (readers28)"):
point columns `Location (Long, Lat)` against their values, Datum beside a dated Tijd, EUC-JP, MoTeC
preamble dates, accuracy in feet / km, HDOP text, km/u speeds, dd-mm-yyyy vs mm-dd-yyyy and
`--time-format dmy / mdy`. Each case writes a tiny file and reads it with `trajlm data ingest`.
Prints one line per case: `NNN name | exit | ids / rows / the lines that matter`. Classified by
hand on first read (scripts/badin28/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin28/readers.py [OUT_DIR]   (default /tmp/badin28/readers)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.store import read_store

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin28/readers")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
N = 0
WORDS = ("rror", "arn", "drop", "zone", "read", "times", "line", "day", "accuracy", "hdop", "HDOP")


def ingest(name: str, data: str | bytes, ext: str = "csv", *opts: str, cols: str = "") -> None:
    global N
    N += 1
    src = OUT / f"{N:03d}.{ext}"
    src.write_bytes(data if isinstance(data, bytes) else data.encode())
    out = OUT / f"{N:03d}_store"
    res = CliRunner().invoke(app, ["data", "ingest", str(src), "--out", str(out), *opts])
    lines = [ln.strip() for ln in res.output.splitlines() if ln.strip()]
    said = " / ".join(ln for ln in lines if any(w in ln for w in WORDS))[:420]
    got = ""
    if res.exit_code == 0 and out.exists():
        df = read_store(out).sort("traj_id", "t")
        keep = ["traj_id", "t", "lat", "lon", *[c for c in cols.split(",") if c in df.columns]]
        got = f" n={df.height} first={df.head(1).select(keep).rows()} last_t={df['t'].max()}"
    exc = ("" if res.exception is None or isinstance(res.exception, SystemExit)
           else f" EXC {type(res.exception).__name__}: {str(res.exception)[:200]}")  # fmt: skip
    print(f"{N:03d} {name} | exit={res.exit_code}{got}{exc} :: {said}", flush=True)


def times(n: int = 12, dt: int = 10, day: str = "2026-03-01") -> list[str]:
    return [f"{day} 10:{(k * dt) // 60:02d}:{(k * dt) % 60:02d}" for k in range(n)]


def table(header: str, row) -> str:
    return header + "\n" + "".join(row(k, t) + "\n" for k, t in enumerate(times()))


# ---- point columns named with their axis order
ingest("Location (Long, Lat): half the rows lat first, half lon first",
       table('id,time,"Location (Long, Lat)"', lambda k, t: f'v,{t},"{-87.74 + 1e-4 * k}, 41.89"'
             if k % 2 else f'v,{t},"41.89, {-87.74 + 1e-4 * k}"'))  # fmt: skip
ingest(
    "Location (Long, Lat) near 0,0 (both readings plausible, as named)",
    table('id,time,"Location (Long, Lat)"', lambda k, t: f'v,{t},"{0.5 + 1e-4 * k}, 0.3"'),
)
ingest("Location (Long, Lat) with some empty values",
       table('id,time,"Location (Long, Lat)"', lambda k, t: f'v,{t},"{-87.74 + 1e-4 * k}, 41.89"'
             if k % 3 else f"v,{t},"))  # fmt: skip
ingest(
    "Location (Long, Lat) with three numbers",
    table('id,time,"Location (Long, Lat)"', lambda k, t: f'v,{t},"{-87.74 + 1e-4 * k}, 41.89, 12"'),
)
ingest(
    "Location (Long, Lat) semicolon-separated",
    table('id,time,"Location (Long, Lat)"', lambda k, t: f'v,{t},"{-87.74 + 1e-4 * k}; 41.89"'),
)
ingest("Location (Long, Lat) text 'n/a' in one row",
       table('id,time,"Location (Long, Lat)"', lambda k, t: f'v,{t},"{-87.74 + 1e-4 * k}, 41.89"'
             if k != 4 else f"v,{t},n/a"))  # fmt: skip
# ---- Datum / Tijd
ingest("Datum blank in one row beside a time-only Tijd",
       "Datum,Tijd,lat,lon\n" + "".join(f"{'' if k == 3 else '01-03-2026'},{t[11:]},{52 + 1e-4 * k},4.9\n"
                                        for k, t in enumerate(times())))  # fmt: skip
ingest("Datum 13-03-2026 (day over 12) + Tijd",
       "Datum,Tijd,lat,lon\n" + "".join(f"13-03-2026,{t[11:]},{52 + 1e-4 * k},4.9\n"
                                        for k, t in enumerate(times())))  # fmt: skip
ingest("Datum that changes mid-file (midnight) + Tijd",
       "Datum,Tijd,lat,lon\n" + "".join(f"{'01-03-2026' if k < 6 else '02-03-2026'},23:5{k % 10}:00,{52 + 1e-4 * k},4.9\n"
                                        for k in range(12)))  # fmt: skip
ingest("Datum in ISO beside a Tijd holding the same date",
       "Datum,Tijd,lat,lon\n" + "".join(f"2026-03-01,{t},{52 + 1e-4 * k},4.9\n"
                                        for k, t in enumerate(times())))  # fmt: skip
# ---- dd-mm-yyyy / mm-dd-yyyy
ddmm = table("id,time,lat,lon", lambda k, t: f"v,01-03-2026 {t[11:]},{41.15 + 1e-4 * k},-8.61")
ingest("01-03-2026 with --time-format dmy", ddmm, "csv", "--time-format", "dmy")
ingest("01-03-2026 with --time-format mdy", ddmm, "csv", "--time-format", "mdy")
ingest("01-03-2026 with --time-format DMY (case)", ddmm, "csv", "--time-format", "DMY")
ingest("01-03-2026 with --time-format ymd", ddmm, "csv", "--time-format", "ymd")
d13 = table("id,time,lat,lon", lambda k, t: f"v,13-03-2026 {t[11:]},{41.15 + 1e-4 * k},-8.61")
ingest("13-03-2026 (day over 12) with --time-format mdy", d13, "csv", "--time-format", "mdy")
ingest("13-03-2026 with no option", d13)
iso = table("id,time,lat,lon", lambda k, t: f"v,{t},{41.15 + 1e-4 * k},-8.61")
ingest("ISO times with --time-format dmy", iso, "csv", "--time-format", "dmy")
mixed = table("id,time,lat,lon", lambda k, t: f"v,{'01' if k < 6 else '13'}-03-2026 {t[11:]},{41.15 + 1e-4 * k},-8.61")  # fmt: skip
ingest("01-03 then 13-03 in one file (day first shown by the later rows)", mixed)
# ---- accuracy in feet / km, HDOP text, km/u
ingest("accuracy_ft negative and text",
       table("id,time,lat,lon,accuracy_ft", lambda k, t: f"v,{t},{41.15 + 1e-4 * k},-8.61,{-30 if k == 2 else ('x' if k == 3 else 30)}"),
       cols="accuracy_m")  # fmt: skip
ingest("accuracy_mi (miles)",
       table("id,time,lat,lon,accuracy_mi", lambda k, t: f"v,{t},{41.15 + 1e-4 * k},-8.61,0.01"),
       cols="accuracy_m")  # fmt: skip
ingest("accuracy_ft and accuracy_m both",
       table("id,time,lat,lon,accuracy_ft,accuracy_m", lambda k, t: f"v,{t},{41.15 + 1e-4 * k},-8.61,30,500"),
       cols="accuracy_m")  # fmt: skip
ingest("hdop '2,1 (good)' (comma decimal)",
       table("id,time,lat,lon,hdop", lambda k, t: f'v,{t},{41.15 + 1e-4 * k},-8.61,"2,1 (good)"'),
       cols="hdop")  # fmt: skip
ingest(
    "hdop '-3 (bad)' (negative)",
    table("id,time,lat,lon,hdop", lambda k, t: f"v,{t},{41.15 + 1e-4 * k},-8.61,-3 (bad)"),
    cols="hdop",
)
ingest(
    "hdop '1e400 (huge)'",
    table("id,time,lat,lon,hdop", lambda k, t: f"v,{t},{41.15 + 1e-4 * k},-8.61,1e400 (huge)"),
    cols="hdop",
)
ingest("Snelheid (km/u) with text '18 km/u'",
       table("id,time,lat,lon,Snelheid (km/u)", lambda k, t: f"v,{t},{41.15 + 1e-4 * k},-8.61,18 km/u"),
       cols="sog_mps")  # fmt: skip
ingest("Snelheid (km/u) negative",
       table("id,time,lat,lon,Snelheid (km/u)", lambda k, t: f"v,{t},{41.15 + 1e-4 * k},-8.61,-18"),
       cols="sog_mps")  # fmt: skip
ingest("Snelheid (km/u) and speed_mps both",
       table("id,time,lat,lon,Snelheid (km/u),speed_mps", lambda k, t: f"v,{t},{41.15 + 1e-4 * k},-8.61,36,5"),
       cols="sog_mps")  # fmt: skip
# ---- MoTeC preamble dates
motec = ('"Format","MoTeC CSV File"\n"Log Date","{d}"\n"Log Time","{tm}"\n"Sample Rate","10","Hz"\n\n'
         '"Time","GPS Latitude","GPS Longitude","Speed"\n'
         + "".join(f'"{k / 10:.1f}","{41.15 + 1e-5 * k}","{-8.61}","10"\n' for k in range(30)))  # fmt: skip
ingest("MoTeC Log Date 31/02/2026 (no such day)", motec.format(d="31/02/2026", tm="10:00:00"))
ingest("MoTeC Log Date 13/13/2026", motec.format(d="13/13/2026", tm="10:00:00"))
ingest("MoTeC Log Time 25:00:00", motec.format(d="13/03/2026", tm="25:00:00"))
ingest("MoTeC Log Time empty", motec.format(d="13/03/2026", tm=""))
ingest("MoTeC Log Date 13/03/2026 with --time-origin given too",
       motec.format(d="13/03/2026", tm="10:00:00"), "csv", "--time-origin", "2020-01-01T00:00Z")  # fmt: skip
# ---- EUC-JP
jp = "配達員ID,記録日時,緯度,経度\n" + "".join(
    f"D01,{t},{35.68 + 1e-4 * k},139.76\n" for k, t in enumerate(times())
)
ingest("EUC-JP cut mid-character", jp.encode("euc_jp")[:-30] + b"\xa4\n")
ingest(
    "EUC-JP header, UTF-8 rows",
    "配達員ID,記録日時,緯度,経度\n".encode("euc_jp") + jp.split("\n", 1)[1].encode(),
)
