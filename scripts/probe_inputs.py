"""Adversarial input probe: unusual and bad files through `trajlm data ingest` / `predict`.

Generates inputs under OUT (default /tmp/probeio/cases), runs each through the CLI and prints a
markdown table: case, expectation (valid / invalid), exit status, the last stderr line, and a
verdict. A valid case must exit 0; an invalid one must exit 2 with one line and no traceback.
Findings and fixes: docs/robustness-probe.md (the regression tests: tests/test_probe_inputs.py).

    PYTHONPATH=$PWD python scripts/probe_inputs.py [--out DIR] [--model trajlm-small] [--only ingest]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

T0 = 1_700_000_000 - 12 * 3600  # 2023-11-14T10:13:20Z (an hour trajlm-small saw)


def _rows(n: int = 20, dt: int = 15, lat0: float = 41.15, lon0: float = -8.61, traj: str = "a"):
    return [(traj, T0 + i * dt, lat0 + i * 1e-4, lon0 + i * 1.2e-4) for i in range(n)]


def _csv(rows, header="traj_id,t,lat,lon", sep=",", fmt=None) -> str:
    lines = [header]
    for r in rows:
        vals = fmt(r) if fmt else r
        lines.append(sep.join(str(v) for v in vals))
    return "\n".join(lines) + "\n"


def _iso(t: int, tz: str = "Z") -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S") + tz


def cases() -> list[tuple[str, str, bytes, str]]:
    """(name, file name, bytes, kind): kind "valid" / "invalid" for both commands, "model-only"
    (predict reads it; ingest's default cleaning keeps nothing, and says which option to change)
    or "ingest-only" (ingest repairs it; model input must be clean and is refused)."""
    base = _rows() + _rows(traj="b", lat0=41.16)
    txt = _csv(base)
    c: list[tuple[str, str, bytes, str]] = []

    def add(name, fname, text, kind="valid"):
        c.append((name, fname, text if isinstance(text, bytes) else text.encode(), kind))

    add("plain", "plain.csv", txt)
    add("semicolon", "semi.csv", _csv(base, "traj_id;t;lat;lon", ";"))
    add("tab .tsv", "tab.tsv", _csv(base, "traj_id\tt\tlat\tlon", "\t"))
    add("tab .csv", "tab.csv", _csv(base, "traj_id\tt\tlat\tlon", "\t"))
    add("BOM", "bom.csv", "\ufeff" + txt)
    add("CRLF", "crlf.csv", txt.replace("\n", "\r\n"))
    add("quoted header", "quoted.csv", _csv(base, '"traj_id","t","lat","lon"'))
    add("upper-case header", "upper.csv", _csv(base, "TRAJ_ID,T,LAT,LON"))
    add("Latitude/Longitude", "latlong.csv", _csv(base, "id,timestamp,Latitude,Longitude"))
    add(
        "extra columns",
        "extra.csv",
        _csv([(*r, "x", 3.5) for r in base], "traj_id,t,lat,lon,name,speed"),
    )
    add(
        "lon,lat order",
        "lonlat.csv",
        _csv(base, "traj_id,t,lon,lat", fmt=lambda r: (r[0], r[1], r[3], r[2])),
    )
    add(
        "lat/lon values swapped",
        "swapped.csv",
        _csv([(a, t, 100 + la, lo) for a, t, la, lo in base]),
        "invalid",
    )
    add(
        "decimal commas (;)",
        "comma_dec.csv",
        _csv(
            base,
            "traj_id;t;lat;lon",
            ";",
            fmt=lambda r: (r[0], r[1], str(r[2]).replace(".", ","), str(r[3]).replace(".", ",")),
        ),
        "invalid",
    )
    add("ISO Z", "isoz.csv", _csv(base, fmt=lambda r: (r[0], _iso(r[1]), r[2], r[3])))
    add(
        "ISO +02:00",
        "isotz.csv",
        _csv(base, fmt=lambda r: (r[0], _iso(r[1] + 7200, "+02:00"), r[2], r[3])),
    )
    add("ISO naive", "isonaive.csv", _csv(base, fmt=lambda r: (r[0], _iso(r[1], ""), r[2], r[3])))
    add(
        "ISO space",
        "isospace.csv",
        _csv(base, fmt=lambda r: (r[0], _iso(r[1], "").replace("T", " "), r[2], r[3])),
    )
    add("epoch ms", "ms.csv", _csv(base, fmt=lambda r: (r[0], r[1] * 1000, r[2], r[3])), "invalid")
    add("epoch float s", "floats.csv", _csv(base, fmt=lambda r: (r[0], f"{r[1]}.25", r[2], r[3])))

    def excel(r):
        import datetime as dt

        return (
            r[0],
            dt.datetime.fromtimestamp(r[1], dt.UTC).strftime("%d/%m/%Y %H:%M:%S"),
            r[2],
            r[3],
        )

    add("Excel dd/mm/yyyy", "excel.csv", _csv(base, fmt=excel), "invalid")
    add(
        "time-only",
        "timeonly.csv",
        _csv(base, fmt=lambda r: (r[0], _iso(r[1], "")[11:], r[2], r[3])),
        "invalid",
    )
    add(
        "no time column",
        "notime.csv",
        _csv(base, "traj_id,lat,lon", fmt=lambda r: (r[0], r[2], r[3])),
        "invalid",
    )
    add("duplicate timestamps", "dupt.csv", _csv(base + base[:3]), "ingest-only")
    add("unsorted rows", "unsorted.csv", _csv(base[::-1]))
    add("empty cell", "emptycell.csv", txt.replace("41.1501", "", 1), "invalid")
    add("NaN cell", "nancell.csv", txt.replace("41.1501", "NaN", 1), "invalid")
    add("single point", "single.csv", _csv(base[:1]), "model-only")
    add("identical points", "same.csv", _csv([("a", T0 + 15 * i, 41.15, -8.61) for i in range(20)]))
    add("1 Hz", "1hz.csv", _csv(_rows(200, 1)))
    add("1 day", "1day.csv", _csv(_rows(20, 86400)), "model-only")
    add("south/west", "sw.csv", _csv(_rows(lat0=-33.9, lon0=-70.6)))
    add(
        "antimeridian",
        "am.csv",
        _csv(
            [
                (
                    "a",
                    T0 + 60 * i,
                    -17.0,
                    179.95 + 0.01 * i - (360 if 179.95 + 0.01 * i > 180 else 0),
                )
                for i in range(20)
            ]
        ),
    )
    add("near pole", "pole.csv", _csv(_rows(lat0=89.9, lon0=10.0)))
    add("huge id", "hugeid.csv", _csv([("9" * 300, *r[1:]) for r in base[:20]]))
    add("numeric id 2^64", "bigint.csv", _csv([(18446744073709551617, *r[1:]) for r in base[:20]]))
    add("0-byte", "empty.csv", b"", "invalid")
    add("header only", "header.csv", "traj_id,t,lat,lon\n", "invalid")
    add("binary garbage", "garbage.csv", os.urandom(2000), "invalid")
    add("gzip", "plain.csv.gz", gzip.compress(txt.encode()))
    add("trailing separator", "trailsep.csv", _csv([(*r, "") for r in base], "traj_id,t,lat,lon,"))
    add(
        "duplicate column names",
        "dupcol.csv",
        _csv([(*r, r[2]) for r in base], "traj_id,t,lat,lon,lat"),
        "invalid",
    )
    add(
        "Time and time",
        "twotime.csv",
        _csv([(*r, r[1]) for r in base], "traj_id,Time,lat,lon,time"),
        "invalid",
    )
    add(
        "sci notation, + signs",
        "sci.csv",
        _csv(
            base,
            fmt=lambda r: (
                r[0],
                r[1],
                f"{r[2]:.6e}",
                f"+{r[3]:.6f}" if r[3] > 0 else f"{r[3]:.6e}",
            ),
        ),
    )
    add(
        "ISO with fraction",
        "isofrac.csv",
        _csv(base, fmt=lambda r: (r[0], _iso(r[1], ".123Z"), r[2], r[3])),
    )
    add(
        "DMS strings",
        "dms.csv",
        _csv(base, fmt=lambda r: (r[0], r[1], "41°09'N", "8°36'W")),
        "invalid",
    )
    add("spaces around values", "spaces.csv", _csv(base, "traj_id, t, lat, lon", ", "))
    add("json array (not mfjson)", "arr.json", '[{"lat": 1}]', "invalid")
    add("geojson points", "pts.geojson", _geojson(base), "invalid")
    return c


# Shared data files with format auto (docs/data.md): valid ones read without options.
SHARED = [
    ("geolife_small/geolife_small.csv", "valid"),  # ';'-separated
    ("bus_gpx_limerick/304 to UL 2019-02-18 0745.gpx", "valid"),
    ("movingfeatures_json/mf-trajectory.json", "valid"),
    ("movingfeatures_json/movingfeatures.json", "valid"),
    ("trackintel/examples/data/geolife_trajectory.csv", "valid"),  # ';', tracked_at
    (
        "trackintel/examples/data/posmo_trajectory.csv",
        "ingest-only",
    ),  # sub-second fixes: equal seconds
    ("trackintel/tests/data/geolife/000/Trajectory/20081024020959.plt", "valid"),
    ("trackintel/examples/data/pfs_tutorial.geojson", "invalid"),  # Point features
    ("trackintel/tests/data/geolife_long/trips.csv", "invalid"),  # derived, not points
    ("liverpool_bus/route14_outbound.csv", "valid"),
    ("vehicles/specific_test.csv", "invalid"),  # EPSG:2100 metres, elapsed seconds
    ("animals/specific_test.csv", "invalid"),  # elapsed hours
    ("hurricanes/Hurricanes_1944_to_2013.csv", "invalid"),  # needs --columns hurricanes
]


def _geojson(rows) -> str:
    import json

    feats = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lo, la]},
         "properties": {"traj_id": a, "time": _iso(t)}}
        for a, t, la, lo in rows
    ]  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": feats})


def _run(args: list[str], cwd: Path) -> tuple[int, str]:
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    p = subprocess.run([sys.executable, "-m", "trajlm.cli", *args], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    err = p.stderr.strip()
    if "Traceback" in err:
        return p.returncode, "TRACEBACK: " + err.splitlines()[-1]
    lines = (
        [ln for ln in err.splitlines() if ln.startswith("error")] or err.splitlines()[-1:] or [""]
    )
    return p.returncode, lines[-1][:200]


def _verdict(kind: str, cmd: str, rc: int, msg: str) -> str:
    if kind in ("model-only", "ingest-only"):
        kind = "valid" if kind.startswith("model" if cmd == "predict" else "ingest") else "invalid"
    if msg.startswith("TRACEBACK"):
        return "FAIL traceback"
    if kind == "valid":
        return "ok" if rc == 0 else "FAIL refused"
    return "ok" if rc == 2 else ("FAIL accepted" if rc == 0 else "FAIL rc")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/probeio/cases")
    ap.add_argument("--model", default="trajlm-small")
    ap.add_argument("--only", choices=["ingest", "predict"], default=None)
    ap.add_argument("--shared", default="/work/shared/data", help="the shared data (if present)")
    a = ap.parse_args()
    out = Path(a.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / "a_dir").mkdir()
    zipfile.ZipFile(out / "zipped.zip", "w").writestr("inner.csv", _csv(_rows()))
    extra = [("a directory", "a_dir", "invalid"), ("zip of CSV", "zipped.zip", "valid")]
    rows = []
    for name, fname, data, kind in cases():
        (out / fname).write_bytes(data)
        extra.append((name, fname, kind))
    shared = Path(a.shared)
    for rel, kind in SHARED:
        if (shared / rel).exists():
            extra.append((f"shared {rel.split('/')[0]}", str(shared / rel), kind))
    print(
        "| case | file | expect | command | rc | message | verdict |\n|---|---|---|---|---|---|---|"
    )
    for name, fname, kind in extra:
        for cmd in ("ingest", "predict"):
            if a.only and cmd != a.only:
                continue
            st = out / f"store_{fname}"
            args = (["data", "ingest", fname, "--out", str(st), "--overwrite"] if cmd == "ingest"
                    else ["predict", "--model", a.model, "--input", fname, "--out",
                          str(out / f"pred_{fname}.csv"), "--overwrite"])  # fmt: skip
            rc, msg = _run(args, out)
            v = _verdict(kind, cmd, rc, msg)
            rows.append(v)
            shown = fname.replace(str(shared), "$SHARED")
            print(
                f"| {name} | `{shown}` | {kind} | {cmd} | {rc} | {msg.replace('|', '/')} | {v} |",
                flush=True,
            )
    print(f"\n{sum(v == 'ok' for v in rows)} ok, {sum(v != 'ok' for v in rows)} failed")


if __name__ == "__main__":
    main()
