"""`trajlm.data.ingest.ingest` from Python before / after a refactor: a fixed list of small
files, each there to reach one branch of `_ingest` (scripts/review38/ingest_cases.py runs the
CLI; this adds what only Python shows: each warning's category, text, file and source line, and the
exception raised), so two runs diff line by line (docs/testing.md "Session 39 (review39)").

    python scripts/review39/ingest_api_cases.py CHECKOUT RESULT_FILE
    diff RESULT_BEFORE RESULT_AFTER

Inputs and stores go under $REVIEW39_WORK (default /tmp/review39/api_work), the same paths
for both runs so the messages that name them compare.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

WORK = Path(os.environ.get("REVIEW39_WORK", "/tmp/review39/api_work"))
IN = WORK / "inputs"


def rows(header: str, make, n: int) -> str:
    return "\n".join([header, *(make(i) for i in range(n))]) + "\n"


def write_inputs() -> None:
    """Small seeded files, one branch each (names say which)."""
    IN.mkdir(parents=True, exist_ok=True)
    t0 = 1_600_000_000

    def walk(i: int, k: int = 0) -> str:
        return f"a{k},{t0 + 30 * i},{41.1 + 0.0004 * i},{-8.6 + 0.0003 * k}"

    (IN / "good.csv").write_text(rows("traj_id,t,lat,lon", walk, 30))
    # x / y metres beside a .prj (session 20): reprojected, warned with a location
    (IN / "cabs.csv").write_text(
        rows("traj_id,t,x,y", lambda i: f"c,{t0 + 30 * i},{500000 + 20 * i},{4550000 + 10 * i}", 30)
    )
    (IN / "cabs.prj").write_text(
        'PROJCS["WGS 84 / UTM zone 29N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",'
        '6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],'
        'PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],'
        'PARAMETER["central_meridian",-9],PARAMETER["scale_factor",0.9996],'
        'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]'
    )
    # x / y metres read as degrees (refused), and as --crs local
    (IN / "plane.csv").write_text(
        rows("traj_id,t,lat,lon", lambda i: f"p,{t0 + i},{30 + 0.9 * i},{40 + 0.8 * i}", 30)
    )
    # one class per trajectory (kept whole), a label column that is empty, a species column
    (IN / "labelled.csv").write_text(
        rows("traj_id,t,lat,lon,label", lambda i: walk(i % 20, i // 20) + f",{'bus' if i < 20 else 'walk'}", 40)
    )  # fmt: skip
    gappy = [
        f"g,{t0 + 30 * i + (4000 if i >= 10 else 0)},{41.1 + 0.0004 * i},-8.6,car"
        for i in range(20)
    ]
    (IN / "gappy_labelled.csv").write_text("traj_id,t,lat,lon,label\n" + "\n".join(gappy) + "\n")
    (IN / "empty_label.csv").write_text(
        rows("traj_id,t,lat,lon,transport_mode", lambda i: walk(i) + ",", 20)
    )
    (IN / "species.csv").write_text(
        rows("individual-local-identifier,timestamp,location-lat,location-long,individual-taxon-canonical-name",
             lambda i: f"deer{i // 15},2021-05-01 10:{(i % 15) * 3:02d}:00,{46 + 0.001 * i},{7 + 0.001 * i},Cervus elaphus", 30)
    )  # fmt: skip
    # zoned text with --tz (the zone is not used), a +01:00 offset in every row
    (IN / "zoned.csv").write_text(
        rows(
            "traj_id,time,lat,lon",
            lambda i: f"z,2021-05-01T10:{i:02d}:00Z,41.1,{-8.6 + 0.0005 * i}",
            30,
        )
    )
    (IN / "offset.csv").write_text(
        rows(
            "traj_id,time,lat,lon",
            lambda i: f"z,2021-05-01T10:{i:02d}:00+01:00,41.1,{-8.6 + 0.0005 * i}",
            30,
        )
    )
    (IN / "naive.csv").write_text(
        rows(
            "traj_id,time,lat,lon",
            lambda i: f"z,2021-05-01 10:{i:02d}:00,41.1,{-8.6 + 0.0005 * i}",
            30,
        )
    )
    # Shift-JIS bytes, a long stay, an impossible jump, sub-second fixes
    (IN / "sjis.csv").write_bytes(
        rows("traj_id,t,lat,lon,name", lambda i: walk(i) + ",東京駅", 20).encode("shift_jis")
    )
    stay = [
        f"s,{t0 + 60 * i},{41.1 + (0.0005 * i if i < 10 or i > 80 else 0.005)},-8.6"
        for i in range(90)
    ]
    (IN / "stay.csv").write_text("traj_id,t,lat,lon\n" + "\n".join(stay) + "\n")
    (IN / "jump.csv").write_text(
        rows(
            "traj_id,t,lat,lon",
            lambda i: f"j,{t0 + 30 * i},{41.1 + (1.0 if i == 10 else 0.0004 * i)},-8.6",
            25,
        )
    )
    (IN / "subsec.csv").write_text(
        rows("traj_id,t,lat,lon", lambda i: f"q,{t0 + 0.4 * i:.1f},{41.1 + 0.000004 * i},-8.6", 60)
    )
    (IN / "radians.csv").write_text(
        rows(
            "traj_id,t,lat,lon,speed",
            lambda i: f"r,{t0 + 10 * i},{0.7173 + 0.0000016 * i},-0.1501,10",
            30,
        )
    )
    (IN / "bad_rows.csv").write_text(
        rows("traj_id,t,lat,lon", lambda i: f"b,{t0 + 30 * i},{'x' if i % 3 else 41.1},-8.6", 30)
    )
    (IN / "ais.csv").write_text(
        rows("MMSI,BaseDateTime,LAT,LON,SOG,COG,VesselType",
             lambda i: f"366{i // 15},2021-01-01T00:{(i % 15) * 2:02d}:00,{29.7 + 0.002 * i},-95.0,8.0,90.0,80", 30)
    )  # fmt: skip


CASES = [
    ("good", ["good.csv"], {}),
    ("good_skip_chunks", ["good.csv"], {"on_error": "skip", "chunk_rows": 7}),
    ("bad_on_error", ["good.csv"], {"on_error": "maybe"}),
    ("bad_preset", ["good.csv"], {"column_preset": "no_such_layout"}),
    ("prj", ["cabs.csv"], {}),
    ("prj_given_crs", ["cabs.csv"], {"column_map": {"crs": "EPSG:32629", "lat": "y", "lon": "x"}}),
    ("plane_as_degrees", ["plane.csv"], {}),
    ("plane_local", ["plane.csv"], {"column_map": {"crs": "local"}}),
    ("degrees_as_local", ["good.csv"], {"column_map": {"crs": "local"}}),
    ("labelled_whole", ["labelled.csv"], {}),
    ("labelled_gappy", ["gappy_labelled.csv"], {}),
    ("labelled_gap_override", ["gappy_labelled.csv"], {"clean_overrides": {"max_gap_s": 600}}),
    ("empty_label", ["empty_label.csv"], {}),
    ("species", ["species.csv"], {}),
    ("zoned_with_tz", ["zoned.csv"], {"column_map": {"tz": "Europe/Lisbon"}}),
    ("offset_text", ["offset.csv"], {}),
    ("naive", ["naive.csv"], {}),
    ("naive_tz", ["naive.csv"], {"column_map": {"tz": "Europe/Lisbon"}}),
    ("sjis", ["sjis.csv"], {}),
    ("long_stay", ["stay.csv"], {}),
    ("jump", ["jump.csv"], {}),
    ("subsec_thinned", ["subsec.csv"], {}),
    ("subsec_kept", ["subsec.csv"], {"column_map": {"sub_second": True}}),
    ("radians", ["radians.csv"], {}),
    ("bad_rows_skip", ["bad_rows.csv"], {"on_error": "skip"}),
    ("nothing_left", ["bad_rows.csv"], {"on_error": "skip", "clean_overrides": {"min_points": 50}}),
    ("unused_filter", ["good.csv"], {"clean_overrides": {"max_hdop": 3}}),
    ("ais_vessels", ["ais.csv"], {}),
    ("two_files", ["good.csv", "jump.csv"], {}),
    ("keep_copies", ["good.csv"], {"keep_copies": True}),
    ("vehicle_col", ["ais.csv"], {"vehicle_col": "MMSI"}),
]

RUNNER = r"""
import json, linecache, sys, warnings
from pathlib import Path
from trajlm.data.ingest import ingest
work, out, cases = Path(sys.argv[1]), {}, json.loads(sys.argv[2])
for name, files, kw in cases:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            m = ingest([str(work / "inputs" / f) for f in files], "auto", work / "stores" / name, **kw)
            m = json.loads(json.dumps(m, default=str))
            m.pop("created_at", None)
            got = {"manifest": m}
        except Exception as e:  # the refusal itself is the result
            got = {"raised": type(e).__name__, "text": str(e)}
    # the line's text, not its number: a refactor moves lines (review39: ingest.py:145 -> 117)
    got["warnings"] = [[w.category.__name__, str(w.message), Path(w.filename).name,
                        linecache.getline(w.filename, w.lineno).strip()] for w in seen]
    out[name] = got
print(json.dumps(out, indent=1, sort_keys=True, default=str))
"""


def main(checkout: Path, result: Path) -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    write_inputs()
    env = dict(os.environ, PYTHONPATH=str(checkout))
    r = subprocess.run([sys.executable, "-c", RUNNER, str(WORK), json.dumps(CASES)], env=env,
                       capture_output=True, text=True, cwd=WORK)  # fmt: skip
    result.parent.mkdir(parents=True, exist_ok=True)
    result.write_text(f"exit {r.returncode}\n--- stderr\n{r.stderr}--- stdout\n{r.stdout}")
    print(f"{len(CASES)} cases -> {result} (exit {r.returncode})")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]))
