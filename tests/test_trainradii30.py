"""A user's own `trajlm train` run fits radii.json on its val split (session 30,
trainradii30; trajlm/eval/run_radii.py): predict(radii=) reads it; a val too small keeps the
pooled factors and says so; a file fitted for other weights is ignored with one line."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from helpers import assert_recover_answers_with, tiny_fit_run

from trajlm.eval.radii_bins import MIN_N, RADII_FILE, load_radii_bins
from trajlm.eval.run_radii import fit_from_answers, fit_run_radii, save_run_radii, val_answers
from trajlm.eval.spread_radii import RADIUS_FACTORS
from trajlm.eval.val_verdict import VerdictWarning


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """A 160-trip synthetic store (val: ~16 trips, over the 100 answers a fit needs) and a
    2-step tiny run on it (TrajLM.fit: `trajlm train`'s body)."""
    return tiny_fit_run(tmp_path_factory.mktemp("trainradii"), 160, 1)


@pytest.mark.slow  # trains a tiny run (~15 s on 2 shared cores)
@pytest.mark.filterwarnings("ignore::trajlm.model.coverage.CoverageWarning")
def test_a_run_writes_radii_that_predict_reads(run):
    best = run["dir"] / "run" / "best"
    doc = json.loads((best / RADII_FILE).read_text())
    assert doc["kind"] == "trajlm-radii" and len(doc["weights_sha1"]) == 40
    summary = json.loads((run["dir"] / "run" / "train_summary.json").read_text())
    assert summary["radii"].startswith("fitted on") and summary["radii_s"] < 30
    assert any(s.startswith("radii: fitted on") for s in run["said"])  # the run's one line
    model = run["model"]
    assert model.radii_bins is not None and model.radii_bins.pooled == {
        int(k): v for k, v in doc["pooled"].items()
    }
    query = run["val"].filter(pl.col("traj_id") == run["val"]["traj_id"][0]).head(20)
    pred = model.predict(query, steps=3, radii=[50, 90], fallback=False)
    own = (pred["r90_m"] / pred["std_m"]).to_numpy()
    allowed = [model.radii_bins.pooled[90], *(f[90] for f in model.radii_bins.factors.values())]
    assert np.isfinite(own).all() and np.isin(np.round(own, 6), np.round(allowed, 6)).all()
    assert not np.allclose(own, RADIUS_FACTORS[90])  # not the pooled factors of session 21


class LastFix:
    """A stand-in predictor: each history's last fix, 15 s apart, std_m 10 m (the fit's code
    path without a model)."""

    def predict(self, hist: pl.DataFrame, steps: int, fallback: bool = True) -> pl.DataFrame:
        last = hist.group_by("traj_id", maintain_order=True).agg(pl.all().last())
        rows = [last.with_columns(step=pl.lit(k, pl.Int64), t=pl.col("t") + 15 * k)
                for k in range(1, steps + 1)]  # fmt: skip
        return pl.concat(rows).with_columns(std_m=pl.lit(10.0))


def track(trip: str, n: int, speed: float = 5.0) -> pl.DataFrame:
    """A straight 15-s track with a wobble (errors of a last-fix predictor vary)."""
    i = np.arange(n)
    return pl.DataFrame({"traj_id": trip, "t": 1_700_000_000 + 15 * i,
                         "lat": 41.15 + speed * 15 * i / 111_320 + 1e-5 * np.sin(i),
                         "lon": -8.61 + 1e-5 * np.cos(i)})  # fmt: skip


def test_a_tiny_val_keeps_the_pooled_factors_and_says_so(tmp_path):
    best = tmp_path / "best"
    best.mkdir()
    (best / RADII_FILE).write_text("{}")  # a stale fit: removed, not left to answer
    (tmp_path / ".trajlm").write_text("")  # a run's folder (its marker): its stale fit goes
    got = fit_run_radii(LastFix(), track("a", 40), best)  # 4 windows x 5 steps: 20 answers
    assert got["radii"].startswith("kept the pooled factors") and f"{MIN_N} answers" in got["radii"]
    assert "20 scored answer(s) on 1 trip(s)" in got["radii"]
    assert not (best / RADII_FILE).exists() and load_radii_bins(best) is None


def test_the_floor_is_answers_and_trips():
    val = pl.concat([track(f"t{k}", 60, 3.0 + k) for k in range(3)])
    rows = val_answers(LastFix(), val)
    assert rows.height == 3 * 8 * 5 and rows["trip"].n_unique() == 3  # 8 windows a trip
    bins, why = fit_from_answers(rows)
    assert bins is not None and "120 val answers on 3 trips" in why
    assert bins.pooled[90] == pytest.approx(np.quantile(rows["r"], 0.9), rel=0.1)
    assert fit_from_answers(rows.with_columns(trip=pl.lit("a")))[0] is None  # one trip
    assert fit_from_answers(rows.head(MIN_N - 1))[0] is None  # too few answers


def test_radii_of_other_weights_are_ignored_with_one_line(tmp_path):
    best = tmp_path / "best"
    best.mkdir()
    (best / "model.safetensors").write_bytes(b"weights a")
    val = pl.concat([track(f"t{k}", 60, 3.0 + k) for k in range(3)])
    save_run_radii(fit_from_answers(val_answers(LastFix(), val))[0], best)
    assert load_radii_bins(best) is not None  # the weights it was fitted for
    (best / "model.safetensors").write_bytes(b"weights b")  # a resumed run kept others
    with pytest.warns(VerdictWarning, match="fitted for other weights") as said:
        assert load_radii_bins(best) is None
    assert len(said) == 1 and "\n" not in str(said[0].message)
    doc = json.loads((best / RADII_FILE).read_text())
    del doc["weights_sha1"]  # a hand-made or shipped file (no stamp) is read as before
    (best / RADII_FILE).write_text(json.dumps(doc))
    assert load_radii_bins(best) is not None


@pytest.mark.slow  # the same tiny run (uncert31: the run's recovery radii, eval/run_recover_radii.py)
@pytest.mark.filterwarnings("ignore::trajlm.model.coverage.CoverageWarning")
@pytest.mark.filterwarnings(
    "ignore::trajlm.tasks.fallback_recover.FallbackWarning"
)  # the said engine
def test_a_runs_own_recover_radii_are_written_loaded_and_used(run):
    from trajlm.eval.recover_spread import (
        NOISE_FLOOR,
        RECOVER_RADII_FILE,
    )
    from trajlm.eval.run_recover_radii import MIN_VAL_TRIPS, fit_run_recover_radii

    best = run["dir"] / "run" / "best"
    # ~16 val trips, under the floor: `trajlm train` writes none and says why (uncert33)
    assert not (best / RECOVER_RADII_FILE).exists()
    summary = json.loads((run["dir"] / "run" / "train_summary.json").read_text())
    assert summary["recover_radii"].startswith("none fitted")
    assert f"fewer than the {MIN_VAL_TRIPS}" in summary["recover_radii"]
    got = fit_run_recover_radii(run["model"], run["val"], best, min_trips=0)
    assert got["recover_radii"].startswith("fitted on") and got["recover_radii_s"] < 60
    doc = json.loads((best / RECOVER_RADII_FILE).read_text())
    assert len(doc["weights_sha1"]) == 40 and doc["noise_floor"] == NOISE_FLOOR
    assert_recover_answers_with(run["dir"] / "run", run["val"], doc)
