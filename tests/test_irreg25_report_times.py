"""Session 25 (irreg25): the k-step prediction task asked at the true report times
(`trajlm eval --task predict --at-report-times`, trajlm/eval/report_times.py)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from rich.console import Console
from test_sogcog import _fleet

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "trajlm/checkpoints/trajlm-small/model.safetensors"


def _irregular(n: int = 12, seed: int = 0) -> pl.DataFrame:
    """test_sogcog's ships (10-s reports, reported SOG / COG) kept at irregular reports: each
    next report 10-300 s after the one before, so the k-step targets are 1-30 steps apart."""
    df = _fleet(n=n, minutes=70.0)
    rng = np.random.default_rng(seed)
    keep = []
    for (_,), g in df.group_by("traj_id", maintain_order=True):
        i, rows = 0, []
        while i < g.height:
            rows.append(i)
            i += int(rng.choice([1, 3, 6, 12, 30]))
        keep.append(g[rows])
    out = pl.concat(keep)
    ids = sorted(out["traj_id"].unique().to_list())
    split = ["train"] * (n - 6) + ["val"] * 2 + ["test"] * 4
    return out.join(pl.DataFrame({"traj_id": ids, "split": split}), on="traj_id")


class _Recorder:
    """A model answering at times with the truth it is handed (checks what it was asked)."""

    name = "recorder"

    def __init__(self, table: pl.DataFrame) -> None:
        self.table, self.asked = table, []

    def predict_at(self, hist: pl.DataFrame, ahead: np.ndarray) -> np.ndarray:
        self.asked.append((hist, ahead))
        last = hist.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
        out = np.empty((*ahead.shape, 2))
        for i, (tid, t) in enumerate(last.iter_rows()):
            g = self.table.filter(pl.col("traj_id") == tid)
            for j, a in enumerate(ahead[i]):
                row = g.filter(pl.col("t") == t + int(a))
                out[i, j] = row["lat"][0], row["lon"][0]
        return out


def test_interval_spread_regular_and_irregular():
    from trajlm.eval.report_times import IRREGULAR_SPREAD, interval_spread

    regular = _fleet(n=3, minutes=10.0)
    assert interval_spread(regular) == pytest.approx(1.0)
    assert interval_spread(_irregular()) > IRREGULAR_SPREAD
    assert np.isnan(interval_spread(regular.head(5)))  # too few intervals to say


def test_models_are_asked_at_the_true_report_times():
    """The model is handed each scored history (extra columns kept) and the seconds to its 5
    true reports; answering with the truth it scores 0 m, where a step rollout must guess."""
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval.protocol import run_eval

    df = _irregular()
    test = df.filter(pl.col("split") == "test").drop("split")
    rec = _Recorder(test)
    res = run_eval(df, "predict", models=(rec,), verbose=False, at_report_times=True)
    rows = {r["method"]: r for r in res.rows}
    assert {r["setting"] for r in res.rows} == {"k=5, at report times"}
    assert rows["recorder"]["metrics"]["mae_m"] == pytest.approx(0.0, abs=1e-6)
    hist, ahead = rec.asked[0]
    task = make_prediction_task(test, k=5)
    last = task.hist_t[np.arange(len(task.lengths)), task.lengths - 1]
    assert np.array_equal(ahead, task.target_t - last[:, None])
    assert len(np.unique(ahead[:, 0])) > 1  # per trajectory: irregular reports
    assert {"sog_kn", "cog_deg"} <= set(hist.columns) and hist.height == task.lengths.sum()
    # dead reckoning [time] joins the baselines (reported speed / course), asked the same way;
    # on these ships (true SOG / COG, 5 m noise) it beats every step guess of the times
    assert "dead reckoning [time]" in res.meta["baselines"] and res.meta["at_report_times"]
    dr = rows["dead reckoning [time]"]["metrics"]["mae_m"]
    assert dr < 0.5 * rows["constant velocity"]["metrics"]["mae_m"]
    # the baselines' rows are those of the plain k-step table, bit for bit
    plain = {r["method"]: r["metrics"] for r in run_eval(df, "predict", verbose=False).rows}
    for name, met in plain.items():
        assert rows[name]["metrics"] == met


def test_a_model_without_predict_at_keeps_its_steps_and_is_named():
    from trajlm.eval.protocol import run_eval

    class Steps:
        name = "stepper"

        def predict_next(self, task):
            return task.hist_latlon[:, -1:, :].repeat(task.target_t.shape[1], 1)

    df = _irregular().drop("sog_kn", "cog_deg")
    res = run_eval(df, "predict", models=(Steps(),), verbose=False, at_report_times=True)
    assert "stepper" in {r["method"] for r in res.rows}
    assert any("stepper" in n and "predict_at" in n for n in res.meta["skipped"])
    assert "dead reckoning [time]" not in res.meta["baselines"]  # no reported motion
    with pytest.raises(ValueError, match="k-step"):
        run_eval(df, "recover", verbose=False, at_report_times=True)


def test_the_cli_note_names_irregular_reports_and_the_option():
    from trajlm.cli_eval_notes import check_unused_options, report_times_note
    from trajlm.errors import TrajlmInputError

    class _Result:
        def __init__(self) -> None:
            self.meta: dict = {}

    def said(df, flag):  # outside a `trajlm` command the note is a warning (api29)
        import warnings

        buf = io.StringIO()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            report_times_note(_Result(), df, flag, Console(file=buf, width=300))
        return buf.getvalue() + "".join(str(w.message) for w in caught)

    assert "--at-report-times" in said(_irregular(), False)
    assert said(_fleet(n=12, minutes=10.0).with_columns(split=pl.lit("test")), False) == ""
    assert said(_irregular(), True).startswith("at report times:")
    with pytest.raises(TrajlmInputError, match="--at-report-times"):
        check_unused_options("recover", at_report_times=True)
    with pytest.raises(TrajlmInputError, match="--horizon-s"):
        check_unused_options("predict", horizon_s="60", at_report_times=True)


@pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small weights not built")
def test_trajlm_small_answers_each_trajectory_at_its_own_times():
    """api_horizon.AtTimes (what `trajlm eval --at-report-times` scores) passes each
    trajectory's own seconds: the same answers as TrajLM.predict asked one trajectory at a
    time."""
    import warnings

    import trajlm
    from trajlm.api_horizon import AtTimes
    from trajlm.model.rollout import ModelPredictor

    lm = trajlm.TrajLM.from_pretrained("trajlm-small")
    hist = _irregular().filter(pl.col("split") == "test").drop("split")
    hist = hist.group_by("traj_id", maintain_order=True).head(12)
    ids = hist["traj_id"].unique(maintain_order=True).to_list()[:2]
    hist = hist.filter(pl.col("traj_id").is_in(ids))
    ahead = np.array([[60.0, 600.0], [120.0, 1800.0]])
    got = AtTimes(
        ModelPredictor(lm.model, name="small"), "small", 0.0, lm_class=type(lm)
    ).predict_at(hist, ahead)
    lm.dead_reckoning = 0.0
    for i, tid in enumerate(ids):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            one = lm.predict(hist.filter(pl.col("traj_id") == tid), seconds_ahead=list(ahead[i]))
        assert np.allclose(got[i], one.select("lat", "lon").to_numpy(), atol=1e-7)
