"""trajlm.places / trajlm.next_place (session 32, next32): a mover's stay places and the ranked
next place, on a handmade week whose answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.data.next_place import NextPlaceModel, ranked
from trajlm.errors import TrajlmInputError

HOME, WORK, GYM = (52.37, 4.89), (52.39, 4.93), (52.36, 4.95)
MON = pd.Timestamp("2026-03-02T00:00:00Z").timestamp()


def _week(mover: str = "A", end_at_work: bool = True, seed: int = 0) -> pd.DataFrame:
    """Mon-Fri: home -> work (8:30-17:00) -> home, Wednesday work -> gym -> home; fixes every 5
    min while still (a few metres of jitter), every 30 s on the way. Friday ends at work."""
    rng = np.random.default_rng(seed)
    t, lat, lon = [], [], []

    def stay(p, a, b):
        ts = np.arange(a, b, 300.0)
        t.extend(ts)
        lat.extend(p[0] + rng.normal(0, 2e-5, len(ts)))
        lon.extend(p[1] + rng.normal(0, 2e-5, len(ts)))

    def go(p, q, a, b):
        ts = np.arange(a, b, 30.0)
        f = (ts - a) / (b - a)
        t.extend(ts)
        lat.extend(p[0] + f * (q[0] - p[0]))
        lon.extend(p[1] + f * (q[1] - p[1]))

    for d in range(5):
        h = MON + d * 86_400
        stay(HOME, h + 6.5 * 3600, h + 8 * 3600)
        go(HOME, WORK, h + 8 * 3600, h + 8.5 * 3600)
        if d == 4 and end_at_work:
            stay(WORK, h + 8.5 * 3600, h + 16 * 3600)
            break
        stay(WORK, h + 8.5 * 3600, h + 17 * 3600)
        last = WORK
        if d == 2:
            go(WORK, GYM, h + 17 * 3600, h + 17.5 * 3600)
            stay(GYM, h + 17.5 * 3600, h + 19 * 3600)
            last = GYM
            go(GYM, HOME, h + 19 * 3600, h + 19.5 * 3600)
        else:
            go(last, HOME, h + 17 * 3600, h + 17.5 * 3600)
        stay(HOME, h + 19.5 * 3600, h + 23 * 3600)
    return pd.DataFrame({"person": mover, "ts": np.asarray(t, np.int64), "latitude": lat,
                         "longitude": lon})  # fmt: skip


def test_places_of_a_handmade_week():
    p = trajlm.places(_week(), traj_col="person", time_col="ts")
    assert isinstance(p, pd.DataFrame)
    assert list(p.columns[:2]) == ["person", "place"]
    assert len(p) == 3 and p["place"].tolist() == [0, 1, 2]
    # work holds the most time (8.5 h x 5), then home, then the gym (one visit)
    near = lambda row, q: abs(row["latitude"] - q[0]) + abs(row["longitude"] - q[1]) < 1e-3  # noqa: E731
    assert near(p.iloc[0], WORK) and near(p.iloc[1], HOME) and near(p.iloc[2], GYM)
    assert p["visits"].tolist() == [5, 5, 1]  # home: Monday morning, then evening + next morning
    # the gym: 1.5 h of 5-min fixes, plus the last / first fixes on the way that lie in the box
    assert 1.5 * 3600 - 300 <= p["stay_s"].iloc[2] <= 1.5 * 3600 + 300


def test_next_place_from_work_is_home_then_gym():
    nxt = trajlm.next_place(_week(), traj_col="person", time_col="ts", k=2)
    assert nxt["rank"].tolist() == [1, 2]
    assert nxt["place"].tolist() == [1, 2]  # home (3 of 4 moves out of work), then the gym
    assert nxt["from_place"].tolist() == [0, 0]
    assert nxt["probability"].is_monotonic_decreasing and nxt["probability"].sum() <= 1 + 1e-12
    assert nxt["probability"].iloc[0] > 0.5
    assert nxt["left_at"].iloc[0] == MON + 4 * 86_400 + 16 * 3600 - 300  # its last fix at work


def test_own_counts_with_the_time_level():
    # B = 1 and the slot level: Friday afternoon out of work, home every time but Wednesday
    nxt = trajlm.next_place(_week(), traj_col="person", time_col="ts", k=2, pseudo_count=1,
                            time_of_day=True, local_tz="Europe/Amsterdam")  # fmt: skip
    assert nxt["place"].tolist() == [1, 2]
    default = trajlm.next_place(_week(), traj_col="person", time_col="ts", k=2)
    assert nxt["probability"].iloc[0] > default["probability"].iloc[0]  # own counts trusted sooner


def test_next_place_is_deterministic_and_keeps_polars():
    two = pl.from_pandas(pd.concat([_week("A"), _week("B", seed=1)]))
    a = trajlm.next_place(two, traj_col="person", time_col="ts")
    b = trajlm.next_place(two, traj_col="person", time_col="ts")
    assert isinstance(a, pl.DataFrame) and a.equals(b)
    assert a.group_by("person").len().sort("person")["len"].to_list() == [2, 2]  # 2 other places


def test_model_leaves_the_current_place_out():
    m = NextPlaceModel(3, 1.0, use_slots=True)
    for _ in range(4):
        m.update(0, 4, 1)
    m.update(0, 4, 2)
    p = m.probabilities(0, 4)
    assert p[0] == 0 and p.sum() == pytest.approx(1.0)
    assert ranked(p, 3).tolist() == [1, 2]
    # the time-of-day level: a move seen in another slot counts less than one seen in this
    m.update(0, 5, 2)
    m.update(0, 5, 2)
    assert m.probabilities(0, 5)[2] > m.probabilities(0, 4)[2]


def test_no_stay_is_one_line():
    moving = _week().iloc[:0]
    ts = np.arange(0, 3600, 30)
    moving = pd.DataFrame({"person": "A", "ts": ts, "latitude": 52 + ts * 1e-5, "longitude": 4.9})
    for call in (trajlm.places, trajlm.next_place):
        with pytest.raises(TrajlmInputError, match="no stay in the 120 fixes of 1 mover"):
            call(moving, traj_col="person", time_col="ts")


@pytest.mark.parametrize(
    ("kw", "said"),
    [({"k": 0}, "k must be"), ({"radius_m": -5}, "radius_m must be"),
     ({"local_tz": "Mars/Base"}, "local_tz must be"), ({"trajcol": "x"}, "trajcol"),
     ({"pseudo_count": 0}, "pseudo_count must be a positive number, got 0"),
     ({"time_of_day": "yes"}, "time_of_day must be True or False")],
)  # fmt: skip
def test_bad_arguments_are_one_line(kw, said):
    with pytest.raises(TrajlmInputError, match=said):
        trajlm.next_place(_week(), **{"traj_col": "person", "time_col": "ts", **kw})


def test_a_mover_with_one_place_is_left_out_and_said():
    one = _week()
    ts = np.arange(0, 7200, 300)
    still = pd.DataFrame({"person": "S", "ts": ts, "latitude": 52.0, "longitude": 4.0})
    with pytest.warns(UserWarning, match="1 mover\\(s\\) left out \\(S\\)"):
        nxt = trajlm.next_place(pd.concat([one, still]), traj_col="person", time_col="ts")
    assert set(nxt["person"]) == {"A"}


def test_cli_places_and_next_place(tmp_path):
    from helpers import invoke_cli, run_cli

    src = tmp_path / "week.csv"
    _week().to_csv(src, index=False)
    cols = ["--traj-col", "person", "--time-col", "ts"]
    run_cli(["places", "--input", src, "--out", tmp_path / "p.csv", *cols])
    assert pd.read_csv(tmp_path / "p.csv")["visits"].tolist() == [5, 5, 1]
    run_cli(["next-place", "--input", src, "--out", tmp_path / "n.csv", "--k", "2", *cols])
    assert pd.read_csv(tmp_path / "n.csv")["place"].tolist() == [1, 2]
    r = invoke_cli(["next-place", "--input", src, "--out", tmp_path / "n.csv", *cols])
    assert r.exit_code == 2 and "exists" in r.output  # never overwritten
    moving = tmp_path / "moving.csv"
    ts = np.arange(0, 3600, 30)
    pd.DataFrame({"person": "A", "ts": ts, "latitude": 52 + ts * 1e-5, "longitude": 4.9}).to_csv(
        moving, index=False
    )
    r = invoke_cli(["places", "--input", moving, "--out", tmp_path / "q.csv", *cols])
    assert r.exit_code == 2 and "no stay in the 120 fixes" in r.output
    assert "Traceback" not in r.output and not (tmp_path / "q.csv").exists()
