"""tte22: the run's val verdict, saved beside its weights, in the user path (trajlm/eval/
val_verdict.py, trajlm/api_verdict.py). A multi-task run that loses to gradient boosting on val
answers travel time with GB; one that wins answers with the model; a checkpoint without a
verdict answers as before, with one line. Recovery: a call too small to judge itself answers
with the verdict's engine."""

from __future__ import annotations

import json
import os
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
import pytest  # noqa: E402
from serve_helpers import tiny_run  # noqa: E402

import trajlm  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.errors import TrajlmInputError  # noqa: E402
from trajlm.eval.protocol import make_tte_task  # noqa: E402
from trajlm.eval.tte_baselines import GradientBoostingTTE  # noqa: E402
from trajlm.eval.val_verdict import (  # noqa: E402
    OD_NAME,
    VERDICT_NAME,
    VerdictWarning,
    read_verdict,
    save_verdict,
    tte_verdict,
    weights_sha1,
)
from trajlm.tasks.adapter import task_model  # noqa: E402

pytestmark = pytest.mark.xdist_group("tte22")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A tiny multi-task run (20 steps: far worse than gradient boosting) and its store."""
    return tiny_run(tmp_path_factory.mktemp("tte22"), n=80, seed=3)


def parts(d):
    s = read_store(d / "store")
    return {k: s.filter(pl.col("split") == k).drop("split") for k in ("train", "val", "test")}


def ask(m, od: pl.DataFrame, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return m.travel_time(od.select("o_lat", "o_lon").to_numpy(),
                             od.select("d_lat", "d_lon").to_numpy(), od["t_start"].to_numpy(),
                             **kw)  # fmt: skip


def saved(d):
    """Save the verdict the way `trajlm eval --save-verdict` does; the weights dir."""
    m = trajlm.TrajLM.from_pretrained(d / "run")
    p = parts(d)
    v, od = tte_verdict(task_model(m.model, name="run"), p["train"], p["val"])
    save_verdict(m.path, {"travel_time": v}, od, str(d / "store"))
    return m.path, v


def test_the_verdict_is_saved_and_read_back(run):
    wdir, v = saved(run)
    doc = json.loads((wdir / VERDICT_NAME).read_text())
    assert doc["weights_sha1"] == weights_sha1(wdir) and doc["travel_time"] == v
    assert read_verdict(wdir)["travel_time"]["engine"] == v["engine"]
    assert (wdir / OD_NAME).is_file()  # the table a baseline is refitted from
    assert not list(wdir.glob(".*.tmp"))  # atomic: no temp file left behind
    assert b"pickle" not in (wdir / VERDICT_NAME).read_bytes()


def test_a_run_that_lost_on_val_answers_with_the_baseline(run):
    wdir, v = saved(run)
    assert v["engine"] != "model", v  # a 20-step model loses to the baselines on val
    assert v["val_mae_s"]["model"] > v["val_mae_s"][v["engine"]]
    od = make_tte_task(parts(run)["test"])
    m = trajlm.TrajLM.from_pretrained(run / "run")
    got = ask(m, od)
    assert got.engine == v["engine"] == m.last_engine
    p = parts(run)
    if v["engine"] == "gradient boosting":  # the same estimator the verdict scored
        np.testing.assert_allclose(got, GradientBoostingTTE().fit(p["train"]).predict(od))
    y = od["duration_s"].to_numpy()
    raw = ask(m, od, fallback=False)  # the opt-out: the model's own answer
    assert raw.engine == "model" and not np.allclose(raw, got)
    assert np.abs(got - y).mean() < np.abs(raw - y).mean()


def test_a_run_that_won_on_val_answers_with_the_model(run):
    wdir, _ = saved(run)
    doc = json.loads((wdir / VERDICT_NAME).read_text())
    doc["travel_time"]["engine"] = "model"  # as a run that beat every baseline on val saves it
    (wdir / VERDICT_NAME).write_text(json.dumps(doc))
    m = trajlm.TrajLM.from_pretrained(run / "run")
    od = make_tte_task(parts(run)["test"])
    got = ask(m, od)
    assert got.engine == "model"
    np.testing.assert_allclose(got, ask(m, od, fallback=False))


def test_a_checkpoint_without_a_verdict_answers_as_before_with_one_line(run, tmp_path):
    m0 = trajlm.TrajLM.from_pretrained(run / "run")
    m0.save_pretrained(tmp_path / "old")  # keeps the run's verdict since newuser26: drop it
    for name in (VERDICT_NAME, "val_verdict_od.parquet", "val_verdict_knn.parquet"):
        (tmp_path / "old" / name).unlink(missing_ok=True)  # weights only: a checkpoint from before
    m = trajlm.TrajLM.from_pretrained(tmp_path / "old")
    od = make_tte_task(parts(run)["test"])
    with pytest.warns(VerdictWarning, match="no val verdict saved") as rec:
        got = m.travel_time(od.select("o_lat", "o_lon").to_numpy(),
                            od.select("d_lat", "d_lon").to_numpy(), od["t_start"].to_numpy())  # fmt: skip
    lines = [w for w in rec if issubclass(w.category, VerdictWarning)]
    assert len(lines) == 1 and "\n" not in str(lines[0].message)
    assert "--save-verdict" in str(lines[0].message)
    assert got.engine == "model"
    np.testing.assert_allclose(got, ask(m, od, fallback=False))
    with warnings.catch_warnings():  # once per loaded model, not per call
        warnings.simplefilter("error", VerdictWarning)
        ask(m, od)


def test_other_weights_ignore_the_verdict_and_a_damaged_one_is_one_line(run, tmp_path):
    wdir, _ = saved(run)
    m = trajlm.TrajLM.from_pretrained(run / "run")
    m.save_pretrained(tmp_path / "copy")
    (tmp_path / "copy" / VERDICT_NAME).write_text((wdir / VERDICT_NAME).read_text())
    doc = json.loads((wdir / VERDICT_NAME).read_text())
    doc["weights_sha1"] = "0" * 40
    (tmp_path / "copy" / VERDICT_NAME).write_text(json.dumps(doc))
    with pytest.warns(VerdictWarning, match="other weights"):
        assert read_verdict(tmp_path / "copy") is None
    (tmp_path / "copy" / VERDICT_NAME).write_text("{not json")
    with pytest.raises(TrajlmInputError, match=VERDICT_NAME):
        read_verdict(tmp_path / "copy")


# ------------------------------------------------------------------------------- recover
def gappy(n_traj: int = 4, n: int = 30, seed: int = 0) -> pl.DataFrame:
    """Smooth curved tracks around Porto, 30 s apart, every third interior fix hidden."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_traj):
        v, w = rng.uniform(6, 12), rng.uniform(-0.01, 0.01)
        ang, x, y = rng.uniform(0, 6.28), 0.0, 0.0
        for j in range(n):
            ang += w * 30
            x, y = x + 30 * v * np.cos(ang), y + 30 * v * np.sin(ang)
            hide = j % 3 == 1 and 0 < j < n - 1
            rows.append((f"t{i}", 1_700_000_000 + 30 * j, None if hide else 41.15 + y / 111_195,
                         None if hide else -8.61 + x / 83_700))  # fmt: skip
    return pl.DataFrame(rows, schema=["traj_id", "t", "lat", "lon"], orient="row")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("small")
    trajlm.TrajLM.from_pretrained("trajlm-small").save_pretrained(d / "small")
    return d / "small"


