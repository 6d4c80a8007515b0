"""Session 18 (subsec18): fixes under a second apart (10 Hz drones, 2 Hz phones) through the
Python API, as the server answers them (docs/api.md, "Session 18 (subsec18)"); the one-line
fixes beside them (recover's "(and 0 more)", classify on one point, the server's warnings
recording across threads)."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

SMALL = Path("trajlm/checkpoints/trajlm-small/model.safetensors")
needs_small = pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")
M_PER_DEG = 111_320.0
T0 = 1_700_000_000


def _truth(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A 12 m/s straight track north-east through Porto."""
    s = np.asarray(t, float) - T0
    return 41.15 + 12 * s * 0.6 / M_PER_DEG, -8.61 + 12 * s * 0.8 / (M_PER_DEG * 0.7527)


def _track(hz: float, end: float, tid: str = "d") -> pl.DataFrame:
    """Fixes every 1/hz s up to exactly T0 + end (the last one)."""
    t = np.round(T0 + end - np.arange(int(end * hz + 1e-9), -1, -1) / hz, 3)
    lat, lon = _truth(t)
    return pl.DataFrame({"traj_id": tid, "t": t, "lat": lat, "lon": lon})


def _err_m(df: pl.DataFrame) -> np.ndarray:
    lat, lon = _truth(df["t"].to_numpy())
    dy = (df["lat"].to_numpy() - lat) * M_PER_DEG
    dx = (df["lon"].to_numpy() - lon) * M_PER_DEG * 0.7527
    return np.hypot(dx, dy)


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


# ---------------------------------------------------------------- 1. recover at the fix's time
@needs_small
def test_a_missing_fix_dropped_with_its_second_is_filled_at_its_own_time(small):
    """serve18 item 1: 10 Hz at 12 m/s, fixes 10.5-10.9 s missing: each was given the
    position of 10.0 s (1.2-4.7 m off); now along the track at its own time (< 0.2 m)."""
    df = _track(10, 20)
    rel = df["t"] - T0
    gap = (rel > 10.45) & (rel < 10.95)
    q = df.with_columns(lat=pl.when(gap).then(None).otherwise("lat"),
                        lon=pl.when(gap).then(None).otherwise("lon"))  # fmt: skip
    out = _quiet(small.recover, q)
    assert out.height == df.height and out["t"].to_list() == df["t"].to_list()
    filled = out.filter(pl.col("recovered"))
    assert filled.height == 5
    assert _err_m(filled).max() < 0.2, _err_m(filled)


@needs_small
def test_a_gap_across_seconds_is_filled_along_the_recovered_track(small):
    """The whole second 21 missing (its kept fix too): the model fills 21.0, the fixes after
    it lie between that and the next known fix, each at its own time."""
    df = _track(2, 40)
    rel = df["t"] - T0
    gap = (rel > 20.2) & (rel < 22.2)
    q = df.with_columns(lat=pl.when(gap).then(None).otherwise("lat"),
                        lon=pl.when(gap).then(None).otherwise("lon"))  # fmt: skip
    out = _quiet(small.recover, q).filter(pl.col("recovered"))
    assert out.height == 4 and out["t"].n_unique() == 4
    assert _err_m(out).max() < 3.0, _err_m(out)
    assert np.all(np.diff(out["lat"].to_numpy()) > 0)  # moving on, not held per second


@needs_small
def test_a_trajectory_ending_with_a_missing_sub_second_fix_is_left_empty(small):
    df = _track(10, 5)
    q = df.with_columns(lat=pl.when(pl.int_range(pl.len()) == df.height - 1).then(None)
                        .otherwise("lat"))  # fmt: skip
    with pytest.warns(UserWarning, match=r"1 row before the first .* \('d'\) left empty"):
        out = small.recover(q)  # fix31: left empty, not refused nor extrapolated
    assert out["lat"][-1] is None and not out["recovered"][-1]


# ------------------------------------------------------- 2. seconds_ahead from the exact last fix
@needs_small
def test_seconds_ahead_counts_from_the_last_fix_given(small):
    """serve18 item 2: 10 Hz, last fix 30.95 s, seconds_ahead=[0.75] was answered at 30.80 s
    (behind the last fix); now at 31.70 s, ahead of it on the track."""
    df = _track(10, 30.95)
    last = df["t"][-1]
    out = _quiet(small.predict, df, seconds_ahead=[0.75, 2.0])
    assert out["t"].to_list() == pytest.approx([last + 0.75, last + 2.0], abs=1e-6)
    lat_last = df["lat"][-1]
    assert out["lat"][0] > lat_last  # ahead of the last fix (north-east), not behind it
    assert _err_m(out).max() < 3.0, _err_m(out)


@needs_small
def test_at_times_are_reached_from_the_last_fix_given(small):
    df = _track(10, 30.95)
    last = df["t"][-1]
    at = [last + 0.5]
    out = _quiet(small.predict, df, at_times=at)
    assert out["t"][0] == pytest.approx(at[0], abs=1e-6)
    assert out["lat"][0] > df["lat"][-1] and _err_m(out)[0] < 2.0


# ------------------------------------------------------------ 3. steps at the track's cadence
@needs_small
@pytest.mark.parametrize("hz", [10, 2])
def test_steps_on_fixes_under_a_second_apart_come_at_their_cadence(small, hz):
    """serve18 item 3: a 10 Hz track's step 1 came 0.1 s after its last fix and the others a
    second apart; now the next steps at its own cadence, close to the track."""
    df = _track(hz, 30.5)
    last = df["t"][-1]
    out = _quiet(small.predict, df, steps=4)
    assert out["step"].to_list() == [1, 2, 3, 4]
    assert out["t"].to_list() == pytest.approx([last + k / hz for k in range(1, 5)], abs=1e-6)
    assert _err_m(out).max() < 1.0, _err_m(out)
    assert (out["std_m"] >= 0).all()


