"""Session 28 (newuser28): newuser27's leftovers and a delivery fleet's first notebook
(docs/api.md "Session 28 (newuser28)").

- A travel survey's `local_time` (also `time_local`, `datetime_local`) was not matched as the
  time column ("closest: t -> 'local_time'"): it is now, alone (no UTC time column, no zone
  column), and reading it as UTC is said (ingest: a warning naming --tz; Python: one warning
  naming tz=).
- `person_id` (also `participant`, `participant_id`, `respondent_id`, `subject_id`) beside a
  `trip_id` was "not kept in the store": kept as the trips' user id (`--holdout-by user`).
- The travel-time regressors read hour / weekday in UTC: on the data's clock where it is
  known (`tz=`, the tz= their frame was read with, or the store's --tz / --utc-offset)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from reliability_helpers import invoke

import trajlm
from trajlm.data.store import read_store, store_zone
from trajlm.eval.tte_baselines import GradientBoostingTTE, LinearRegressionTTE, local_clock

# Wed 28 Oct 2026 08:00 in Chicago (CDT, UTC-5) = 13:00 UTC
CHICAGO_8AM_UTC = 1_793_192_400


def _survey(n_people: int = 3, trips: int = 4, time_name: str = "local_time") -> pd.DataFrame:
    """People's trips as a survey app exports them: naive local text, no zone column."""
    rows = []
    for p in range(n_people):
        for k in range(trips):
            start = pd.Timestamp("2026-10-28 07:30") + pd.Timedelta(hours=3 * k, minutes=7 * p)
            for i in range(12):
                rows.append({"person_id": f"P{p:02d}", "trip_id": f"P{p:02d}-T{k}",
                             time_name: str(start + pd.Timedelta(seconds=20 * i)),
                             "latitude": 41.88 + 0.001 * p + 2e-4 * i,
                             "longitude": -87.63 + 0.002 * k + 1e-4 * i})  # fmt: skip
    return pd.DataFrame(rows)


def _said(call) -> tuple[object, list[str]]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = call()
    return out, [str(w.message) for w in seen]


