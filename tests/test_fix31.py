"""fix31: two of newuser31's leftovers (docs/api.md "Session 31 (fix31)").

1. ``recover`` refused the whole call when one journey started or ended on a missing position
   (an AVL drop-out at a journey's end is common): the inner gaps are now filled and the edge
   rows left empty (NaN, ``recovered`` False) with one warning naming how many rows and which
   trajectories; never extrapolated. `trajlm recover` says it in one line.
2. ``predict(latest=True)`` answered by journey without the bus's ``VehicleRef``: the owner
   column beside the trip id is kept in the answer.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from helpers import invoke_cli

T0 = pd.Timestamp("2013-07-01 08:00", tz="UTC")


def _avl(n: int = 20) -> pd.DataFrame:
    """SIRI-VM names: bus1 runs journeys j1 then j2, bus2 runs j3; a fix every 15 s."""
    rows = []
    for j, (bus, journey) in enumerate([("bus1", "j1"), ("bus1", "j2"), ("bus2", "j3")]):
        for i in range(n):
            rows.append({"VehicleRef": bus, "DatedVehicleJourneyRef": journey,
                         "RecordedAtTime": T0 + pd.Timedelta(minutes=30 * j, seconds=15 * i),
                         "Latitude": 41.15 + 0.0003 * i + 0.001 * j,
                         "Longitude": -8.61 + 0.0002 * i})  # fmt: skip
    return pd.DataFrame(rows)


def _with_gaps() -> tuple[pd.DataFrame, list[int], list[int]]:
    """j1 starts on two hidden rows, j2 ends on one; j1 and j3 have inner gaps."""
    df = _avl()
    edges, inner = [0, 1, 39], [5, 6, 45]
    df.loc[edges + inner, ["Latitude", "Longitude"]] = np.nan
    return df, edges, inner


def test_recover_fills_inner_gaps_and_leaves_edge_rows_empty(trajlm_small):
    df, edges, inner = _with_gaps()
    truth = _avl()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = trajlm_small.recover(df)  # before: TrajlmInputError, nothing filled
    said = [str(w.message) for w in caught if "left empty" in str(w.message)]
    assert len(said) == 1, [str(w.message) for w in caught]
    assert "3 rows before the first or after the last known position of 2 trajectories" in (
        said[0]
    ) and "'j1', 'j2'" in said[0] and "j3" not in said[0]  # fmt: skip
    assert len(out) == len(df) and out["VehicleRef"].tolist() == df["VehicleRef"].tolist()
    assert out.loc[edges, ["Latitude", "Longitude"]].isna().all().all()  # never extrapolated
    assert not out.loc[edges, "recovered"].any() and out.loc[inner, "recovered"].all()
    assert out["recovered"].sum() == len(inner)
    err_m = np.abs(out.loc[inner, "Latitude"] - truth.loc[inner, "Latitude"]) * 111_000
    assert err_m.max() < 30, err_m
    rest = [i for i in range(len(df)) if i not in edges + inner]
    assert np.allclose(out.loc[rest, "Latitude"], truth.loc[rest, "Latitude"])


def test_recover_with_only_edge_rows_answers_every_row(trajlm_small):
    df = _avl(8)
    df.loc[[0, 7], ["Latitude", "Longitude"]] = np.nan
    with pytest.warns(UserWarning, match=r"2 rows .* of 1 trajectory \('j1'\) left empty"):
        out = trajlm_small.recover(df)
    assert len(out) == len(df) and out["Latitude"].isna().sum() == 2
    assert not out["recovered"].any()


def test_cli_recover_says_the_edge_rows_in_one_line(tmp_path):
    df, edges, inner = _with_gaps()
    df.to_csv(tmp_path / "avl.csv", index=False)
    r = invoke_cli(["recover", "--model", "trajlm-small", "--input", tmp_path / "avl.csv",
                    "--out", tmp_path / "out.csv", "--threads", "1"])  # fmt: skip
    if r.exit_code != 0 and "weights" in r.output:
        pytest.skip("trajlm-small weights missing")
    assert r.exit_code == 0, r.output[-2000:]  # before: exit 2, nothing written
    lines = [x for x in r.output.splitlines() if "left empty" in x]
    assert len(lines) == 1 and lines[0].startswith("warning:"), r.output
    assert "Traceback" not in r.output and "3 positions recovered" in r.output
    out = pd.read_csv(tmp_path / "out.csv")
    assert out.loc[edges, "Latitude"].isna().all() and out.loc[inner, "Latitude"].notna().all()


@pytest.mark.parametrize("asked", [{"steps": 2}, {"seconds_ahead": [30, 60]}])
def test_predict_latest_keeps_the_vehicle_column(trajlm_small, asked):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = trajlm_small.predict(_avl(), latest=True, **asked)
    assert "VehicleRef" in out.columns, out.columns.tolist()  # before: journey only
    assert dict(zip(out["DatedVehicleJourneyRef"], out["VehicleRef"], strict=True)) == {
        "j2": "bus1", "j3": "bus2"}  # fmt: skip
    cols = out.columns.tolist()
    assert cols.index("VehicleRef") == cols.index("DatedVehicleJourneyRef") + 1


def test_http_recover_answers_with_the_edge_rows_empty(trajlm_small):
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    hidden = (0, 5, 19)
    rows = [{"traj_id": "a", "t": 1_372_665_600 + 15 * i,
             "lat": None if i in hidden else 41.15 + 0.0003 * i,
             "lon": None if i in hidden else -8.61 + 0.0002 * i} for i in range(20)]  # fmt: skip
    with TestClient(create_app(trajlm_small)) as c:
        r = c.post("/recover", json={"trajectories": rows})
    assert r.status_code == 200, r.text  # before: 422 for the whole call
    pts = r.json()["points"]
    assert [p["lat"] is None for p in pts] == [i in (0, 19) for i in range(20)]
    assert [p["recovered"] for p in pts] == [i == 5 for i in range(20)]
    said = [w for w in r.json()["warnings"] if "left empty" in w]
    assert len(said) == 1 and "2 rows" in said[0] and "('a')" in said[0]


@pytest.mark.parametrize("latest", [True, False])  # without --latest too (leftover32)
def test_cli_predict_latest_keeps_the_vehicle_column(tmp_path, latest):
    _avl().to_csv(tmp_path / "avl.csv", index=False)
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", tmp_path / "avl.csv",
                    *(["--latest"] if latest else []), "--steps", "2", "--out",
                    tmp_path / "p.csv", "--threads", "1"])  # fmt: skip
    if r.exit_code != 0 and "weights" in r.output:
        pytest.skip("trajlm-small weights missing")
    assert r.exit_code == 0, r.output[-2000:]
    out = pd.read_csv(tmp_path / "p.csv")
    assert list(out.columns[:2]) == ["DatedVehicleJourneyRef", "VehicleRef"]  # before: no bus
    assert out.groupby("DatedVehicleJourneyRef")["VehicleRef"].first().to_dict() == {
        **({} if latest else {"j1": "bus1"}), "j2": "bus1", "j3": "bus2"}  # fmt: skip