@needs_small
def test_steps_of_a_whole_second_track_beside_a_drone_are_as_before(small):
    """Only trajectories faster than once a second step at their cadence: a 15 s track in
    the same call gets exactly what it gets alone."""
    slow = _track(1 / 15, 300, "slow").with_columns(pl.col("t").cast(pl.Float64))
    drone = _track(10, 20.35, "drone")
    both = _quiet(small.predict, pl.concat([drone, slow]), steps=3)
    alone = _quiet(small.predict, slow, steps=3)
    assert both["traj_id"].to_list() == ["drone"] * 3 + ["slow"] * 3
    got = both.filter(pl.col("traj_id") == "slow")
    assert got.select("step", "t", "lat", "lon").equals(alone.select("step", "t", "lat", "lon"))


@needs_small
def test_steps_on_a_pandas_10hz_feed_come_back_as_datetimes_with_ms(small):
    pd = pytest.importorskip("pandas")
    df = _track(10, 12.95)
    pdf = pd.DataFrame({"id": "a", "time": pd.to_datetime(df["t"].to_numpy(), unit="s", utc=True),
                        "lat": df["lat"].to_numpy(), "lon": df["lon"].to_numpy()})  # fmt: skip
    out = _quiet(small.predict, pdf, steps=2)
    step = (out["time"] - pdf["time"].iloc[-1]).dt.total_seconds().to_numpy()
    assert step == pytest.approx([0.1, 0.2], abs=1e-3)


# ------------------------------------------------------------------------ 4, 5, 6: one-liners
@needs_small
def test_recover_names_one_trajectory_without_and_0_more(small):
    from trajlm.data.coerce_tasks import recovery_input
    from trajlm.errors import TrajlmInputError

    df = _track(1, 10).with_columns(pl.col("t").cast(pl.Int64))
    q = df.with_columns(lat=pl.when(pl.int_range(pl.len()) == 0).then(None).otherwise("lat"))
    with pytest.raises(TrajlmInputError) as e:  # the refusing reader (route recovery, eval)
        _quiet(recovery_input, q)
    assert "and 0 more" not in str(e.value) and "trajectory 'd' starts" in str(e.value)
    with pytest.warns(UserWarning, match=r"of 1 trajectory \('d'\) left empty") as said:
        small.recover(q)  # fix31: TrajLM.recover leaves the row empty, in one line
    assert not any("and 0 more" in str(w.message) for w in said)


class _Stub:
    classes_ = np.array(["car", "walk"])

    def predict_proba(self, df: pl.DataFrame) -> np.ndarray:
        return np.tile([0.7, 0.3], (df["traj_id"].n_unique(), 1))


@needs_small
def test_classify_on_a_single_point_warns_as_embed_does(small):
    """serve18 item 7: embed warned on a 1-point trajectory, classify answered silently."""
    import trajlm

    lm = trajlm.TrajLM(small.model, classifier=_Stub())
    one = _track(1, 0).with_columns(pl.col("t").cast(pl.Int64))
    with pytest.warns(UserWarning, match="single point .* label reads one position"):
        out = lm.classify(one)
    assert out["label"].to_list() == ["car"]


def test_warnings_recorded_on_two_threads_at_once_are_not_lost():
    """serve18 item 8: two apps' model threads in one process (a call abandoned at its
    timeout still running) swapped the process-global warnings state under each other's
    catch_warnings and an answer lost its 'beyond the rollout' line."""
    pytest.importorskip("fastapi")
    from trajlm.serve.convert import warned

    started = threading.Event()
    got: dict = {}

    def first():
        started.set()
        time.sleep(0.3)
        return 1

    def second():
        time.sleep(0.5)
        warnings.warn("beyond the rollout", UserWarning, stacklevel=1)
        return 2

    a = threading.Thread(target=lambda: got.update(a=warned(first)))
    a.start()
    started.wait()
    b = threading.Thread(target=lambda: got.update(b=warned(second)))
    b.start()
    a.join()
    b.join()
    assert got["b"] == (2, ["beyond the rollout"])


@needs_small
@pytest.mark.parametrize("ask", [{"steps": 3}, {"seconds_ahead": [0.5, 2.0]}])
def test_the_server_answers_a_10hz_feed_as_the_python_api(small, ask):
    """serve18 worked around items 2-3 in the server; both now answer from the library."""
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    df = _track(10, 20.35)
    want = _quiet(small.predict, df, **ask)
    with TestClient(create_app(small)) as c:
        r = c.post("/predict", json={"trajectories": df.to_dicts(), **ask})
    assert r.status_code == 200, r.text
    got = r.json()["points"]
    np.testing.assert_allclose([p["lat"] for p in got], want["lat"].to_numpy(), atol=1e-9)
    np.testing.assert_allclose([p["lon"] for p in got], want["lon"].to_numpy(), atol=1e-9)
    # the server gives the exact times the API gives (badin20: it floored them to the second)
    assert [p["t"] for p in got] == pytest.approx(want["t"].to_list(), abs=1e-6)


def test_baseline_positions_at_asked_times_count_from_the_last_fix_too():
    """trajlm.baselines.predict_at reads the history TrajLM.predict reads: constant velocity on
    a straight 10 Hz track is exact at the times asked (it answered 0.95 s early)."""
    from trajlm.baselines import ConstantVelocity, predict_at

    df = _track(10, 30.95)
    out = _quiet(predict_at, ConstantVelocity(), df, seconds_ahead=[0.75, 2.0])
    assert out["t"].to_list() == pytest.approx([T0 + 31.7, T0 + 32.95], abs=1e-6)
    assert _err_m(out).max() < 0.05, _err_m(out)