# --------------------------------------------------------------------- local_time matched
@pytest.mark.parametrize("name", ["local_time", "time_local", "Datetime Local"])
def test_local_time_is_the_time_column_and_reading_it_as_utc_is_said(tmp_path, name) -> None:
    csv = tmp_path / "survey.csv"
    _survey(time_name=name).to_csv(csv, index=False)
    r = invoke("data", "ingest", csv, "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output  # was: missing column(s) ['t'] ... closest: t -> 'local_time'
    text = " ".join(r.output.split())
    assert f"t <- '{name}'" in text
    assert f"times in '{name}' are named as local clock times" in text and "--tz NAME" in text
    manifest = json.loads((tmp_path / "st" / "manifest.json").read_text())
    assert manifest["reading"]["columns_guessed"]["t"] == name
    r = invoke("data", "ingest", csv, "--out", tmp_path / "st_tz", "--tz", "America/Chicago")
    assert r.exit_code == 0 and "named as local clock times" not in r.output, r.output
    utc, local = read_store(tmp_path / "st"), read_store(tmp_path / "st_tz")
    assert (local["t"].min() - utc["t"].min()) == 5 * 3600  # CDT: 07:30 local = 12:30 UTC
    assert (
        store_zone(tmp_path / "st_tz") == "America/Chicago" and store_zone(tmp_path / "st") is None
    )


def test_local_time_in_python_read_with_a_warning_naming_tz() -> None:
    df = _survey()
    utc, said = _said(lambda: trajlm.to_canonical(df, traj_col="trip_id"))
    (line,) = [s for s in said if "local clock times" in s]
    assert "'local_time'" in line and "tz='Area/City'" in line
    local, said = _said(lambda: trajlm.to_canonical(df, traj_col="trip_id", tz="America/Chicago"))
    assert not [s for s in said if "local clock times" in s]
    assert set((local["t"] - utc["t"]).unique().to_list()) == {5 * 3600}


def test_a_utc_time_column_beside_local_time_is_still_the_time() -> None:
    df = _survey()
    df["timestamp"] = pd.to_datetime(df["local_time"]).dt.tz_localize("America/Chicago")
    out, said = _said(lambda: trajlm.to_canonical(df, traj_col="trip_id"))
    assert not [s for s in said if "local clock times" in s]
    assert out["t"].min() == CHICAGO_8AM_UTC - 1800  # 07:30 CDT, from `timestamp`


# --------------------------------------------------------------------- person_id kept
@pytest.mark.parametrize("name", ["person_id", "participant", "respondent_id"])
def test_a_person_column_beside_trip_id_is_kept_as_the_user(tmp_path, name) -> None:
    csv = tmp_path / "survey.csv"
    _survey().rename(columns={"person_id": name}).to_csv(csv, index=False)
    r = invoke("data", "ingest", csv, "--out", tmp_path / "st", "--tz", "America/Chicago")
    assert r.exit_code == 0, r.output
    assert f"owner: '{name}' kept" in " ".join(r.output.split())
    store = read_store(tmp_path / "st")
    assert store["user_id"].n_unique() == 3 and store["traj_id"].n_unique() == 12


# --------------------------------------------------------------------- TTE on local clock
def test_local_clock_reads_hour_and_weekday_in_the_zone() -> None:
    od = pl.DataFrame({"t_start": [CHICAGO_8AM_UTC, CHICAGO_8AM_UTC + 6 * 86400],
                       "hour": [0, 0], "dow": [0, 0]})  # fmt: skip
    named = local_clock(od, "America/Chicago")  # Wed CDT, then Tue 3 Nov CST (UTC-6)
    assert named["hour"].to_list() == [8, 7] and named["dow"].to_list() == [2, 1]
    fixed = local_clock(od, -5 * 3600)  # --utc-offset -5: no daylight time
    assert fixed["hour"].to_list() == [8, 8]
    assert local_clock(od, None).equals(od)


def _trips(n: int = 60) -> pl.DataFrame:
    """Canonical trips whose duration depends on the local hour (rush at 08:00 Chicago)."""
    rows, rng = [], np.random.default_rng(0)
    for k in range(n):
        start = CHICAGO_8AM_UTC + int(rng.integers(-6, 10)) * 3600 + 86400 * int(rng.integers(0, 3))
        hour = (start - CHICAGO_8AM_UTC) // 3600 + 8
        dur = 600 * (2.0 if hour in (7, 8, 9) else 1.0)
        for i in range(5):
            rows.append((f"T{k}", start + i * dur / 4, 41.88 + 0.002 * i, -87.63))
    return pl.DataFrame(rows, schema=["traj_id", "t", "lat", "lon"], orient="row").with_columns(
        pl.col("t").cast(pl.Int64)
    )


def test_regressors_read_the_clock_given_by_tz_or_by_fit() -> None:
    trips = _trips()
    gb = GradientBoostingTTE(tz="America/Chicago").fit(trips)
    assert gb.tz_ == "America/Chicago" and GradientBoostingTTE().fit(trips).tz_ is None
    assert LinearRegressionTTE(tz=-18000).get_params()["tz"] == -18000  # a scikit-learn param
    rush = trips.filter(pl.col("traj_id") == trips["traj_id"][0])
    assert gb.predict(rush).shape == (1,)
    frame = trips.to_pandas().rename(columns={"traj_id": "trip"})  # tz= reads naive times
    frame["t"] = pd.to_datetime(frame["t"], unit="s") - pd.Timedelta(hours=5)  # local clock
    fitted = LinearRegressionTTE().fit(frame, traj_col="trip", tz="America/Chicago")
    assert fitted.tz_ == "America/Chicago"


# --------------------------------------------------------------------- notebook frictions
def test_the_small_data_warning_points_at_the_callers_line(tmp_path) -> None:
    """TrajLM.fit's "only 19 train trajectories" warning was shown at trajlm/cli_train.py:66
    (`summary = trainer.fit(...)`), not at the notebook's line."""
    from trajlm.data.ingest import synth_store
    from trajlm.train.validation import warn_small_data

    synth_store(tmp_path / "s", n_trajectories=20, seed=1)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        warn_small_data(tmp_path / "s", "val_ade_m")
    (w,) = [w for w in seen if "train trajectories" in str(w.message)]
    assert w.filename == __file__


def _vans_rows(shuffle: bool = True) -> list[dict]:
    """Two vans' drives as a telematics export sends them: Unix s, rows in arrival order (not
    time order), one row sent twice, a 3.5-min dropout in VAN-1's drive."""
    rows = []
    for v in range(2):
        for i in range(14):
            if v == 1 and 6 <= i < 12:  # GPS lost: no rows
                continue
            rows.append({"vehicle_id": f"VAN-{v}", "timestamp_utc": 1_796_198_400 + 30 * i,
                         "lat": 45.73 + 4e-4 * i, "lon": 4.829 + 0.002 * v + 2e-4 * i,
                         "speed_kmh": 30.0, "ignition": True})  # fmt: skip
    rows.append(dict(rows[3]))  # sent twice
    if shuffle:
        rows = [rows[k] for k in np.random.default_rng(1).permutation(len(rows))]
    return rows


def test_recover_drops_exact_repeats_as_predict_does(small) -> None:
    """`recover` refused a raw export `predict` read ("duplicate timestamp ... in 5 row(s)")."""
    df = pd.DataFrame(_vans_rows())
    out, said = _said(lambda: small.recover(df, every="30s"))
    assert [s for s in said if "1 row(s) repeat an earlier row" in s]
    assert len(out) == len(df) - 1 + 6  # the repeat gone, 6 rows in VAN-1's 3.5-min dropout
    assert int(out["recovered"].sum()) == 6


@pytest.fixture(scope="module")
def client(small):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    with TestClient(create_app(small)) as c:
        yield c


def test_http_reads_table_rows_in_any_order_and_recovers_every(client) -> None:
    """The export's rows in arrival order were a 422 ("time 1 is before the time of point
    0") where Python and the CLI read them; /recover had no `every`."""
    rows = _vans_rows()
    r = client.post("/predict", json={"trajectories": rows, "seconds_ahead": [60],
                                      "output": "table"})  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert {p["traj_id"] for p in body["points"]} == {"VAN-0", "VAN-1"}
    assert not [w for w in body["warnings"] if "latest=True" in w]  # no such request field
    in_order = client.post("/predict", json={"trajectories": _vans_rows(shuffle=False),
                                             "seconds_ahead": [60], "output": "table"})  # fmt: skip
    assert in_order.json()["points"] == body["points"]  # the same answer as sorted rows
    r = client.post("/recover", json={"trajectories": rows, "every": "30s", "output": "table"})
    assert r.status_code == 200, r.text
    filled = [p for p in r.json()["points"] if p["recovered"]]
    assert len(filled) == 6 and {p["traj_id"] for p in filled} == {"VAN-1"}
    back = client.post("/predict", json={"trajectories": [
        {"traj_id": "a", "t": 1_796_198_460, "lat": 45.73, "lon": 4.83},
        {"traj_id": "a", "t": 1_796_198_400, "lat": 45.73, "lon": 4.83},
        {"traj_id": "a", "t": 1_796_198_400, "lat": 45.74, "lon": 4.83}]})  # fmt: skip
    assert back.status_code == 422 and "repeats" in back.json()["error"]  # one time, two places


def test_the_val_checked_baselines_read_the_stores_clock() -> None:
    """The travel-time verdict (train / eval --save-verdict) fitted its baselines in UTC; it
    reads the store's zone now, keeps it in the verdict, and the refitted baseline uses it."""
    from types import SimpleNamespace

    from trajlm.eval.travel_time_fallback import ValCheckedTTE

    trips = _trips(40)
    model = SimpleNamespace(name="m", travel_time=lambda od: np.full(len(od), 1e6))  # loses
    chk = ValCheckedTTE(model, tz="America/Chicago").fit(trips, _trips(12))
    assert chk.candidates_["gradient boosting"].tz_ == "America/Chicago"
    assert chk.candidates_["linear regression"].tz_ == "America/Chicago"
    assert ValCheckedTTE(model).fit(trips, _trips(12)).candidates_["gradient boosting"].tz_ is None
