"""`trajlm train` fits a run's own recovery radii where val has at least MIN_VAL_TRIPS trips
(session 33, uncert33; trajlm/eval/run_recover_radii.py, trajlm/cli_train_check.py): below the
floor it writes none, says why in one line and removes a stale file; at the floor the file is
written beside the kept weights and `recover(radii=)` answers with its factors."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from helpers import LinearRecover as Linear
from helpers import assert_recover_answers_with, tiny_fit_run

from trajlm.eval.recover_spread import (
    RECOVER_RADII_FILE,
    load_recover_spread,
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
    (tmp_path / ".trajlm").write_text("")  # a run's folder (its marker): its stale fit goes
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
    return tiny_fit_run(tmp_path_factory.mktemp("uncert33"), 240, 2)


@pytest.mark.slow  # trains a tiny run and fits its recovery radii (~40 s on 2 shared cores)
@pytest.mark.filterwarnings("ignore::trajlm.model.coverage.CoverageWarning")
@pytest.mark.filterwarnings("ignore::trajlm.tasks.fallback_recover.FallbackWarning")
def test_train_writes_the_runs_recover_radii_and_recover_answers_with_them(run):

    assert val_trips(run["val"]) >= MIN_VAL_TRIPS
    best = run["dir"] / "run" / "best"
    doc = json.loads((best / RECOVER_RADII_FILE).read_text())
    assert len(doc["weights_sha1"]) == 40 and "fit_run_recover_radii" in doc["note"]
    summary = json.loads((run["dir"] / "run" / "train_summary.json").read_text())
    assert summary["recover_radii"].startswith("fitted on") and summary["recover_radii_s"] < 120
    assert any(s.startswith("recovery radii: fitted on") for s in run["said"])  # one line
    assert_recover_answers_with(run["dir"] / "run", run["val"], doc)
