"""local36: every command on a `--crs local` store (pitch / warehouse metres) answers in x / y
metres or refuses in one line; none shows the stand-in 1 N 1 E bookkeeping as a place."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli, tiny_model

from trajlm.data import geo


def _forklifts_csv(path: Path, n: int = 90) -> Path:
    """Ten tags driving rectangles in a 0..80 m hall at ~2 m/s, one fix a second."""
    rng = np.random.default_rng(3)
    rows = ["tag_id,timestamp,x_m,y_m"]
    for tag in range(10):
        x0, y0 = rng.uniform(10, 60, 2)
        s = np.arange(n) * 2.0 % 80.0  # metres along a 30 x 10 m loop
        x = x0 + np.clip(s, 0, 30) - np.clip(s - 40, 0, 30)
        y = y0 + np.clip(s - 30, 0, 10) - np.clip(s - 70, 0, 10)
        for i in range(n):
            rows.append(f"T{tag},{1_796_191_200 + i},{x[i]:.2f},{y[i]:.2f}")
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> dict:
    return hall_store(tmp_path_factory.mktemp("hall"))


def hall_store(d: Path) -> dict:
    """The forklifts' CSV, its `--crs local` store and a tiny model under ``d`` (test_local37's
    too)."""
    src = _forklifts_csv(d / "uwb.csv")
    r = invoke_cli(["data", "ingest", str(src), "--out", str(d / "s"), "--crs", "local"])
    assert r.exit_code == 0, r.output[-1500:]
    assert json.loads((d / "s" / "manifest.json").read_text())["reading"]["crs"] == "local"
    return {"dir": d, "store": d / "s", "src": src, "model": tiny_model(d / "m")}


def _no_anchor(text: str) -> None:
    """The stand-in anchor (1 N 1 E) written as if it were a place: 1.000xx."""
    lat, lon = geo.LOCAL_ANCHOR
    assert f"{lat:.3f}" not in text and f"({lat:.0f}." not in text, text[-800:]


def test_anomalies_on_a_local_store_name_places_in_metres(hall):
    out = hall["dir"] / "anom.csv"
    r = invoke_cli(["anomalies", "--model", str(hall["model"]), "--data", str(hall["store"]),
                    "--split", "train", "--calibrate-on", "val", "--out", str(out), "--top", "3"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    table = pl.read_csv(out)
    assert {"seg_x", "seg_y"} <= set(table.columns) and "seg_lat" not in table.columns
    assert table["seg_x"].is_between(0, 100).all() and table["seg_y"].is_between(0, 100).all()
    assert table["explanation"].str.contains(r"near x -?\d").all()
    _no_anchor(" ".join(table["explanation"].to_list()) + r.output)


def test_recover_on_a_local_store_writes_metres(hall):
    out = hall["dir"] / "rec.csv"
    r = invoke_cli(["recover", "--model", str(hall["model"]), "--input", str(hall["store"]),
                    "--split", "train", "--out", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    got = pl.read_csv(out)
    assert {"x", "y"} <= set(got.columns) and "lat" not in got.columns
    raw = pl.read_csv(hall["src"])
    assert got["x"].is_between(raw["x_m"].min() - 5, raw["x_m"].max() + 5).all()
    assert got["y"].is_between(raw["y_m"].min() - 5, raw["y_m"].max() + 5).all()


def test_ask_on_a_local_store_describes_in_metres_and_refuses_degrees(hall):
    import trajlm

    said = trajlm.ask("describe trip T0_0", str(hall["store"])).value
    assert said.startswith("starts at x "), said[:120]
    _no_anchor(said)
    first = pl.read_csv(hall["src"]).filter(pl.col("tag_id") == "T0").row(0, named=True)
    assert f"x {first['x_m']:.1f} m, y {first['y_m']:.1f} m" in said
    r = invoke_cli(["ask", "how many trips came within 50 m of 1.0003,1.0006",
                    "--data", str(hall["store"])])  # fmt: skip
    assert "x / y metres on a plane (--crs local)" in r.output, r.output[-600:]


def test_ask_predict_on_a_local_store_answers_in_metres(hall):
    import trajlm

    got = trajlm.ask(
        "where will trip T0_0 be in 2 minutes", str(hall["store"]), model=hall["model"]
    )
    assert {"x", "y"} <= set(got.table.columns) and "lat" not in got.table.columns
    assert got.table["x"].abs().max() < 1_000  # metres in the hall, not ~1 (degrees)


def test_reach_on_a_local_plane_is_refused_in_one_line(hall):
    import trajlm
    from trajlm.errors import TrajlmInputError

    out = hall["dir"] / "reach.csv"
    r = invoke_cli(["reach", "--model", str(hall["model"]), "--input", str(hall["store"]),
                    "--to", "1.0001,1.0001", "--out", str(out)])  # fmt: skip
    assert r.exit_code == 2 and "mean nothing on a store read by" in r.output, r.output[-800:]
    assert "Traceback" not in r.output and not out.exists()
    raw = pl.read_csv(hall["src"]).rename({"tag_id": "traj_id", "timestamp": "t"})
    lm = trajlm.TrajLM.from_pretrained(hall["model"])
    with pytest.raises(TrajlmInputError, match="crs='local'"):
        lm.reach(raw, to=(1.0001, 1.0001), crs="local", lat_col="y_m", lon_col="x_m")


def test_route_with_speeds_of_a_local_store_is_refused_in_one_line(hall):
    r = invoke_cli(["route", "--from", "45.07,7.69", "--to", "45.075,7.695", "--depart",
                    "2026-12-01T08:00Z", "--synthetic-seed", "0", "--speeds", str(hall["store"])])  # fmt: skip
    assert r.exit_code == 2 and "--speeds" in r.output and "mean nothing" in r.output, r.output


# `serve --index` of a local store: served to "crs": "local" requests since badfix37
# (test_badfix37.test_serve_index_of_a_local_store_answers_crs_local_requests)
