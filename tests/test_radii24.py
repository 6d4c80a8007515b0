"""Fast bins for 1-2 s movers (session 24, radii24; trajlm/eval/radii_bins.py): an answer whose
history is sampled at <= 2.5 s takes the larger of its regular and its fast bin's factor."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from trajlm.errors import TrajlmInputError
from trajlm.eval.radii_bins import (
    RADII_FILE,
    fit_radii_bins,
    load_radii_bins,
    regime,
    relative_std,
    save_radii_bins,
)

LV = (50, 90, 95)


def _sample(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Slow movers' err / std_m is heavy-tailed (a Student-t radius: median low, tail long);
    1-s movers' is a Gaussian radius of sigma 0.85 (median higher, tail shorter), the shape
    the val rows show (docs/generalization.md, Session 24)."""
    slow = np.hypot(*rng.standard_t(3, (2, n))) * 0.5
    fast = np.hypot(*rng.normal(0, 0.85, (2, n)))
    r = np.concatenate([slow, fast])
    return {
        "r": r,
        "ahead": rng.choice([5.0, 30.0, 120.0], 2 * n),
        "speed": np.full(2 * n, 8.0),
        "std": rng.uniform(20, 40, 2 * n),
        "dt": np.concatenate([np.full(n, 15.0), np.full(n, 1.0)]),
        "group": rng.integers(0, 3, 2 * n),
    }


def _fit(d: dict[str, np.ndarray], sel=None):
    sel = np.ones(len(d["r"]), bool) if sel is None else sel
    rel = relative_std(d["std"], d["speed"], d["ahead"])
    return fit_radii_bins(d["r"][sel], np.ones(sel.sum()), d["group"][sel], d["ahead"][sel],
                          rel[sel], LV)  # fmt: skip


def _with_fast(d):
    return replace(_fit(d), fast=_fit(d, d["dt"] <= 2.5))


def _share(bins, d, lv, use_dt=True):
    f = bins.factor(lv, d["ahead"], d["speed"], d["std"], None, d["dt"] if use_dt else None)
    return d["r"] <= f


def test_fast_bins_hold_1s_movers_at_50_without_losing_90_95_and_leave_others_bit_for_bit():
    rng = np.random.default_rng(24)
    d, fresh = _sample(6000, rng), _sample(6000, rng)
    bins = _with_fast(d)
    quick = fresh["dt"] <= 2.5
    before50 = _share(bins, fresh, 50, use_dt=False)[quick].mean() * 100
    for lv in LV:
        with_fast, without = _share(bins, fresh, lv), _share(bins, fresh, lv, use_dt=False)
        assert (with_fast[~quick] == without[~quick]).all()  # other movers: unchanged
        assert with_fast[quick].mean() >= without[quick].mean()  # circles only widen
        assert with_fast[quick].mean() * 100 >= lv - 3
    assert before50 < 42  # the miss this fixes: the regular 50 % circle is too tight
    assert abs(_share(bins, fresh, 50)[quick].mean() * 100 - 50) < 3


def test_fitting_is_deterministic_and_the_file_round_trips(tmp_path):
    d = _sample(1500, np.random.default_rng(5))
    a, b = _with_fast(d), _with_fast(d)
    assert json.dumps(a.to_json()) == json.dumps(b.to_json())
    save_radii_bins(a, tmp_path)
    back = load_radii_bins(tmp_path)
    assert back.to_json() == a.to_json() and back.fast is not None
    assert back.to_json()["version"] == 1  # no scale: still version 1


def test_an_old_radii_file_loads_and_acts_as_before(tmp_path):
    """A file without ``fast`` (every checkpoint before session 24) ignores the interval; the
    shipped trajlm-small file's regular bins are those of its session-22 file."""
    from trajlm.model.weights import resolve_weights

    d = _sample(1500, np.random.default_rng(6))
    save_radii_bins(_fit(d), tmp_path)
    old = load_radii_bins(tmp_path)
    assert old.fast is None
    for lv in LV:
        np.testing.assert_array_equal(_share(old, d, lv), _share(old, d, lv, use_dt=False))
    raw = json.loads((resolve_weights("trajlm-small", log=False) / RADII_FILE).read_text())
    assert raw["fast"]["interval_max_s"] == 2.5
    stripped = {k: v for k, v in raw.items() if k != "fast"}
    (tmp_path / RADII_FILE).write_text(json.dumps(stripped))
    s22, s24 = (
        load_radii_bins(tmp_path),
        load_radii_bins(resolve_weights("trajlm-small", log=False)),
    )
    assert s22.fast is None and s22.factors == s24.factors and s22.pooled == s24.pooled
    a, sp, st = np.array([5.0, 100.0, 600.0]), np.array([5.0, 5.0, 5.0]), np.array([8.0, 60, 400])
    for lv in LV:
        slow = s24.factor(lv, a, sp, st, None, np.full(3, 15.0))
        np.testing.assert_array_equal(slow, s22.factor(lv, a, sp, st))
        assert (s24.factor(lv, a, sp, st, None, np.full(3, 1.0)) >= slow).all()
    assert (s24.factor(50, a, sp, st, None, np.full(3, 1.0)) > s22.factor(50, a, sp, st)).all()


