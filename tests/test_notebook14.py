"""Session 14 (notebook): a mobility researcher's frames in a notebook.

E-scooter-like rides in a projected CRS (EPSG:3067, Helsinki) with tz-aware local times and
sub-second jitter, as MovingPandas collections, LineString GeoDataFrames with datetime vertex
times, and the API's own output handed to ``trajlm.viz``. Data comes from the generator below,
never from files.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

pd = pytest.importorskip("pandas")
gpd = pytest.importorskip("geopandas")
pytest.importorskip("pyproj")

from trajlm.baselines import ConstantVelocity  # noqa: E402
from trajlm.data.coerce import to_canonical  # noqa: E402

E0, N0 = 385_500.0, 6_672_000.0  # Helsinki in EPSG:3067 (ETRS-TM35FIN, metres)
COLS = dict(traj_col="ride", time_col="ts", lat_col="north", lon_col="east", crs="EPSG:3067")


def rides(n: int = 4, points: int = 12, dt: float = 2.0, jitter: float = 0.0, seed: int = 0):
    """Straight-ish rides at 3-6 m/s in EPSG:3067, times tz-aware Europe/Helsinki; ``jitter``
    (s) moves each fix's time by up to that much (1 Hz loggers put two fixes in one second)."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2026-06-10 08:00:00.25", tz="Europe/Helsinki")
    parts = []
    for i in range(n):
        h, v = rng.uniform(0, 2 * np.pi), rng.uniform(3, 6)
        s = np.arange(points) * dt + rng.uniform(-jitter, jitter, points)
        s[0] = 0.0
        parts.append(pd.DataFrame({
            "ride": f"R{i}", "ts": t0 + pd.Timedelta(minutes=7 * i) + pd.to_timedelta(s, unit="s"),
            "east": E0 + 500 * i + v * s * np.cos(h), "north": N0 + v * s * np.sin(h),
        }))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _collection(df: pd.DataFrame, crs: int = 3067):
    mpd = pytest.importorskip("movingpandas")
    g = gpd.GeoDataFrame(
        df.drop(columns=["east", "north"]),
        geometry=gpd.points_from_xy(df["east"], df["north"]),
        crs=3067,
    ).to_crs(crs)
    g["ts"] = g["ts"].dt.tz_convert("UTC").dt.tz_localize(None)  # MovingPandas: naive UTC
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mpd.TrajectoryCollection(g.set_index("ts"), traj_id_col="ride")


def _xy(tc) -> np.ndarray:
    return np.concatenate([np.c_[t.df.geometry.x, t.df.geometry.y] for t in tc.trajectories])


@pytest.mark.parametrize("crs", [3067, 3857])
def test_movingpandas_projected_comes_back_projected(crs):
    """A TrajectoryCollection in a projected CRS: results are a collection in that CRS, at the
    positions the same points give as a pandas frame (before: AttributeError, no to_crs)."""
    import trajlm

    df = rides()
    tc = _collection(df, crs)
    out = ConstantVelocity().predict(tc, steps=3)
    assert type(out).__name__ == "TrajectoryCollection" and len(out) == 4
    assert out.trajectories[0].crs == f"EPSG:{crs}" or out.trajectories[0].df.crs.to_epsg() == crs
    ref = ConstantVelocity().predict(df, steps=3, **COLS)
    ref_g = gpd.GeoDataFrame(geometry=gpd.points_from_xy(ref.east, ref.north), crs=3067)
    ref_xy = np.c_[ref_g.to_crs(crs).geometry.x, ref_g.to_crs(crs).geometry.y]
    assert np.allclose(np.sort(_xy(out), 0), np.sort(ref_xy, 0), atol=1e-3)
    cleaned, report = trajlm.clean(tc)
    assert type(cleaned).__name__ == "TrajectoryCollection"
    assert cleaned.trajectories[0].df.crs.to_epsg() == crs
    assert np.allclose(np.sort(_xy(cleaned), 0), np.sort(_xy(tc), 0), atol=1e-3)


def test_movingpandas_sub_second_fixes_dropped_like_pandas():
    """Two fixes in one second: a collection loses the later one with the warning every other
    frame kind gives (before: refused as a duplicate timestamp); exact repeats are kept for the
    duplicate check (MovingPandas itself drops repeated index times)."""
    df = rides(n=3, points=30, dt=1.0, jitter=0.3, seed=2)
    with pytest.warns(UserWarning, match="less than a second") as w:
        ref = to_canonical(df, **COLS)
    n_pd = int(
        next(x for x in w if "less than a second" in str(x.message)).message.args[0].split()[1]
    )
    assert n_pd > 0
    with pytest.warns(UserWarning, match=f"input: {n_pd} fix\\(es\\) less than a second"):
        got = to_canonical(_collection(df))
    assert got.height == ref.height
    a = got.sort("traj_id", "t").select("traj_id", "t").rows()
    assert a == ref.sort("traj_id", "t").select("traj_id", "t").rows()
    from trajlm.data.adapters import first_of_each_second

    t_s = np.array([5, 5, 5, 6, 7, 7])
    exact = np.array([5_300, 5_100, 5_100, 6_000, 7_900, 7_200])  # two exact repeats at 5.1 s
    assert first_of_each_second(t_s, exact).tolist() == [False, True, True, True, False, True]


