"""badin32: `recover` with no known position, `recover(radii=)` on a stale recover_radii.json,
HTTP `/ask` with both `rows` and `trajectories` (docs/reliability.md "Session 32 (badin32)")."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import polars as pl
import pytest

from trajlm.errors import TrajlmInputError

T0 = 1772359200


def test_recover_with_no_known_position_is_one_line(trajlm_small) -> None:
    empty = pl.DataFrame({"traj_id": ["a"] * 4, "t": [T0 + 15 * k for k in range(4)],
                          "lat": [None] * 4, "lon": [None] * 4},
                         schema_overrides={"lat": pl.Float64, "lon": pl.Float64})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="no row has a known position"):
        trajlm_small.recover(empty)  # was: TypeError in the coverage check (HTTP 500)


def test_recover_radii_fitted_for_other_weights_is_named(trajlm_small, tmp_path: Path) -> None:
    src = Path(trajlm_small.path)
    for f in ("config.json", "radii.json"):
        shutil.copy(src / f, tmp_path / f)
    doc = json.loads((src / "recover_radii.json").read_text())
    (tmp_path / "recover_radii.json").write_text(json.dumps({**doc, "weights_sha1": "0" * 40}))
    (tmp_path / "model.safetensors").symlink_to((src / "model.safetensors").resolve())
    import trajlm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the load's own line: "fitted for other weights"
        lm = trajlm.TrajLM.from_pretrained(str(tmp_path), threads=1)
    gap = pl.DataFrame({"traj_id": ["a"] * 6, "t": [T0 + 15 * k for k in range(6)],
                        "lat": [41.15, 41.1501, None, 41.1503, 41.1504, 41.1505],
                        "lon": [-8.61 + 1e-3 * k for k in range(6)]})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="was fitted for other weights"):
        lm.recover(gap, radii=True)  # was: "has no recover_radii.json" beside the file


def test_http_ask_with_rows_and_trajectories_says_both(trajlm_small) -> None:
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    rows = [{"vehicle_id": "V1", "t": T0 + 15 * k, "lat": 41.15, "lon": -8.61 + 1e-3 * k}
            for k in range(6)]  # fmt: skip
    with TestClient(create_app(trajlm_small), raise_server_exceptions=False) as c:
        r = c.post("/ask", json={"question": "how many trips?", "rows": rows, "trajectories": rows})
        assert r.status_code == 422  # was: "field trajectories: Extra inputs are not permitted"
        assert r.json()["error"] == "give the points as rows or as trajectories, not both"
        empty = [{**p, "lat": None, "lon": None} for p in rows]
        r = c.post("/recover", json={"trajectories": empty})
        assert r.status_code == 422 and "no row has a known position" in r.json()["error"]  # 500


def test_reach_says_a_target_given_as_lon_lat(trajlm_small) -> None:
    import pandas as pd

    car = pl.DataFrame({"traj_id": ["a"] * 8, "t": [T0 + 15 * k for k in range(8)],
                        "lat": [41.15] * 8, "lon": [-8.61 + 0.0015 * k for k in range(8)]})  # fmt: skip
    with pytest.warns(
        UserWarning, match=r"target 0 \[-8.592, 41.15\]\): latitude and longitude swapped"
    ):
        out = trajlm_small.reach(car, (-8.592, 41.15))  # was: "not reached, 7,765 km" unsaid
    assert not out["reached"][0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trajlm_small.reach(car, [(41.15, -8.592), (0.0, 10.0)])  # far, but not swapped: quiet
    assert not any("swapped" in str(w.message) for w in caught)
    with pytest.warns(UserWarning, match="swapped, in `to` .* or in the data's columns"):
        trajlm_small.reach(car.rename({"lat": "lon", "lon": "lat"}), (41.15, -8.592))
    with pytest.raises(TrajlmInputError, match="hold '41,15', not a number"):  # was: its header
        trajlm_small.reach(car, pd.DataFrame({"stop_lat": ["41,15"], "stop_lon": ["-8,592"]}))


@pytest.mark.parametrize("name", ["match", "rank", "distance"])
def test_similar_refuses_an_id_named_as_its_answer_columns(trajlm_small, name) -> None:
    trips = pl.DataFrame([{name: f"t{i}", "t": T0 + 15 * k, "lat": 41.15 + 1e-3 * i,
                           "lon": -8.61 + 1e-3 * k * (1 + 0.1 * i)}
                          for i in range(4) for k in range(10)])  # fmt: skip
    with pytest.raises(TrajlmInputError, match=f"id column '{name}' has the name of a column"):
        trajlm_small.similar(trips, k=1, traj_col=name)  # was: the query's ids overwritten
