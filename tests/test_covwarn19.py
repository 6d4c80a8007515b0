"""Session 19 (covwarn19; issue #14 item 3): the coverage warning means "this input is outside
what the model saw". The gate's speed range is the 5th-95th percentile of the training
trajectories, so a line on every trajectory the gate touches fired on the model's own data by
construction (~10 % of single-trajectory calls, every 50-trajectory call). Own and fresh data of
the same generator are silent; walkers under a car model, planes, 1-s and 600-s feeds and a new
hemisphere still warn, and the line says the share (model/coverage_gate.py)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.store import read_store, write_store
from trajlm.data.synthetic import generate_city
from trajlm.model.coverage import compute_coverage, coverage_warnings
from trajlm.model.coverage_gate import clearly_more

CARS = {"car": 1.0}


def _city(seed: int, n: int = 240, **kw) -> pl.DataFrame:
    pts = generate_city(n_trajectories=n, seed=seed, **kw).points
    return pts.select("traj_id", "t", "lat", "lon").sort("traj_id", "t")


@pytest.fixture(scope="module")
def cars(tmp_path_factory):
    """A car-only synthetic city's coverage (a 'taxi' model's record) and its train split."""
    store = tmp_path_factory.mktemp("cars") / "store"
    write_store(_city(0, 600, modes=CARS), store)
    cov = compute_coverage(store)
    return cov, read_store(store, split="train").drop("split")


def _calls(cov: dict, df: pl.DataFrame, size: int, n_calls: int, seed: int = 0) -> float:
    """Share of coverage_warnings calls on `size` random trajectories of df that warn."""
    ids = df["traj_id"].unique(maintain_order=True).to_list()
    rng = np.random.default_rng(seed)
    warned = 0
    for _ in range(n_calls):
        pick = list(rng.choice(ids, size, replace=False))
        warned += bool(coverage_warnings(cov, df.filter(pl.col("traj_id").is_in(pick))))
    return warned / n_calls


def test_a_share_warns_only_when_clearly_above_the_training_share():
    assert not clearly_more(1, 1, 0.10)  # one trajectory in the gate's 10 % tails: as trained
    assert clearly_more(1, 1, 0.02)  # one beyond the 1st-99th percentile: 2 % of training
    assert not clearly_more(61, 600, 0.10)  # the brief's "61 of 600" on the model's own data
    assert not clearly_more(121, 776, 0.10)  # trajlm-small on Porto's train split (15.6 %)
    assert not clearly_more(10, 50, 0.10)  # 20 %: chance (binomial tail 0.025) at this size
    assert clearly_more(20, 50, 0.10) and clearly_more(200, 600, 0.10)
    assert not clearly_more(1, 2, 0.02)  # a lone one in a pair: the far rule's business


@pytest.mark.slow
def test_the_models_own_and_fresh_data_are_silent(cars):
    cov, train = cars
    assert coverage_warnings(cov, train) == []  # the whole train split (was: 10 % named)
    assert _calls(cov, train, 50, 12) == 0.0  # was 100 % of 50-trajectory calls
    assert _calls(cov, train, 10, 20) <= 0.05  # was ~60 %
    single = _calls(cov, train, 1, 120)  # beyond the 1st-99th percentile: ~2 % by design
    assert single <= 0.06, single  # was ~10 %
    fresh = _city(7, modes=CARS)  # held-out seed of the same generator (its own roads)
    assert coverage_warnings(cov, fresh) == []
    assert _calls(cov, fresh, 50, 8, seed=1) == 0.0


@pytest.mark.slow
def test_shifted_inputs_still_warn_and_say_the_share(cars):
    cov, train = cars
    walk = _city(3, 60, modes={"walk": 1.0})
    lines = coverage_warnings(cov, walk)
    speed = [w for w in lines if w.startswith("median speed")]
    assert speed and "60 of 60 trajectories over 2x outside the 1st-99th percentile" in speed[0]
    one = walk.filter(pl.col("traj_id") == walk["traj_id"][0]).with_columns(
        traj_id=pl.lit("walker")
    )
    assert any(w.startswith("median speed") for w in coverage_warnings(cov, one))  # alone too
    # one walker among 50 cars: far outside every training trajectory, so it is named
    mixed = pl.concat([train.filter(pl.col("traj_id").is_in(train["traj_id"].unique()[:49])), one])
    line = next(w for w in coverage_warnings(cov, mixed) if w.startswith("median speed"))
    assert f"trajectory {one['traj_id'][0]!r}; 1 of 50 trajectories over 2x" in line, line
    # planes: 20x a car's speed (the same tracks in a twentieth of the time)
    plane = train.with_columns(
        pl.col("t").min().over("traj_id") + (pl.col("t") - pl.col("t").min().over("traj_id")) // 20
    )
    assert any(w.startswith("median speed") for w in coverage_warnings(cov, plane))
    # sampling: every 1 s and every 600 s, by their own line
    t0 = pl.col("t").min().over("traj_id")
    dense = pl.concat([_every(g, 1.0) for _, g in train.group_by("traj_id")][:30])
    sparse = train.with_columns(t0 + (pl.col("t") - t0) * 40)  # ~10 min steps, same tracks
    for df in (dense, sparse):
        assert any(w.startswith("median sampling") for w in coverage_warnings(cov, df))
    # another hemisphere: the position line
    south = train.with_columns(-pl.col("lat"))
    assert any(w.startswith("positions up to") for w in coverage_warnings(cov, south))


def _every(g: pl.DataFrame, dt: float) -> pl.DataFrame:
    """One trajectory linearly interpolated every dt seconds (its first 120)."""
    t = g["t"].to_numpy().astype(np.float64)
    tt = np.arange(t[0], t[-1], dt)[:120]
    return pl.DataFrame({
        "traj_id": g["traj_id"][0], "t": tt.astype(np.int64),
        "lat": np.interp(tt, t, g["lat"].to_numpy()), "lon": np.interp(tt, t, g["lon"].to_numpy()),
    })  # fmt: skip


@pytest.mark.slow
def test_a_batch_share_warns_with_its_numbers(cars):
    """A batch where a third of the trajectories sit just outside the gate's range (inside the
    1st-99th percentile: no one of them is far) warns by its share, and says it."""
    cov, train = cars
    lo = cov["traj_speed_mps"]["p5"]
    p1 = cov["traj_speed_mps"]["p1"]
    ids = train["traj_id"].unique(maintain_order=True).to_list()[:60]
    t0 = pl.col("t").min().over("traj_id")
    rows = []
    for k, tid in enumerate(ids):
        g = train.filter(pl.col("traj_id") == tid)
        if k % 3 == 0:  # slowed to just under the 5th percentile (time stretched)
            v = _median_speed(cov, g)
            g = g.with_columns(
                t0 + ((pl.col("t") - t0) * v / (0.5 * (lo + max(p1, lo * 0.8)))).cast(pl.Int64)
            )
        rows.append(g)
    lines = coverage_warnings(cov, pl.concat(rows))
    speed = [w for w in lines if w.startswith("median speed")]
    assert speed, lines
    assert (
        "of 60 trajectories: " in speed[0]
        and "against 10% of the training trajectories" in speed[0]
    )


def _median_speed(cov: dict, g: pl.DataFrame) -> float:
    from trajlm.data.features import LocalProjection
    from trajlm.model.coverage_gate import history_medians

    return float(history_medians(g, LocalProjection.fit(g))["speed_mps"][0])


@pytest.mark.slow
def test_the_api_the_server_and_the_cli_say_the_same(cars, tmp_path):
    """The rule lives in coverage_warnings, read by TrajLM.predict, the server's /predict and
    `trajlm predict`: own data silent on all three, one walker among cars named by all three."""
    import warnings

    import torch
    from helpers import STATS
    from reliability_helpers import invoke, said

    import trajlm
    from trajlm.model import ModelConfig, TrajectoryModel
    from trajlm.model.coverage import CoverageWarning

    cov, train = cars
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=dict(STATS),
                      residual_base="constant_velocity", scale_invariant=True,
                      coverage_gate="speed", context="motion", coverage=cov)  # fmt: skip
    TrajectoryModel(cfg).save_pretrained(tmp_path / "m")
    m = trajlm.TrajLM.from_pretrained(tmp_path / "m", threads=1)
    own = train.filter(pl.col("traj_id").is_in(train["traj_id"].unique(maintain_order=True)[:20]))
    walk = _city(3, 20, modes={"walk": 1.0})
    one = walk.filter(pl.col("traj_id") == walk["traj_id"][0])
    mixed = pl.concat([own, one.with_columns(traj_id=pl.lit("walker"))])
    for df, loud in ((own, False), (mixed, True)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.predict(df, steps=2)
        api = [str(w.message).split("coverage: ", 1)[1] for w in caught
               if w.category is CoverageWarning]  # fmt: skip
        assert bool(api) == loud and any("'walker'" in w for w in api) == loud, api
        server = _server_lines(m, df)
        assert server == [f"input outside the training coverage: {w}" for w in api]
        df.write_csv(tmp_path / "in.csv")
        r = invoke("predict", "--model", tmp_path / "m", "--input", tmp_path / "in.csv",
                   "--out", tmp_path / f"out{loud}.csv", "-k", "2")  # fmt: skip
        assert r.exit_code == 0, r.output
        assert ("outside training coverage" in said(r)) == loud
        assert all(" ".join(w.split()) in said(r) for w in api), said(r)


def _server_lines(m, df: pl.DataFrame) -> list[str]:
    import warnings

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    with TestClient(create_app(m)) as c, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the answer's "warnings" is what is checked
        r = c.post("/predict", json={"trajectories": df.to_dicts(), "steps": 2})
    assert r.status_code == 200, r.text
    return r.json().get("warnings", [])