def _lines(cell_of):
    """One LineString per ride (EPSG:3067) with its vertex times as ``cell_of(times)``."""
    from shapely.geometry import LineString

    df = rides(n=3, points=6)
    df["ts"] = df["ts"].dt.floor("s")
    rows = [
        (r, LineString(np.c_[g.east, g.north]), cell_of(g["ts"])) for r, g in df.groupby("ride")
    ]
    gdf = gpd.GeoDataFrame(
        {"ride": [r[0] for r in rows], "times": [r[2] for r in rows]},
        geometry=[r[1] for r in rows],
        crs=3067,
    )
    return df, gdf


FORMS = {
    "tz Timestamps": lambda s: list(s),
    "utc Timestamps": lambda s: list(s.dt.tz_convert("UTC")),
    "naive UTC Timestamps": lambda s: list(s.dt.tz_convert("UTC").dt.tz_localize(None)),
    "python datetimes": lambda s: [x.to_pydatetime() for x in s],
    "DatetimeIndex": lambda s: pd.DatetimeIndex(s),
    "datetime64 array": lambda s: s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(),
    "ISO strings": lambda s: [x.isoformat() for x in s],
    "Unix seconds": lambda s: [int(x.timestamp()) for x in s],
}


@pytest.mark.parametrize("form", list(FORMS))
def test_linestring_vertex_times_in_every_form(form):
    """LineStrings with their vertex times as datetimes read like Unix seconds (before: the
    datetimes became nanoseconds and were refused as 'these look like microseconds')."""
    df, gdf = _lines(FORMS[form])
    got = to_canonical(gdf, traj_col="ride", time_col="times").sort("traj_id", "t")
    ref = to_canonical(df, **COLS).sort("traj_id", "t")
    assert got["t"].to_list() == ref["t"].to_list()
    assert np.allclose(got["lat"].to_numpy(), ref["lat"].to_numpy(), atol=1e-9)


def test_linestring_local_times_come_back_in_their_zone():
    df, gdf = _lines(FORMS["tz Timestamps"])
    out = ConstantVelocity().predict(gdf, steps=2, traj_col="ride", time_col="times")
    assert str(out["times"].dt.tz) == "Europe/Helsinki" and out.crs.to_epsg() == 3067
    ref = ConstantVelocity().predict(df, steps=2, **COLS)
    assert (out["times"].to_numpy() == ref["ts"].to_numpy()).all()


@pytest.mark.parametrize("kind", ["pandas", "polars", "geopandas"])
def test_viz_plots_the_api_frames(tmp_path, kind):
    """``plot_predictions`` / ``plot_trajectories`` take the frames the API returns, in the
    caller's names and CRS (before: KeyError 'traj_id'); ``out=None`` returns the Figure."""
    from matplotlib.figure import Figure

    from trajlm import viz

    df = rides()
    hist = df.groupby("ride").head(9)
    truth = df.groupby("ride").tail(3)
    cols = dict(COLS)
    if kind == "polars":
        hist, truth = pl.from_pandas(hist), pl.from_pandas(truth)
    elif kind == "geopandas":

        def to_gdf(x):
            pts = gpd.points_from_xy(x.east, x.north)
            return gpd.GeoDataFrame(x.drop(columns=["east", "north"]), geometry=pts, crs=3067)

        hist, truth = to_gdf(hist), to_gdf(truth)
        cols = dict(traj_col="ride", time_col="ts")
    pred = ConstantVelocity().predict(hist, steps=3, **cols)
    path = viz.plot_predictions(hist, pred, tmp_path / "p.png", truth=truth, **cols)
    assert path.stat().st_size > 1000
    assert isinstance(viz.plot_predictions(hist, pred, None, truth=truth, **cols), Figure)
    assert viz.plot_trajectories(hist, tmp_path / "t.png", **cols).stat().st_size > 1000


def test_viz_canonical_tables_unchanged(tmp_path):
    from trajlm import viz

    tab = to_canonical(rides(), **COLS)
    hist = tab.group_by("traj_id", maintain_order=True).head(9)
    pred = ConstantVelocity().predict(hist, steps=2)
    assert viz.plot_predictions(hist, pred, tmp_path / "p.png").exists()
    assert viz.plot_trajectories(tab, tmp_path / "t.png").exists()


