"""Session 25 (badin25): hostile inputs on session 25's new surfaces (docs/reliability.md
"Session 25 (badin25)"): asked times answered by a prediction verdict's engine
(api_verdict_asked.py), ``seconds_ahead`` items, the walker predictors (eval/walkers.py)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import warnings

import numpy as np
import polars as pl
import pytest
from test_pverdict24 import _hist, judged  # noqa: F401  (the module's fixture)


@pytest.mark.parametrize("bad", [[True], ["x"], [dt.timedelta(seconds=30)], [30, False]])
def test_seconds_ahead_items_that_are_not_seconds_are_one_line(bad: list) -> None:
    from trajlm.api_inputs import checked_seconds_ahead

    # [True] was read as 1 s; ["x"] / [timedelta] were numpy's lines naming no field
    with pytest.raises(ValueError, match=r"^seconds_ahead must be numbers of seconds"):
        checked_seconds_ahead(bad)


def test_seconds_ahead_numbers_and_numeric_text_still_read() -> None:
    from trajlm.api_inputs import checked_seconds_ahead

    np.testing.assert_array_equal(
        checked_seconds_ahead(["30", 60, np.float32(90)]), [30.0, 60.0, 90.0]
    )
    with pytest.raises(ValueError, match="finite numbers > 0"):  # None: a NaN, as before
        checked_seconds_ahead([None, 30])


def test_single_point_line_names_the_verdicts_engine_not_a_class(judged: dict) -> None:  # noqa: F811
    import trajlm

    hist = _hist().group_by("traj_id", maintain_order=True).head(1)
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lm.predict(hist, seconds_ahead=[10])
    said = [str(w.message) for w in caught if "single point" in str(w.message)]
    assert said and not [s for s in said if "_AtAskedTimes" in s]
    assert any(judged["engine"] in s for s in said)


def test_linear3_verdict_past_its_reach_names_its_own_steps(judged: dict, tmp_path) -> None:  # noqa: F811
    import trajlm
    from trajlm.eval.report_verdict import MAX_LINEAR_STEPS

    run = tmp_path / "run"
    shutil.copytree(judged["run"], run)
    doc = json.loads((run / "val_verdict.json").read_text())
    assert doc["predict"].get("knn")  # the kNN table stays beside a linear-3 verdict
    doc["predict"]["engine"] = "linear-3"
    (run / "val_verdict.json").write_text(json.dumps(doc))
    lm = trajlm.TrajLM.from_pretrained(run, threads=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lm.predict(_hist(), seconds_ahead=[10, 10 * (MAX_LINEAR_STEPS + 20)])
    said = [str(w.message) for w in caught if "past linear-3" in str(w.message)]
    assert said and f"linear-3's {MAX_LINEAR_STEPS} steps" in said[0]  # was "5 steps" (kNN's)


def test_walkers_refuse_lengths_outside_the_padded_width_and_bad_m() -> None:
    from trajlm.eval import walkers as w

    xy = np.cumsum(np.ones((2, 6, 2)), axis=1)
    t = np.tile(np.arange(6) * 10.0, (2, 1))
    for lengths in ([0, 6], [6, 9]):  # 0 read the pad at index -1; 9 read padding as fixes
        with pytest.raises(ValueError, match=r"lengths must be 1\.\.6"):
            w.history_speed(xy, t, np.array(lengths))
        with pytest.raises(ValueError, match=r"lengths must be 1\.\.6"):
            w.recent_velocity(xy, t, np.array(lengths))
    for m in (0, -2, 1.5):  # -2 was an IndexError, 0 a silent zero velocity
        with pytest.raises(ValueError, match="m \\(steps back\\)"):
            w.recent_velocity(xy, t, np.array([6, 6]), m=m)
    np.testing.assert_allclose(w.recent_velocity(xy, t, np.array([6, 2]), m=4), 0.1)
    assert pl.Series(w.history_speed(xy, t, np.array([1, 6]))).to_list()[0] == 0.0


def _over_midnight() -> pl.DataFrame:
    """V1: a 4 h trip from 22:00 UTC over midnight and a 1 h one the next morning; V2 one trip."""
    base, rows = 1_792_368_000, []  # 2026-10-19T00:00Z
    for tid, van, start, n in (("V1_a", "V1", base + 22 * 3600, 240),
                               ("V1_b", "V1", base + 86400 + 10 * 3600, 60),
                               ("V2_a", "V2", base + 12 * 3600, 60)):  # fmt: skip
        rows += [(tid, van, start + 60 * i, 45.70 + 0.0003 * i, 4.90 + 0.001 * (van == "V2"))
                 for i in range(n)]  # fmt: skip
    return pl.DataFrame(rows, schema=["traj_id", "vehicle_id", "t", "lat", "lon"], orient="row")


def test_a_trip_over_midnight_counts_once_in_a_week_and_per_vehicle() -> None:
    from trajlm.questions import Asker

    ask = Asker(_over_midnight())
    week = str(ask("What is the most km V1 drove in one week?"))
    assert "9.94 km" in week and "2 trips that week" in week  # was "3 trips" (its two days)
    per_day = ask("How many km did each vehicle drive per day?")
    trips = dict(per_day.table.select("vehicle", "trips").iter_rows())
    assert trips == {"V1": 2, "V2": 1}  # was V1: 3
    day = str(ask("What is the most km V1 drove in a single day?"))  # unchanged: two trips drove
    assert "5.94 km on Tue 2026-10-20" in day and "2 trips that day" in day


def test_cli_steps_beside_seconds_ahead_is_one_line(tmp_path) -> None:
    from typer.testing import CliRunner

    from trajlm.cli import app

    res = CliRunner().invoke(app, ["predict", "--model", str(tmp_path / "run"), "--input",
                                   str(tmp_path / "in.csv"), "--seconds-ahead", "10",
                                   "--steps", "3", "--out", str(tmp_path / "o.csv")])  # fmt: skip
    assert res.exit_code == 2 and "--steps 3 and --seconds-ahead: give one" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "o.csv").exists()


def test_http_asked_times_with_radii_are_the_models_as_in_python(judged: dict) -> None:  # noqa: F811
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.serve import create_app

    hist = _hist(n=2)
    body = [{"traj_id": r["traj_id"], "t": r["t"], "lat": r["lat"], "lon": r["lon"]}
            for r in hist.iter_rows(named=True)]  # fmt: skip
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        py = lm.predict(hist, seconds_ahead=[10, 15], radii=[50])
    with TestClient(create_app(lm)) as c:
        got = c.post("/predict", json={"trajectories": body, "seconds_ahead": [10, 15],
                                       "radii": [50]})  # fmt: skip
    assert got.status_code == 200, got.text
    # the verdict's kNN answered here, with the model's radii around its points; since session
    # 26 (uncert26) the verdict's engine answers with its own radii (its val spread), in both
    assert got.json()["engine"] == judged["engine"] and set(py["engine"]) == {judged["engine"]}
    pts = pl.DataFrame(got.json()["points"])
    np.testing.assert_allclose(pts["lat"], py["lat"], atol=1e-9)
    np.testing.assert_allclose(pts["r50_m"], py["r50_m"], rtol=1e-6)


def test_clean_drops_null_island_fixes_of_a_canonical_frame_as_the_refusal_says() -> None:
    import trajlm

    df = pl.DataFrame({"traj_id": ["a"] * 4, "t": [1_741_495_000 + 10 * i for i in range(4)],
                       "lat": [-23.5, 0.0, -23.5002, -23.5003],
                       "lon": [-46.6, 0.0, -46.6001, -46.6002]})  # fmt: skip
    with pytest.raises(ValueError, match=r"\(0, 0\)"):  # the API refuses them, pointing at clean
        trajlm.TrajLM.from_pretrained("trajlm-small", threads=1).predict(df, steps=1)
    out, report = trajlm.clean(df)  # kept all 4 rows before: the refusal came back
    assert out["lat"].to_list() == [-23.5, -23.5002, -23.5003]
    assert report.dropped["null_island"] == 1 and report.rows_in == 4


def test_km_on_a_date_splits_a_trip_over_midnight_there() -> None:
    from trajlm.questions import Asker

    ask = Asker(_over_midnight())
    # ask26 (status item 8): V1_a (22:00-02:00) was 7.97 km whole on the 19th, said in a note; its part on each
    # date now counts there, as the most-in-one-day answer above already read it (5.94 km on the 20th)
    ans = ask("How many km did V1 drive on 2026-10-19?")
    assert "4.00 km" in str(ans)
    assert any("1 trip over midnight split there" in n for n in ans.notes)
    assert "5.94 km" in str(ask("How many km did V1 drive on 2026-10-20?"))
    assert not ask("How many km did V2 drive on 2026-10-19?").notes  # none ran past: no word
    mean = ask("What was the average trip length on 2026-10-19?")  # a mean keeps whole trips, said
    assert any("ran past midnight (e.g. 'V1_a'): counted whole" in n for n in mean.notes)
