"""Session 25 (smallval25): the prediction verdict's engine answers asked times (kNN
interpolated between its next points), `trajlm predict --seconds-ahead` follows the verdict,
and small val splits choose among fewer candidates (eval/small_val.py).

The run and its kNN verdict are test_pverdict24's (circles at 10 s: kNN near exact)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import polars as pl
from test_pverdict24 import _hist, judged  # noqa: F401  (the module's fixture)


def test_kNN_verdict_answers_asked_times_between_and_past_its_points(judged: dict) -> None:  # noqa: F811
    import trajlm

    hist = _hist()
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    steps = lm.predict(hist, steps=5)
    assert set(steps["engine"]) == {judged["engine"]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        at = lm.predict(hist, seconds_ahead=[10, 15, 20, 50])
    assert set(at["engine"]) == {judged["engine"]}
    assert not [w for w in caught if "the model answers" in str(w.message)]
    for tid, g in at.group_by("traj_id"):
        s = steps.filter(pl.col("traj_id") == tid[0]).sort("step")
        last = hist.filter(pl.col("traj_id") == tid[0])["t"].max()
        assert g.sort("step")["t"].to_list() == [last + 10, last + 15, last + 20, last + 50]
        g = g.sort("step")
        # at the engine's own step times: its steps= answer; between: the midpoint
        np.testing.assert_allclose(g["lat"][0], s["lat"][0], atol=1e-9)
        np.testing.assert_allclose(g["lat"][2], s["lat"][1], atol=1e-9)
        np.testing.assert_allclose(g["lat"][3], s["lat"][4], atol=1e-9)
        np.testing.assert_allclose(g["lon"][1], (s["lon"][0] + s["lon"][1]) / 2, atol=1e-9)
    model = lm.predict(hist, seconds_ahead=[10, 15, 20, 50], fallback=False)
    assert "engine" not in model.columns and not np.allclose(model["lat"], at["lat"])


def test_asked_times_past_kNNs_steps_go_to_the_reaching_engine_said_once(judged: dict) -> None:  # noqa: F811
    import trajlm

    hist = _hist()
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    last = hist.group_by("traj_id", maintain_order=True).agg(pl.col("t").max())
    ids = last["traj_id"].to_list()
    per = {ids[0]: [20.0, 90.0], ids[1]: [-15.0, 30.0]}  # 90 s: past kNN's 5 steps of 10 s
    per = {k: [float(last.filter(pl.col("traj_id") == k)["t"][0]) + s for s in v]
           for k, v in per.items()}  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = lm.predict(hist, at_times=per)
        lm.predict(hist, at_times=per)
    said = [str(w.message) for w in caught if "past kNN continuation" in str(w.message)]
    assert len(said) == 1 and repr(ids[0]) in said[0]
    # leftover30: kNN answers 20 s, the reaching engine of lowest val error 90 s (was the model)
    assert out["engine"].to_list() == [judged["engine"], "constant velocity [time]",
                                       judged["engine"], judged["engine"]]  # fmt: skip
    assert out["traj_id"].to_list() == [ids[0], ids[0], ids[1], ids[1]]  # the input's order
    # before the last fix: NaN, said as the model says it
    mine = out.filter(pl.col("traj_id") == ids[1]).sort("step")
    assert np.isnan(mine["lat"][0]) and np.isfinite(mine["lat"][1])
    assert any("lie before a trajectory's last point" in str(w.message) for w in caught)
    assert lm.last_engine.startswith("mixed")


def test_cli_seconds_ahead_follows_the_verdict_and_names_its_engine(judged: dict,  # noqa: F811
                                                                     tmp_path) -> None:  # fmt: skip
    from typer.testing import CliRunner

    import trajlm
    from trajlm.cli import app

    src = tmp_path / "in.csv"
    _hist().write_csv(src)
    api = trajlm.TrajLM.from_pretrained(judged["run"], threads=1).predict(
        _hist(), seconds_ahead=[10, 25]
    )
    for extra, engine in (([], judged["engine"]), (["--no-fallback"], None)):
        out = tmp_path / f"p{len(extra)}.csv"
        res = CliRunner().invoke(app, ["predict", "--model", str(judged["run"]), "--input",
                                       str(src), "--out", str(out), "--threads", "1",
                                       "--seconds-ahead", "10,25", *extra])  # fmt: skip
        assert res.exit_code == 0, res.output
        got = pl.read_csv(out)
        if engine:
            assert set(got["engine"]) == {engine}
            assert f"{engine} answers" in " ".join(res.output.split())
            np.testing.assert_allclose(got["lat"], api["lat"], atol=1e-6)
        else:
            assert "engine" not in got.columns and "answers" not in res.output
            assert not np.allclose(got["lat"], api["lat"], atol=1e-6)


def test_small_val_rule_acts_below_min_val_trips_and_not_above(judged: dict) -> None:  # noqa: F811
    from test_heldout23_knn_check import _circle_trips

    import trajlm
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval.knn_check import knn_check
    from trajlm.eval.predict_verdict import decide, verdict_line
    from trajlm.eval.small_val import MIN_VAL_TRIPS

    model = trajlm.TrajLM.from_pretrained(judged["plain"], threads=1).model
    n = MIN_VAL_TRIPS - 1
    few = knn_check(
        model, judged["train"], make_prediction_task(_circle_trips(n=n, points=25, seed=5))
    )
    many = knn_check(model, judged["train"],
                     make_prediction_task(_circle_trips(n=MIN_VAL_TRIPS, points=25, seed=5)))  # fmt: skip
    assert few["val_small_rule"].startswith(f"val has {n} trips (under {MIN_VAL_TRIPS}): ")
    assert "kNN continuation" in few["val_small_rule"] and "val_small_rule" not in many
    line = verdict_line(decide(few, judged["train"]))
    assert line.startswith(f"predict: val has {n} trips") and "val has" not in verdict_line(
        decide(many, judged["train"])
    )
    # the fixture's run (4 val trips) saved the line with its verdict
    saved = json.loads((judged["run"] / "val_verdict.json").read_text())["predict"]
    assert saved["small_val"].startswith("val has 4 trips")


def test_shrink_keeps_tuned_settings_only_where_val_shows_them_better(judged: dict) -> None:  # noqa: F811
    from trajlm.data.features import LocalProjection
    from trajlm.eval import baselines as B
    from trajlm.eval.small_val import shrink_to_defaults

    train = judged["train"]
    proj = LocalProjection.fit(train)
    rng = np.random.default_rng(0)
    noise = rng.uniform(0.5, 1.5, 6)
    for tuned_err, want in ((0.5 * noise, "tuned"), (noise[::-1], "default")):
        ests = {"kNN continuation": B.KNNContinuation(40, 3).fit(train, proj)}

        def per_trip(est, tuned_err=tuned_err):  # the tuned kNN (40 neighbours) vs the default
            return tuned_err if est.n_neighbors == 40 else noise

        kept = shrink_to_defaults(ests, train, proj, per_trip)
        assert kept == {"kNN continuation": want}
        knn = ests["kNN continuation"]
        assert (knn.n_neighbors, knn.history) == ((40, 3) if want == "tuned" else (10, 5))
        assert knn.projection_ is proj or want == "tuned"


def test_http_asked_times_follow_the_kNN_verdict(judged: dict) -> None:  # noqa: F811
    import pytest

    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.serve import create_app

    body = [{"traj_id": r["traj_id"], "t": r["t"], "lat": r["lat"], "lon": r["lon"]}
            for r in _hist(n=2).iter_rows(named=True)]  # fmt: skip
    app = create_app(trajlm.TrajLM.from_pretrained(judged["run"], threads=1))
    with TestClient(app) as c:
        on = c.post("/predict", json={"trajectories": body, "seconds_ahead": [10, 15]})
        off = c.post("/predict", json={"trajectories": body, "seconds_ahead": [10, 15],
                                       "fallback": False})  # fmt: skip
    assert on.status_code == 200 and off.status_code == 200, (on.text, off.text)
    assert on.json()["engine"] == judged["engine"]
    assert "engine" not in off.json()["points"][0]
