"""`trajlm train` fits a run's own recovery radii where val has at least MIN_VAL_TRIPS trips
(session 33, uncert33; trajlm/eval/run_recover_radii.py, trajlm/cli_train_check.py): below the
floor it writes none, says why in one line and removes a stale file; at the floor the file is
written beside the kept weights and `recover(radii=)` answers with its factors."""

from __future__ import annotations

import json
import warnings

import numpy as np
import polars as pl
import pytest
from helpers import LinearRecover as Linear
from reliability_helpers import TINY

import trajlm
from trajlm.data.ingest import synth_store
from trajlm.data.store import read_store
from trajlm.eval.recover_spread import (
    RECOVER_RADII_FILE,
    gap_features,
    load_recover_spread,
    spread_columns,
)
from trajlm.eval.run_recover_radii import MIN_VAL_TRIPS, fit_run_recover_radii, val_trips

M = 111_320.0


def walks(trips: int, n: int = 40) -> pl.DataFrame:
    """``trips`` walks north with 3-m scatter, one fix every 5 s, and a trip of 2 fixes."""
    rng = np.random.default_rng(0)
    parts = [pl.DataFrame({"traj_id": "short", "t": [0, 5], "lat": [39.9, 39.9001],
                           "lon": [116.4, 116.4]})]  # fmt: skip
    for k in range(trips):
        i = np.arange(n)
        north = (1.0 + k % 5) * 5 * i + 30 * np.sin(i / 15) + rng.normal(0, 3, n)
        east = 20 * np.cos(i / 20) + rng.normal(0, 3, n)
        parts.append(pl.DataFrame({"traj_id": f"w{k:02d}", "t": 1_700_000_000 + 5 * i,
                                   "lat": 39.9 + north / M,
                                   "lon": 116.4 + east / (M * np.cos(0.696))}))  # fmt: skip
    return pl.concat(parts, how="vertical_relaxed")


def test_the_floor_counts_trips_of_three_fixes_and_fits_from_it(tmp_path):
    assert MIN_VAL_TRIPS == 20  # uncert33's pre-registered pick (docs/generalization.md)
    below, at = walks(MIN_VAL_TRIPS - 1), walks(MIN_VAL_TRIPS)
    assert val_trips(below) == MIN_VAL_TRIPS - 1  # the 2-fix trip is not counted
    assert val_trips(below.head(0)) == 0
    best = tmp_path / "best"
    best.mkdir()
    (best / "model.safetensors").write_bytes(b"weights")
    (best / RECOVER_RADII_FILE).write_text("{}")  # a stale fit: removed, not left to answer
    got = fit_run_recover_radii(Linear(), below, best)
    line = got["recover_radii"]
    assert line.startswith("none fitted") and "\n" not in line
    assert (
        f"val has {MIN_VAL_TRIPS - 1} trip(s)" in line and f"fewer than the {MIN_VAL_TRIPS}" in line
    )
    assert not (best / RECOVER_RADII_FILE).exists()
    got = fit_run_recover_radii(Linear(), at, best)
    assert (
        got["recover_radii"].startswith("fitted on")
        and f"on {MIN_VAL_TRIPS} trips" in got["recover_radii"]
    )
    assert load_recover_spread(best) is not None
    # below the floor a caller may still ask for the fit (min_trips=0: session 31's behaviour)
    assert fit_run_recover_radii(Linear(), below, best, min_trips=0)["recover_radii"].startswith(
        "fitted on"
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """A 2-step tiny `TrajLM.fit` (`trajlm train`'s body) on a synthetic store whose val split
    has at least MIN_VAL_TRIPS trips."""
    d = tmp_path_factory.mktemp("uncert33")
    synth_store(d / "s", n_trajectories=240, seed=2, overwrite=False)
    (d / "tiny.toml").write_text(TINY)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        model = trajlm.TrajLM.fit(d / "s", d / "run", config=d / "tiny.toml", max_steps=2,
                                  seed=0, threads=1)  # fmt: skip
    val = read_store(d / "s", split="val").drop("split")
    return {"dir": d, "model": model, "val": val, "said": [str(w.message) for w in said]}


@pytest.mark.slow  # trains a tiny run and fits its recovery radii (~40 s on 2 shared cores)
@pytest.mark.filterwarnings("ignore::trajlm.model.coverage.CoverageWarning")
@pytest.mark.filterwarnings("ignore::trajlm.tasks.fallback_recover.FallbackWarning")
def test_train_writes_the_runs_recover_radii_and_recover_answers_with_them(run):
    from trajlm.eval.radii_bins import seconds

    assert val_trips(run["val"]) >= MIN_VAL_TRIPS
    best = run["dir"] / "run" / "best"
    doc = json.loads((best / RECOVER_RADII_FILE).read_text())
    assert len(doc["weights_sha1"]) == 40 and "fit_run_recover_radii" in doc["note"]
    summary = json.loads((run["dir"] / "run" / "train_summary.json").read_text())
    assert summary["recover_radii"].startswith("fitted on") and summary["recover_radii_s"] < 120
    assert any(s.startswith("recovery radii: fitted on") for s in run["said"])  # one line
    model = trajlm.TrajLM.from_pretrained(run["dir"] / "run", threads=1)
    assert model.recover_spread is not None and model.recover_spread["pooled"] == doc["pooled"]
    query = run["val"].filter(pl.col("traj_id") == run["val"]["traj_id"][0]).head(30).sort("t")
    hide = (np.arange(query.height) % 2 == 1) & (np.arange(query.height) < query.height - 1)
    gaps = query.with_columns(lat=pl.when(pl.Series(hide)).then(None).otherwise(pl.col("lat")),
                              lon=pl.when(pl.Series(hide)).then(None).otherwise(pl.col("lon")))  # fmt: skip
    out = model.recover(gaps, radii=[90])
    f = gap_features(seconds(query["t"]).to_numpy(), out.select("lat", "lon").to_numpy(),
                     ~hide, np.zeros(query.height), doc["max_gap_s"])  # fmt: skip
    own = spread_columns(doc, f, [90])["r90_m"]
    small = spread_columns(load_recover_spread("trajlm/checkpoints/trajlm-small"), f, [90])["r90_m"]
    got = out["r90_m"].to_numpy()
    assert np.isfinite(got[hide]).all()
    assert np.allclose(got[hide], own[hide], rtol=1e-9)  # the run's own factors answer
    assert not np.allclose(got[hide], small[hide])  # not trajlm-small's
