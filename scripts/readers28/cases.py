"""readers28: the readers' leftovers of session 27 (badin27, heldout27, readers27), one seeded case
each through `trajlm data ingest` (and one `trajlm.questions.Asker` question), printed one line a
case: `NN name | exit | ids / rows / first fix | the lines that matter`. Compare main and branch:

    PYTHONPATH=/work/main .venv/bin/python scripts/readers28/cases.py /tmp/readers28/cases_main
    PYTHONPATH=$PWD       .venv/bin/python scripts/readers28/cases.py /tmp/readers28/cases_branch

Outputs (the files and stores) go under OUT_DIR (default /tmp/readers28/cases).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ingest_cases import IngestCases, rows  # noqa: E402

WORDS = ("rror", "arn", "drop", "read as", "line", "day", "month", "feet", "ft", "hdop", "HDOP",
         "speed", "origin", "Lat", "Long", "Datum", "EUC", "text read", "column", "km/u")  # fmt: skip
CASES = IngestCases(
    Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/readers28/cases"), WORDS, width=2, said=500
)


def ingest(name: str, data: str | bytes, *opts: str, ext: str = "csv", extra: str = "") -> None:
    def got(df, first) -> str:
        more = {
            c: df[c].head(3).to_list()
            for c in (extra.split(",") if extra else [])
            if c in df.columns
        }
        return f" n={df.height} first={first} {more}"

    CASES(name, data, ext, opts, got)


# ---- 1. "the last Tuesday in December" (Asker; a tug on 12 days, Tuesdays 1 and 8 December)
def ask_case() -> None:
    from trajlm.questions import Asker

    CASES.n += 1
    days = pd.date_range("2026-11-27", "2026-12-08")
    recs = []
    for d, day in enumerate(days):
        lat = 51.47
        for i in range(11):
            recs.append((f"T/{d}", "TUG-1", day + pd.Timedelta(hours=9, minutes=i), lat, -0.45))
            lat += (d + 1) * 60 / 111_195.0  # day d: (d + 1) m/s
    fleet = pd.DataFrame(recs, columns=["task", "unit", "local_time", "lat", "lon"])
    cols = {"traj_id": "task", "t": "local_time", "vehicle_id": "unit"}
    asker = Asker(fleet, columns=cols, tz="Europe/London")
    for q in ("How many km did TUG-1 drive last Tuesday?",
              "How many km did TUG-1 drive the last Tuesday in December?",
              "How many km did TUG-1 drive on Tuesday 8 December 2026?"):  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                a = asker(q)
                print(
                    f"{CASES.n:02d} ask {q!r} | {a.value:.3f} km, plan dates {a.plan.date_from}..{a.plan.date_to}"
                )
            except Exception as e:  # noqa: BLE001 (a refusal is a result here)
                print(f"{CASES.n:02d} ask {q!r} | refused: {type(e).__name__}: {e}")


ask_case()

# ---- 2. a point column named with its axis order, values the other way round
chicago = [(t, a, o - 227.5) for t, a, o in rows(lat0=41.89)]  # lat 41.89, lon -87.67: both valid
ingest("'Location (Long, Lat)' over lat-first values (both in range)",
       'bus,Time,"Location (Long, Lat)"\n' + "".join(f'B7,{t},"{a}, {o}"\n' for t, a, o in chicago),
       "--tz", "UTC")  # fmt: skip
ingest("'Location (Lat, Long)' over lon-first values (both in range)",
       'bus,Time,"Location (Lat, Long)"\n' + "".join(f'B7,{t},"{o}, {a}"\n' for t, a, o in chicago),
       "--tz", "UTC")  # fmt: skip
sydney = [(t, a - 69.54, o + 11.44) for t, a, o in rows()]  # lat -33.86, lon 151.2
ingest("'Location (Long, Lat)' over lat-first values (lon 151 > 90)",
       'bus,Time,"Location (Long, Lat)"\n' + "".join(f'B7,{t},"{a}, {o}"\n' for t, a, o in sydney),
       "--tz", "UTC")  # fmt: skip
ingest("'Location (Lat, Long)' as named (control)",
       'bus,Time,"Location (Lat, Long)"\n' + "".join(f'B7,{t},"{a}, {o}"\n' for t, a, o in chicago),
       "--tz", "UTC")  # fmt: skip

# ---- 3. Datum beside a Tijd that holds its own date
nl = "Schip;Datum;Tijd;Breedtegraad;Lengtegraad\n" + "".join(
    f"Vrouw Maria;{t[:10]};{t[11:]};{str(a).replace('.', ',')};{str(o).replace('.', ',')}\n"
    for t, a, o in rows(lat0=52.37, lon0=4.89))  # fmt: skip
ingest("Datum + Tijd (control)", nl)
ingest(
    "Datum 2026-03-01 + Tijd holding 2026-03-02 (disagree)", nl.replace(";10:0", ";2026-03-02 10:0")
)
ingest(
    "Datum 2026-03-01 + Tijd holding 2026-03-01 (agree)", nl.replace(";10:0", ";2026-03-01 10:0")
)

# ---- 4. EUC-JP (and the Korean / Shift-JIS controls)
jp = "配達員ID,記録日時,緯度,経度\n" + "".join(f"D01,{t},{a},{o}\n" for t, a, o in rows())
ingest("EUC-JP courier", jp.encode("euc_jp"))
ingest("EUC-JP courier, kana in the id (配達員ID -> ドライバー)",
       jp.replace("D01", "さとう").encode("euc_jp"))  # fmt: skip
ingest("Shift-JIS courier (control)", jp.encode("cp932"))
kr = "기사ID,기록일시,위도,경도\n" + "".join(
    f"K1,{t},{a},{o}\n" for t, a, o in rows(lat0=37.56, lon0=126.97)
)
ingest("EUC-KR (control)", kr.encode("cp949"))


# ---- 5. MoTeC: 4 columns, 25 preamble lines, Log Date / Log Time
def motec(date: str = "13/03/2026", n_cols: int = 4) -> str:
    head = ('"Format","MoTeC CSV File"\n"Venue","Berlin"\n"Vehicle","Gen3"\n"Driver",""\n'
            f'"Log Date","{date}"\n"Log Time","10:00:00"\n"Sample Rate","10","Hz"\n"Duration","5.0","s"\n\n')  # fmt: skip
    names, units = '"Time","GPS Latitude","GPS Longitude","Lap Number"', '"s","deg","deg",""'
    row = '"{t:.1f}","{a}","{o}","1"'
    if n_cols == 5:
        names, units, row = names + ',"Speed"', units + ',"km/h"', row + ',"90"'
    body = "".join(
        row.format(t=k * 0.1, a=52.5 + 1e-5 * k, o=13.4 + 1e-5 * k) + "\n" for k in range(50)
    )
    return head + names + "\n" + units + "\n\n" + body


ingest("MoTeC 4 columns, Log Date 13/03/2026 (day first by value)", motec())
ingest("MoTeC 5 columns, Log Date 13/03/2026", motec(n_cols=5))
ingest("MoTeC 5 columns, Log Date 01/03/2026 (ambiguous)", motec("01/03/2026", 5))
ingest("MoTeC 5 columns, Log Date 01/03/2026 with --time-origin", motec("01/03/2026", 5),
       "--time-origin", "2026-03-01T10:00:00Z")  # fmt: skip
ingest("25 key / value preamble lines",
       "".join(f'"Key{i}","v{i}"\n' for i in range(25)) + "id,time,lat,lon\n"
       + "".join(f"a,{t},{a},{o}\n" for t, a, o in rows()))  # fmt: skip
ingest("70 key / value preamble lines (past any limit)",
       "".join(f'"Key{i}","v{i}"\n' for i in range(70)) + "id,time,lat,lon\n"
       + "".join(f"a,{t},{a},{o}\n" for t, a, o in rows()))  # fmt: skip


# ---- 6. accuracy with its unit in the column's name
def phones(col: str, values: list) -> str:
    return f"id,time,lat,lon,{col}\n" + "".join(
        f"p1,2026-03-01T10:{k:02d}:00Z,45.{100 + k},-73.{500 + k},{values[k % len(values)]}\n"
        for k in range(10)
    )


ingest("accuracy_ft 30 / 5000 (feet)", phones("accuracy_ft", [30, 5000]), extra="accuracy_m")
ingest("accuracy_km 0.01 / 1.5", phones("accuracy_km", [0.01, 1.5]), extra="accuracy_m")
ingest("Accuracy (ft) 30 / 5000", phones('"Accuracy (ft)"', [30, 5000]), extra="accuracy_m")
ingest(
    "horizontal_accuracy_feet 30 / 5000",
    phones("horizontal_accuracy_feet", [30, 5000]),
    extra="accuracy_m",
)

# ---- 7. HDOP as text
ingest(
    "hdop '2.1 (good)' / '9.5 (poor)'", phones("hdop", ["2.1 (good)", "9.5 (poor)"]), extra="hdop"
)
ingest("hdop 'good' / 'poor' (no number)", phones("hdop", ["good", "poor"]), extra="hdop")

# ---- 8. km/u
nl_speed = "Schip;Tijd;Breedtegraad;Lengtegraad;Snelheid (km/u)\n" + "".join(
    f"VM;{t};{str(a).replace('.', ',')};{str(o).replace('.', ',')};18\n"
    for t, a, o in rows(lat0=52.37, lon0=4.89)
)
ingest("Snelheid (km/u) 18", nl_speed, extra="sog_mps")
ingest(
    "Geschwindigkeit (km/h) 18",
    nl_speed.replace("Snelheid (km/u)", "Geschwindigkeit (km/h)"),
    extra="sog_mps",
)

# ---- 9. dd-mm-yyyy with every day under 13
dashed = "id,time,lat,lon\n" + "".join(
    f"a,{t[8:10]}-{t[5:7]}-{t[:4]} {t[11:]},{a},{o}\n" for t, a, o in rows()
)
ingest("01-03-2026 (days all under 13)", dashed)
ingest("01/03/2026 (slashes, control)", dashed.replace("-03-", "/03/").replace("01-", "01/", 1))
ingest(
    "01-03-2026 with --time-format '%d-%m-%Y %H:%M:%S'",
    dashed,
    "--time-format",
    "%d-%m-%Y %H:%M:%S",
)
ingest("01-03-2026 with --time-format dmy", dashed, "--time-format", "dmy")
ingest("Datum 01-03-2026 + Tijd (days under 13)", nl.replace("2026-03-01", "01-03-2026"))
ingest(
    "Datum 01-03-2026 + Tijd, --time-format mdy",
    nl.replace("2026-03-01", "01-03-2026"),
    "--time-format",
    "mdy",
)
print("done", CASES.n)