def with_recover_verdict(d, engine: str, n_hidden: int = 10_000) -> None:
    v = {"engine": engine, "n_hidden": n_hidden, "n_val_trips": 50, "scheme": "test",
         "val_mae_m": {"model": 20.0, "akima": 10.0, "pchip": 12.0, "linear": 15.0}}  # fmt: skip
    save_verdict(d, {"recover": v}, None, "test")


@pytest.mark.slow
def test_a_small_call_falls_back_by_the_verdict_to_its_own_best_interpolation(small):
    from trajlm.tasks.fallback_recover import FallbackWarning

    df = gappy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = trajlm.TrajLM.from_pretrained(small).recover(df, fallback=False)
    # the verdict says interpolation beat the model on val (its pick there: linear); on these
    # curved tracks the call's own backtest picks a spline: the call says which
    with_recover_verdict(small, "linear")
    m = trajlm.TrajLM.from_pretrained(small)
    with pytest.warns(FallbackWarning, match="val check"):
        out = m.recover(df, engine=True)
    assert m.last_engine in ("akima", "pchip")
    assert out.filter(pl.col("recovered"))["engine"].unique().to_list() == [m.last_engine]
    assert out.filter(~pl.col("recovered"))["engine"].null_count() == out["recovered"].not_().sum()
    lin = df.sort("traj_id", "t").with_columns(
        pl.col("lat", "lon").interpolate_by("t").over("traj_id")
    )
    assert np.abs(out["lat"].to_numpy() - lin["lat"].to_numpy()).max() > 1e-5  # not linear
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = m.recover(df, fallback=False)  # the opt-out: the model's answer, as before
    assert m.last_engine == "model"
    np.testing.assert_array_equal(again["lat"].to_numpy(), raw["lat"].to_numpy())
    with_recover_verdict(small, "model")  # a run that beat the interpolations on val
    m = trajlm.TrajLM.from_pretrained(small)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept = m.recover(df)
    assert m.last_engine == "model"
    np.testing.assert_array_equal(kept["lat"].to_numpy(), raw["lat"].to_numpy())


def test_the_verdict_rule_says_whether_the_call_says_which():
    from trajlm.tasks.fallback_recover import verdict_fallback

    errs = {"n": 40, "akima": 5.0, "pchip": 4.0, "linear": 9.0, "guarded": 3.0}
    assert (
        verdict_fallback({"engine": "model"}, errs) is None
    )  # even where the call would fall back
    assert (
        verdict_fallback({"engine": "linear"}, errs) == "pchip"
    )  # even where the model looks best
    assert verdict_fallback({"engine": "linear"}, errs, rule="engine") == "linear"
    assert verdict_fallback({"engine": "akima"}, {"n": 1}) == "akima"  # no backtest: the verdict's


@pytest.mark.slow
def test_a_call_larger_than_the_val_check_judges_itself(small):
    with_recover_verdict(small, "akima", n_hidden=1)  # the call's own backtest is larger
    m = trajlm.TrajLM.from_pretrained(small)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        m.recover(gappy())
    assert not any("val check" in str(w.message) for w in rec)  # the call check decided
