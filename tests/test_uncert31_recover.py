"""Recovery radii of a user's own run and the noise floor in the recovered points' scale
(session 31, uncert31; trajlm/eval/run_recover_radii.py, trajlm/eval/recover_spread.py): the
run's recover_radii.json is written, stamped, loaded and ignored once its weights change; a val
too small writes none and says so; the floor widens a jittery slow track's circle and leaves a
clean one alone; a bad noise_floor is one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import LinearRecover as Linear

from trajlm.errors import TrajlmInputError
from trajlm.eval.recover_spread import (
    GAP_FEATURES,
    MIN_N,
    NOISE_FLOOR,
    RECOVER_RADII_FILE,
    gap_features,
    jitter_m,
    load_recover_spread,
    spread_columns,
)
from trajlm.eval.run_recover_radii import (
    fit_from_recover_answers,
    fit_run_recover_radii,
    recover_answers,
)
from trajlm.eval.val_verdict import VerdictWarning

M = 111_320.0


def track(trip: str, n: int, speed: float, noise_m: float = 0.0, every: int = 5,
          seed: int = 0, bend: float = 1.0) -> pl.DataFrame:  # fmt: skip
    """A walk north at ``speed`` m/s, one fix every ``every`` s, turning gently (``bend`` 0:
    a straight line), with GPS scatter of ``noise_m`` metres."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    north = speed * every * i + bend * 30 * np.sin(i / 15) + rng.normal(0, noise_m, n)
    east = bend * 20 * np.cos(i / 20) + rng.normal(0, noise_m, n)
    return pl.DataFrame({"traj_id": trip, "t": 1_700_000_000 + every * i,
                         "lat": 39.9 + north / M, "lon": 116.4 + east / (M * np.cos(0.696))})  # fmt: skip