@pytest.mark.parametrize(
    ("fast", "says"),
    [
        ({"radii": {}}, "fast: expected"),
        ({"interval_max_s": "2.5", "radii": {}}, "fast.interval_max_s"),
        ({"interval_max_s": -1, "radii": {}}, "fast.interval_max_s"),
        ({"interval_max_s": 2.5, "radii": {"kind": "x"}}, "fast.radii"),
    ],
)
def test_a_broken_fast_section_gets_one_line_naming_the_file(tmp_path, fast, says):
    save_radii_bins(_fit(_sample(500, np.random.default_rng(7))), tmp_path)
    p = tmp_path / RADII_FILE
    d = json.loads(p.read_text())
    p.write_text(json.dumps(d | {"fast": fast}))
    with pytest.raises(TrajlmInputError) as e:
        load_radii_bins(tmp_path)
    msg = str(e.value)
    assert "\n" not in msg and str(p) in msg and says in msg


def test_regime_reads_the_median_interval():
    t = [0.0, 1.0, 2.0, 3.0, 10.0, 0.0, 15.0, 30.0]
    h = pl.DataFrame({"traj_id": ["a"] * 5 + ["b"] * 3, "t": t, "lat": [41.0] * 8,
                      "lon": [-8.6 + 1e-4 * i for i in range(8)]})  # fmt: skip
    reg = regime(h).sort("traj_id")
    assert reg["interval"].to_list() == [1.0, 15.0]


def _paths() -> list[dict]:
    """The same straight 5 m/s path sampled at 1 s and at 15 s, 20 fixes each."""
    rows = []
    for tid, dt in (("one_s", 1.0), ("fifteen_s", 15.0)):
        for i in range(20):
            rows.append({"traj_id": tid, "t": 1.7e9 + i * dt, "lat": 41.15,
                         "lon": -8.61 + 5.0 * i * dt / (111_320 * np.cos(np.radians(41.15)))})  # fmt: skip
    return rows


def test_http_and_cli_give_a_1s_mover_the_python_api_radii(tmp_path, trajlm_small):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from trajlm.cli import app
    from trajlm.serve import create_app

    rows = _paths()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        py = trajlm_small.predict(pl.DataFrame(rows), seconds_ahead=[5, 60], radii=[50, 90, 95])
    py = py.sort("traj_id", "t")
    with TestClient(create_app(trajlm_small)) as c:
        r = c.post("/predict", json={"trajectories": rows, "seconds_ahead": [5, 60],
                                     "radii": [50, 90, 95]})  # fmt: skip
    assert r.status_code == 200, r.text
    got = sorted(r.json()["points"], key=lambda p: (p["traj_id"], p["t"]))
    src, out = tmp_path / "in.csv", tmp_path / "p.csv"
    pl.DataFrame(rows).write_csv(src)
    res = CliRunner().invoke(app, ["predict", "--model", "trajlm-small", "--input", str(src),
                                   "--seconds-ahead", "5,60", "--radii", "50,90,95",
                                   "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    cli = pl.read_csv(out).sort("traj_id", "t")
    for lv in LV:
        assert np.allclose([p[f"r{lv}_m"] for p in got], py[f"r{lv}_m"].to_numpy(), rtol=1e-6)
        assert np.allclose(cli[f"r{lv}_m"].to_numpy(), py[f"r{lv}_m"].to_numpy(), rtol=1e-5)
    f50 = (py["r50_m"] / py["std_m"]).to_numpy()
    assert f50[py["traj_id"].to_numpy() == "one_s"].min() > 0.9  # the fast factor, not 0.80


def test_predict_gives_a_1s_mover_the_wider_circle(trajlm_small):
    """Through TrajLM.predict: the same straight 5 m/s path sampled at 1 s gets the fast factor
    (>= the regular one) and at 15 s the regular factor, as RadiiBins.factor says."""
    bins = trajlm_small.radii_bins
    rows = _paths()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = trajlm_small.predict(pl.DataFrame(rows), seconds_ahead=[5, 60], radii=[50, 90, 95])
    reg = regime(pl.DataFrame(rows))
    for (tid,), g in got.group_by("traj_id"):
        r = reg.filter(pl.col("traj_id") == tid).row(0, named=True)
        ahead = g["t"].cast(pl.Float64).to_numpy() - r["t_last"]
        std = g["std_m"].to_numpy()
        for lv in LV:
            want = bins.factor(lv, ahead, np.full(len(g), r["speed"]), std, None,
                               np.full(len(g), r["interval"]))  # fmt: skip
            np.testing.assert_allclose(g[f"r{lv}_m"].to_numpy(), want * std, rtol=1e-9)
            plain = bins.factor(lv, ahead, np.full(len(g), r["speed"]), std)
            assert (want >= plain).all() and ((want > plain).any() or tid == "fifteen_s" or lv > 50)
            if tid == "fifteen_s":
                np.testing.assert_array_equal(want, plain)
