"""zones36: what a zone option (--tz / tz=) does on each time kind, route by route.

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/zones36/probe.py OUT

One line per (route, kind): the first time read (UTC), the clock recorded, the zone lines said.
Files are written under OUT (default $ZONES36_OUT or a temp folder)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import warnings
from functools import partial
from pathlib import Path

import polars as pl

TZ = "America/New_York"
WALL = ["2026-03-02 08:00:00", "2026-03-02 08:00:30", "2026-03-02 08:01:00",
        "2026-03-02 08:01:30", "2026-03-02 08:02:00", "2026-03-02 08:02:30"]  # fmt: skip
UNIX0 = 1772438400  # 2026-03-02T08:00:00Z


def _files(out: Path) -> dict[str, Path]:
    lat = [41.15 + 0.0005 * i for i in range(6)]
    lon = [-8.61 + 0.0005 * i for i in range(6)]
    base = {"id": ["a"] * 6, "lat": lat, "lon": lon}
    files = {}
    for kind, t in (("naive", WALL), ("unix", [UNIX0 + 30 * i for i in range(6)]),
                    ("Z text", [w.replace(" ", "T") + "Z" for w in WALL]),
                    ("+01:00 text", [w.replace(" ", "T") + "+01:00" for w in WALL])):  # fmt: skip
        p = out / f"{kind.split()[0].replace('+', 'p')}.csv"
        pl.DataFrame({**base, "time": t}).write_csv(p)
        files[kind] = p
    zoned = pl.Series(WALL).str.to_datetime().dt.replace_time_zone("Europe/Rome")
    p = out / "zoned.parquet"
    pl.DataFrame({**base, "time": zoned}).write_parquet(p)
    files["zoned datetime"] = p
    pts = "".join(f'<trkpt lat="{a}" lon="{b}"><time>{w.replace(" ", "T")}Z</time></trkpt>'
                  for a, b, w in zip(lat, lon, WALL, strict=True))  # fmt: skip
    p = out / "track.gpx"
    p.write_text('<?xml version="1.0"?><gpx version="1.1" creator="t" '
                 f'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{pts}</trkseg></trk></gpx>')  # fmt: skip
    files["GPX Z"] = p
    return files


def _zone_lines(lines: list[str]) -> str:
    keep = [s for s in lines if any(w in s for w in ("tz", "zone", "clock", "UTC", "instant"))]
    return " | ".join(s.strip()[:160] for s in keep) or "-"


def _first_t(df) -> str:
    col = next(c for c in ("t", "time", "fix_time") if c in df.columns)
    v = pl.from_pandas(df)[col][0] if not isinstance(df, pl.DataFrame) else df[col][0]
    return str(v)


def _py(fn):
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            got = fn()
        except Exception as e:  # noqa: BLE001 - the probe reports what each route does
            return f"refused: {str(e)[:160]}", "-"
    return got, _zone_lines([str(w.message) for w in said])


def main(out: Path) -> None:
    import trajlm
    from trajlm.data.store import read_store

    out.mkdir(parents=True, exist_ok=True)
    files = _files(out)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    exe = [str(Path(sys.executable).parent / "trajlm")]
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    for kind, path in files.items():
        fmt = "gpx" if path.suffix == ".gpx" else path.suffix[1:]
        rows = []
        store = out / f"store_{path.stem}"
        r = subprocess.run([*exe, "data", "ingest", str(path), "--out", str(store), "--tz", TZ,
                            "--overwrite"], capture_output=True, text=True, env=env)  # fmt: skip
        man = json.loads((store / "manifest.json").read_text()) if r.returncode == 0 else {}
        clock = (man.get("reading") or {}).get("local_time")
        first = read_store(store)["t"].min() if r.returncode == 0 else None
        rows.append(("CLI ingest --tz", f"t0={first}", f"clock={clock}",
                     _zone_lines((r.stdout + r.stderr).splitlines())))  # fmt: skip
        cm = {"tz": TZ}
        got, said = _py(partial(trajlm.ingest, path, fmt, out / f"py_{path.stem}", column_map=cm))
        clock = (got.get("reading") or {}).get("local_time") if isinstance(got, dict) else got
        rows.append(("trajlm.ingest(column_map tz)", "", f"clock={clock}", said))
        got, said = _py(partial(trajlm.read, path, tz=TZ))
        rows.append(
            (
                "trajlm.read(path, tz=)",
                got if isinstance(got, str) else f"t0={_first_t(got)}",
                "",
                said,
            )
        )
        got, said = _py(partial(model.predict, path, tz=TZ, steps=1))
        rows.append(
            (
                "TrajLM.predict(path, tz=)",
                got if isinstance(got, str) else f"answer t={_first_t(got)}",
                "",
                said,
            )
        )
        if fmt == "csv":
            frame = pl.read_csv(path)  # the file's own time column: text or Unix numbers
        elif fmt == "parquet":
            frame = pl.read_parquet(path)
        else:
            frame = trajlm.read(path)
        for name, fr in (("polars", frame), ("pandas", frame.to_pandas())):
            got, said = _py(partial(model.predict, fr, tz=TZ, steps=1))
            rows.append((f"TrajLM.predict({name} frame, tz=)",
                         got if isinstance(got, str) else f"answer t={_first_t(got)}", "", said))  # fmt: skip
        r = subprocess.run([*exe, "predict", "--model", "trajlm-small", "--input", str(path), "--tz", TZ,
                            "--steps", "1", "--out", str(out / f"pred_{path.stem}.csv")],
                           capture_output=True, text=True, env=env)  # fmt: skip
        rows.append(
            (
                "predict --input --tz",
                f"rc={r.returncode}",
                "",
                _zone_lines((r.stdout + r.stderr).splitlines()),
            )
        )
        for row in rows:
            print(f"{kind:15s} | " + " | ".join(str(x) for x in row), flush=True)


if __name__ == "__main__":
    main(
        Path(
            sys.argv[1]
            if len(sys.argv) > 1
            else os.environ.get("ZONES36_OUT") or tempfile.mkdtemp()
        )
    )
