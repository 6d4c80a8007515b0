"""Session 39 (fix39b): badin39's silent leftovers. docs/reliability.md "Session 39 (fix39b)".

Before (c9556d9a): GoPro GPS5 rows with `fix` 0 (no GPS lock) were read as fixes (the camera
writes its last or a zero position with them); `trajlm predict --input eth.txt` with a run
trained on a 0.4-s store read the file at one fix a second ("dropped {'sub_second_fix': N}",
then "median sampling interval 0.8 s ... outside the training range 0.4-0.4 s")."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from helpers import invoke_cli

from trajlm.data.readers import read

ORIGIN = "2026-12-07T12:00Z"
TINY = """[model]
d_model = 16
n_layers = 1
n_heads = 2
n_kv_heads = 1
max_len = 32

[train]
batch_size = 8
"""


def _read(path: Path, **kw):  # noqa: ANN202
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out, report = read(path, **kw)
    return out, report, " ".join(str(x.message) for x in w)


def _fix_csv(tmp_path: Path, name: str, values: list[object]) -> Path:
    rows = [f"2026-09-12T10:{k // 60:02d}:{k % 60:02d}Z,{47.23 + k * 1e-4},{11.38 + k * 1e-4},{v}"
            for k, v in enumerate(values)]  # fmt: skip
    p = tmp_path / "gps.csv"
    p.write_text(f"date,GPS (Lat.) [deg],GPS (Long.) [deg],{name}\n" + "\n".join(rows) + "\n")
    return p


@pytest.mark.parametrize(
    ("name", "none", "some"),
    [("fix", 0, 3), ("fix", 0, 2), ("GPS Fix", "no fix", "3D"), ("lock", "NO_FIX", "3D fix"),
     ("gps_fix", "None", "2D")],
)  # fmt: skip
def test_rows_without_gps_lock_are_dropped_and_counted(tmp_path: Path, name, none, some) -> None:  # noqa: ANN001
    values = [none] * 20 + [some] * 80 + [none] * 10
    df, report, _ = _read(_fix_csv(tmp_path, name, values))
    assert len(df) == 80  # was 110: the 30 no-lock rows read as fixes
    assert report.dropped["no_fix"] == 30  # ingest's drop report line "dropped: no_fix"


def test_a_float_lock_column_and_empty_cells(tmp_path: Path) -> None:
    values = [0.0] * 5 + [3.0] * 40 + [""] * 5
    df, report, _ = _read(_fix_csv(tmp_path, "fix", values))
    assert len(df) == 45 and report.dropped["no_fix"] == 5


def test_a_fix_column_of_other_numbers_is_no_lock_column(tmp_path: Path) -> None:
    values = [k % 12 for k in range(100)]  # a count (of satellites, say), not GoPro's 0 / 2 / 3
    df, report, _ = _read(_fix_csv(tmp_path, "fix", values))
    assert len(df) == 100 and not report.dropped.get("no_fix")


def _eth(path: Path, n: int = 12, steps: int = 30) -> Path:
    """An ETH / UCY file (frame ped x y, a row every 10 frames = 0.4 s): walkers on lines."""
    rows = []
    for p in range(1, n + 1):
        for k in range(steps):
            x, y = 2.0 + 0.3 * p + 0.5 * k, 3.0 + 0.2 * p + 0.1 * k
            rows.append((10 * (2 * p) + 10 * k, p, round(x, 2), round(y, 2)))
    path.write_text("".join(f"{f:.1f}\t{p:.1f}\t{x:.2f}\t{y:.2f}\n" for f, p, x, y in sorted(rows)))
    return path


def test_predict_with_a_sub_second_run_reads_the_file_at_its_steps(tmp_path: Path) -> None:
    src = _eth(tmp_path / "biwi_plaza.txt")
    store, run, cfg = tmp_path / "st", tmp_path / "run", tmp_path / "tiny.toml"
    cfg.write_text(TINY)
    r = invoke_cli(["data", "ingest", src, "--out", store, "--time-origin", ORIGIN, "--sub-second"])
    assert r.exit_code == 0, r.output[-1500:]
    r = invoke_cli(["train", "--data", store, "--out", run, "--config", cfg, "--max-steps", "2",
                    "--threads", "1", "--no-val-check"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    out = tmp_path / "p.csv"
    r = invoke_cli(["predict", "--model", run, "--input", src, "--time-origin", ORIGIN,
                    "--limit", "2", "--out", out])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    said = " ".join(r.output.split())
    assert "{'sub_second_fix'" not in said and "time resolution is 1 s" not in said  # none thinned
    assert "median sampling interval" not in said  # was 0.8 s: outside the training range
    assert "reads every fix at its exact time" in said


def _search_response(path: Path, lat_first: bool, speed_key: str | None = "speed_kmh") -> Path:
    """An Elasticsearch `_search` response: vans in Lisbon, `location` a geo_point array, the
    reported speed (km/h) of each fix beside it; headings that wander (the speed check reads
    how the step lengths change with the heading)."""
    import json
    import math

    import numpy as np

    rng = np.random.default_rng(39)
    hits = []
    for v in range(3):
        lat, lon, heading = 38.72 + 0.01 * v, -9.14 - 0.01 * v, rng.uniform(0, 360)
        for k in range(80):
            heading += rng.normal(0, 25)
            speed = rng.uniform(6, 14)  # m/s over the next 10 s
            src = {"vehicle": {"id": f"van{v}"},
                   "@timestamp": f"2026-11-03T08:{k * 10 // 60:02d}:{k * 10 % 60:02d}Z",
                   "location": [round(lat, 6), round(lon, 6)] if lat_first else [round(lon, 6), round(lat, 6)]}  # fmt: skip
            if speed_key:
                src[speed_key] = round(speed * 3.6, 1)
            hits.append({"_index": "fleet", "_id": f"{v}-{k}", "_source": src})
            d = speed * 10
            lat += d * math.cos(math.radians(heading)) / 111_320
            lon += d * math.sin(math.radians(heading)) / (111_320 * math.cos(math.radians(lat)))
    path.write_text(json.dumps({"took": 3, "hits": {"total": {"value": len(hits)}, "hits": hits}}))
    return path


def test_a_lat_first_geo_point_beside_a_speed_is_read_swapped_and_said(tmp_path: Path) -> None:
    df, _, said = _read(_search_response(tmp_path / "fleet.json", lat_first=True))
    assert df["lat"].is_between(38.5, 39.0).all() and df["lon"].is_between(-9.5, -9.0).all()
    assert "written latitude first" in said  # was: read at -9.1 N 38.7 E without a word


def test_a_lon_first_geo_point_is_read_as_before(tmp_path: Path) -> None:
    df, _, said = _read(_search_response(tmp_path / "fleet.json", lat_first=False))
    assert df["lat"].is_between(38.5, 39.0).all() and "written latitude first" not in said
    # no speed: nothing tells, GeoJSON's [lon, lat] as before (said as a limit in the docs)
    df, _, _ = _read(_search_response(tmp_path / "bare.json", lat_first=True, speed_key=None))
    assert df["lat"].is_between(-9.5, -9.0).all()
