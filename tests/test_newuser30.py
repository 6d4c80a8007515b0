"""Session 30 (newuser30): a maritime analyst's Polars notebook of AIS-like vessel tracks
(docs/api.md "Session 30 (newuser30)").

- `predict(at_times=[now + 5 min])` on a feed where most vessels last reported hours or days
  before "now": dead reckoning drew each one on at its last speed and course (42 h, 900 km,
  across land) and dropped the rollout's NaN line: nothing was said. Now one line says how far
  dead reckoning alone went past the model's rollout.
- `recover`'s "not below interpolation" line (`FallbackWarning`) pointed at torch's
  `_contextlib.py`, not the notebook's line (a fixed stacklevel counted for another path).
- HTTP `/predict` refused `"latest": true` (422, an extra field) that Python and the CLI take."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from helpers import tiny_model as _model
from test_httppieces21 import van
from test_sogcog import _ship

import trajlm
from trajlm import api_rollout
from trajlm.tasks.fallback_recover import FallbackWarning


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> trajlm.TrajLM:
    return trajlm.TrajLM.from_pretrained(_model(tmp_path_factory.mktemp("nu30") / "m"), threads=1)


def test_dead_reckoning_past_the_rollout_is_said_at_the_callers_line(model, monkeypatch) -> None:
    ship = pl.from_pandas(_ship(244_000_001, 12.0, 30.0, 10.0, noise_m=2.0))
    monkeypatch.setattr(api_rollout, "MAX_STEPS", 5)  # +3 h lies beyond a 5-step rollout
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        far = model.predict(ship, seconds_ahead=[3 * 3600])
    assert np.isfinite(far["LAT"].to_numpy()).all()  # dead reckoning still answers
    (line,) = [w for w in seen if "dead reckoning alone" in str(w.message)]  # was: no word
    assert "beyond the model's rollout, up to 3.0 h after the last report" in str(line.message)
    assert "trajectory '244000001'" in str(line.message)
    assert Path(line.filename).name == Path(__file__).name
    assert not [w for w in seen if "NaN where" in str(w.message)]  # every position was given
    with warnings.catch_warnings(record=True) as near:  # within the rollout: nothing to say
        warnings.simplefilter("always")
        model.predict(ship, seconds_ahead=[30])
    assert not [w for w in near if "dead reckoning alone" in str(w.message)]


def test_recover_fallback_line_points_at_the_callers_line(model) -> None:
    ship = _ship(244_000_002, 10.0, 20.0, 15.0, noise_m=2.0)
    hide = (np.arange(len(ship)) % 4 == 2) & (np.arange(len(ship)) < len(ship) - 2)
    ship.loc[hide, ["LAT", "LON"]] = np.nan
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        filled = model.recover(ship)  # an untrained model loses to interpolation
    assert filled["recovered"].sum() == hide.sum()
    fallback = [w for w in seen if issubclass(w.category, FallbackWarning)]
    assert fallback, [str(w.message) for w in seen]
    assert {Path(w.filename).name for w in fallback} == {Path(__file__).name}  # was _contextlib.py
    assert isinstance(filled, pd.DataFrame)


def test_http_predict_latest_answers_each_vessels_latest_piece_as_python(model) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    rows = van("244000003", key="mmsi") + van("244000004", key="mmsi")  # 2 pieces each
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = model.predict(pl.DataFrame(rows), steps=2, latest=True)
        with TestClient(create_app(model)) as client:
            got = client.post("/predict", json={"trajectories": rows, "steps": 2, "latest": True})
            ahead = client.post("/predict", json={"trajectories": rows, "seconds_ahead": [60],
                                                  "latest": True})  # fmt: skip
            every = client.post("/predict", json={"trajectories": rows, "steps": 2})
    assert got.status_code == 200, got.text  # was 422: "field latest: Extra inputs ..."
    points = got.json()["points"]
    assert [(p["traj_id"], p["piece"]) for p in points] == [
        ("244000003", 1), ("244000003", 1), ("244000004", 1), ("244000004", 1)]  # fmt: skip
    np.testing.assert_allclose([p["lat"] for p in points], want["lat"].to_numpy())
    assert ahead.status_code == 200, ahead.text
    assert [(p["traj_id"], p["piece"]) for p in ahead.json()["points"]] == [
        ("244000003", 1), ("244000004", 1)]  # fmt: skip
    assert len(every.json()["points"]) == 8  # without latest: every piece, as before


def test_mistrusted_reports_count_windows_and_name_their_trajectory() -> None:
    from trajlm.data.motion_columns import reported_motion
    from trajlm.eval.dead_reckoning_reports import mistrusted_headings

    KN = 0.514444
    a = _ship(1, 12.0, 10.0, 5.0)
    b = _ship(2, 12.0, 10.0, 5.0, seed=3, lat0=36.2)
    b["SOG"] = b["SOG"] * KN  # m/s in a knots column: this vessel's reports are not used
    windows = []  # the harness's val windows: "<trajectory>@<window>", two per vessel
    for ship, name in ((a, "244000005"), (b, "244000006")):
        for w, part in enumerate((ship.iloc[:15], ship.iloc[15:])):
            t = 1_780_000_000 + 10 * part.index.to_numpy()
            windows.append(pl.DataFrame({"traj_id": f"{name}@{w}", "t": t, "lat": part.LAT,
                                         "lon": part.LON, "SOG": part.SOG, "COG": part.COG}))  # fmt: skip
    df = pl.concat(windows)
    sog = reported_motion(df)[0]
    with pytest.warns(UserWarning) as got:
        bad = mistrusted_headings(df, sog)
    assert bad.tolist() == [False, False, True, True]
    line = str(got[0].message)
    assert line.startswith("2 of 4 windows (1 of 2 trajectories) report a speed ('SOG')"), line
    assert "'244000006' 0.5" in line and "@" not in line  # was "2 of 4 trajectories", '…@0'


def test_long_trip_line_only_where_the_model_answers_travel_time(monkeypatch) -> None:
    import torch
    from helpers import STATS

    from trajlm import api_infill
    from trajlm.api_verdict import Durations
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS,
                      infill_heads=True)  # fmt: skip
    m = trajlm.TrajLM(TrajectoryModel(cfg).eval(), threads=1)
    m.model.config.coverage = {"dt_s": {"p50": 10.0}, "traj_speed_mps": {"p50": 5.0}}  # 1.55 km

    def said(engine: str) -> list[str]:
        monkeypatch.setattr(api_infill, "travel_time_answer",
                            lambda *a: Durations(np.array([1800.0]), engine))  # fmt: skip
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            secs = m.travel_time([(51.90, 3.70)], [(51.955, 4.055)], depart=1_780_000_000)
        assert secs.engine == engine
        return [str(w.message) for w in caught if "longer than the model's" in str(w.message)]

    assert len(said("model")) == 1  # 25 km beyond the model's 1.55 km windows
    assert said("gradient boosting") == []  # was: "train with a longer max_len" for GB's answer


def test_cli_travel_time_says_which_engine_answered(tmp_path, monkeypatch) -> None:
    from helpers import invoke_cli

    from trajlm import cli_tasks
    from trajlm.api_verdict import Durations

    class Run:  # the run whose val verdict chose gradient boosting for travel time
        def travel_time(self, o, d, depart):
            return Durations(np.full(len(o), 1800.0), self.engine)

    run = Run()
    monkeypatch.setattr(cli_tasks, "load_cli_model", lambda *a: run)
    (tmp_path / "run").mkdir()
    od = tmp_path / "od.csv"
    od.write_text("o_lat,o_lon,d_lat,d_lon,depart\n51.9,3.7,51.955,4.055,2026-06-02T09:00:00Z\n")
    for engine, said in (("gradient boosting", "; answered by gradient boosting, the run's val "
                          "verdict)"), ("model", "(column travel_time_s, seconds)")):  # fmt: skip
        run.engine = engine
        out = tmp_path / f"{engine[0]}.csv"
        r = invoke_cli(["travel-time", "--input", od, "--model", tmp_path / "run", "--out", out])
        assert r.exit_code == 0, r.output
        assert said in " ".join(r.output.split()), r.output  # was: no engine named
        assert pl.read_csv(out)["travel_time_s"].to_list() == [1800.0]