def milling(n: int, noise_m: float, seed: int = 0) -> pl.DataFrame:
    """A person milling about a square (a 15-m loop, no way on), one fix every 5 s, with GPS
    scatter of ``noise_m`` metres: slow, and jittery at any spacing."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    north = 15 * np.sin(i / 7) + rng.normal(0, noise_m, n)
    east = 15 * np.cos(i / 11) + rng.normal(0, noise_m, n)
    return pl.DataFrame({"traj_id": "m", "t": 1_700_000_000 + 5 * i,
                         "lat": 39.9 + north / M, "lon": 116.4 + east / (M * np.cos(0.696))})  # fmt: skip


def features(df: pl.DataFrame, keep_every: int = 24) -> dict[str, np.ndarray]:
    """Gap features with one fix kept per ``keep_every`` (24 x 5 s: every 120 s)."""
    known = np.arange(df.height) % keep_every == 0
    known[-1] = True
    return gap_features(df["t"].to_numpy(), df.select("lat", "lon").to_numpy(), known,
                        np.zeros(df.height))  # fmt: skip


def test_jitter_is_the_known_fixes_scatter_and_zero_on_a_clean_line():
    t = np.arange(200.0) * 5
    assert jitter_m(t, np.zeros(200), 1.4 * t) == pytest.approx(0.0, abs=1e-9)  # straight, steady
    rng = np.random.default_rng(1)
    x, y = rng.normal(0, 8, 200), 1.4 * t + rng.normal(0, 8, 200)
    assert 5 < jitter_m(t, x, y) < 15  # about the 8-m scatter (x sqrt(1.5), a median)
    assert jitter_m(t[:2], x[:2], y[:2]) == 0.0  # no interior fix
    assert jitter_m(t, x, y, max_step_s=1.0) == 0.0  # every step past the limit: left out


def test_the_floor_widens_a_jittery_slow_track_and_leaves_a_clean_one_alone():
    spread = {"gap_edges_s": [60.0, 180.0], "position_edges": [0.1, 0.2, 0.35], "bins": [],
              "pooled": {"factors": {"50": 0.15, "90": 0.45, "95": 0.6}, "sigma": 0.2}}  # fmt: skip
    floored = {**spread, "noise_floor": NOISE_FLOOR}  # the val pick (session 31)
    jittery = features(milling(240, noise_m=10.0))
    clean = features(track("c", 240, 0.3, bend=0.0))  # slow, steady, straight, no scatter
    fast = features(track("f", 240, 12.0, noise_m=10.0))
    r = {name: (spread_columns(spread, f, [90])["r90_m"], spread_columns(floored, f, [90])["r90_m"])
         for name, f in (("jittery", jittery), ("clean", clean), ("fast", fast))}  # fmt: skip
    h = np.isfinite(r["jittery"][0])
    assert np.all(r["jittery"][1][h] > 1.3 * r["jittery"][0][h])  # GPS noise now in the circle
    assert np.nanmax(np.abs(r["clean"][1] - r["clean"][0]) / r["clean"][0]) < 0.05
    assert np.nanmedian(r["fast"][1] / r["fast"][0]) < 1.2  # speed x gap still rules there


def test_a_bad_noise_floor_is_one_line(tmp_path):
    doc = json.loads(Path("trajlm/checkpoints/trajlm-small/recover_radii.json").read_text())
    for bad in (-1, "2", True, 1e9):
        (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps({**doc, "noise_floor": bad}))
        with pytest.raises(TrajlmInputError, match="noise_floor: expected a number") as e:
            load_recover_spread(tmp_path)
        assert "\n" not in str(e.value)


def val_of(trips: int, n: int = 400) -> pl.DataFrame:
    return pl.concat([track(f"t{k}", n, 0.5 + k, noise_m=3.0, seed=k) for k in range(trips)])


def test_a_run_writes_stamped_recover_radii_that_load_reads(tmp_path):
    best = tmp_path / "best"
    best.mkdir()
    (best / "model.safetensors").write_bytes(b"weights a")
    got = fit_run_recover_radii(Linear(), val_of(3), best, min_trips=0)  # under uncert33's floor
    assert got["recover_radii"].startswith("fitted on") and "on 3 trips" in got["recover_radii"]
    doc = json.loads((best / RECOVER_RADII_FILE).read_text())
    assert len(doc["weights_sha1"]) == 40 and doc["kind"] == "trajlm-recover-radii"
    spread = load_recover_spread(best)
    assert spread is not None and spread["pooled"] == doc["pooled"]
    rows = recover_answers(Linear(), val_of(3))
    assert set(rows["setting"]) == {"random 50 %", "every 120 s", "every 600 s", "every 1800 s"}
    feats = {k: rows[k].to_numpy() for k in GAP_FEATURES}
    inside = rows["err"].to_numpy() <= spread_columns(spread, feats, [90])["r90_m"]
    assert 0.85 <= inside.mean() <= 0.95  # in-sample: its own 90 % circle
    (best / "model.safetensors").write_bytes(b"weights b")  # a resumed run kept others
    with pytest.warns(VerdictWarning, match="fitted for other weights") as said:
        assert load_recover_spread(best) is None
    assert len(said) == 1 and "\n" not in str(said[0].message)


def test_a_tiny_val_writes_none_says_why_and_removes_a_stale_file(tmp_path):
    best = tmp_path / "best"
    best.mkdir()
    (best / RECOVER_RADII_FILE).write_text("{}")  # a stale fit: removed, not left to answer
    (tmp_path / ".trajlm").write_text("")  # a run's folder (its marker): its stale fit goes
    got = fit_run_recover_radii(Linear(), track("a", 12, 1.0), best, min_trips=0)  # MIN_N's line
    assert (
        got["recover_radii"].startswith("none fitted") and f"{MIN_N} points" in got["recover_radii"]
    )
    assert not (best / RECOVER_RADII_FILE).exists()
    rows = recover_answers(Linear(), val_of(2, 300))
    assert fit_from_recover_answers(rows)[0] is not None
    assert fit_from_recover_answers(rows.with_columns(trip=pl.lit("a")))[0] is None  # one trip
    assert fit_from_recover_answers(rows.head(MIN_N - 1))[0] is None