def test_predict_runs_large_fleets_in_passes(monkeypatch):
    """predict(steps=k) reads the fleet in passes of api_rollout.CHUNK trajectories (memory
    bounded by a pass: 1 M rows peaked at +2.25 GB in one pass), with the same rows, order and
    positions as one pass."""
    import torch
    from helpers import STATS

    import trajlm
    from trajlm import api_rollout
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS)
    model = trajlm.TrajLM(TrajectoryModel(cfg).eval(), threads=1)
    df = rides(n=7, points=10)
    df["ride"] = [f"R{int(r[1:]) * 37 % 11}" for r in df["ride"]]  # ids not in row order
    calls = []
    real = api_rollout.predict_table

    def counting(m, part, k, draft=None):
        calls.append(part["traj_id"].n_unique())
        return real(m, part, k, draft=draft)

    monkeypatch.setattr(api_rollout, "predict_table", counting)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # coverage lines of an untrained model far from STATS
        one = model.predict(df, steps=3, **COLS)
        monkeypatch.setattr(api_rollout, "CHUNK", 3)
        passes = model.predict(df, steps=3, **COLS)
    assert calls == [7, 3, 3, 1]
    pd.testing.assert_frame_equal(one, passes)


def _line(n: int = 12, dt: float = 2.0, v: float = 5.0, ride: str = "L0") -> pd.DataFrame:
    """Due east at ``v`` m/s, whole-second local times, EPSG:3067."""
    t0 = pd.Timestamp("2026-06-10 08:00:00", tz="Europe/Helsinki")
    s = np.arange(n) * dt
    return pd.DataFrame({"ride": ride, "ts": t0 + pd.to_timedelta(s, unit="s"),
                         "east": E0 + v * s, "north": N0})  # fmt: skip


def test_baselines_at_asked_times_like_the_model():
    """predict_at(ConstantVelocity(), ...) answers seconds_ahead / at_times in the model's
    layout: exact on a straight line, the asked times as labels, caller's zone and CRS (before:
    the baselines refused at_times / seconds_ahead, so the model's could not be compared)."""
    from trajlm.baselines import predict_at

    df = pd.concat([_line(), _line(v=3.0, ride="L1").assign(north=N0 + 900)])
    out = predict_at(ConstantVelocity(), df, seconds_ahead=[3, 7, 30], **COLS)
    assert list(out.columns) == ["ride", "step", "ts", "north", "east", "std_m"]
    assert str(out["ts"].dt.tz) == "Europe/Helsinki"
    last = df.groupby("ride")["ts"].max()
    for ride, v in (("L0", 5.0), ("L1", 3.0)):
        g = out[out["ride"] == ride]
        assert g["step"].tolist() == [1, 2, 3]
        assert (g["ts"] - last[ride]).dt.total_seconds().tolist() == [3, 7, 30]
        x_last = df[df["ride"] == ride]["east"].iloc[-1]
        assert np.allclose(g["east"] - x_last, [3 * v, 7 * v, 30 * v], atol=0.05)
    at = predict_at(ConstantVelocity(), df, at_times={"L1": [last["L1"] + pd.Timedelta(4, "s")]},
                    **COLS)  # fmt: skip
    assert at["ride"].tolist() == ["L1"] and np.isclose(
        at["east"].iloc[0] - (E0 + 66.0), 12, atol=0.05
    )
    with pytest.warns(UserWarning, match="before a trajectory's last point"):
        before = predict_at(ConstantVelocity(), df, at_times=[last["L0"] - pd.Timedelta(5, "s")],
                            **COLS)  # fmt: skip
    assert before["east"].isna().all()


def test_knn_at_times_rolls_on_past_its_horizon():
    """kNN is fitted for a horizon (5 steps); asked further, it is rolled on from its own
    points instead of refusing 'asked for 21 steps'."""
    from trajlm.baselines import KNNContinuation, predict_at

    train = pd.concat([_line(n=40, ride=f"T{i}").assign(north=N0 + 50 * i) for i in range(6)])
    knn = KNNContinuation(n_neighbors=2, history=3, horizon=2).fit(train, **COLS)
    out = predict_at(knn, _line(n=10), seconds_ahead=[4, 20], **COLS)
    assert out["east"].notna().all()
    assert np.allclose(out["east"] - (E0 + 90.0), [20.0, 100.0], atol=1.0)


def test_predict_at_times_runs_large_fleets_in_passes(monkeypatch):
    """seconds_ahead / at_times roll the fleet out in passes of api_rollout.CHUNK too (1 M rows
    peaked at +1.56 GB in one pass), with the same answer as one pass."""
    import torch
    from helpers import STATS

    import trajlm
    from trajlm import api_rollout
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS)
    model = trajlm.TrajLM(TrajectoryModel(cfg).eval(), threads=1)
    df = rides(n=7, points=10)
    calls = []
    real = api_rollout.extend_rollout

    def counting(m, part, need, k, max_steps, *reach):  # reach: give_up, asked (leftover39)
        calls.append(part["traj_id"].n_unique())
        return real(m, part, need, k, max_steps, *reach)

    monkeypatch.setattr(api_rollout, "extend_rollout", counting)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # coverage lines of an untrained model far from STATS
        one = model.predict(df, seconds_ahead=[4, 60], **COLS)
        monkeypatch.setattr(api_rollout, "CHUNK", 3)
        passes = model.predict(df, seconds_ahead=[4, 60], **COLS)
    assert calls == [7, 3, 3, 1]
    pd.testing.assert_frame_equal(one, passes)
