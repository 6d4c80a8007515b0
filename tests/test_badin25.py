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
    from trajlm.api_inputs import _ahead

    # [True] was read as 1 s; ["x"] / [timedelta] were numpy's lines naming no field
    with pytest.raises(ValueError, match=r"^seconds_ahead must be numbers of seconds"):
        _ahead(bad)


def test_seconds_ahead_numbers_and_numeric_text_still_read() -> None:
    from trajlm.api_inputs import _ahead

    np.testing.assert_array_equal(_ahead(["30", 60, np.float32(90)]), [30.0, 60.0, 90.0])
    with pytest.raises(ValueError, match="finite numbers > 0"):  # None: a NaN, as before
        _ahead([None, 30])


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
    from trajlm.api_verdict_asked import MAX_LINEAR_STEPS

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
