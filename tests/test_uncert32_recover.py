"""A run's recovery radii read the scale as the answers do, and say which setting they left
out (session 32, uncert32; trajlm/eval/run_recover_radii.py, trajlm/eval/recover_spread.py):
review31 found the fit reading every known step's speed while answers leave out steps past the
calibrated gap, and a setting with another row count dropped without a word."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from helpers import LinearRecover as Linear
from helpers import parked_trip

import trajlm.eval.run_recover_radii as rrr
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.eval.recover_spread import (
    GAP_FEATURES,
    calibrated_gap_s,
    gap_features,
    step_limit_s,
)

DOWNSAMPLED = tuple(s for s in rrr.SETTINGS if s[1]["mode"] == "downsample")


def test_fit_rows_read_the_scale_as_the_answers_will(monkeypatch):
    # a 4-hour stop between two kept fixes: no hidden point in it, so longer than any hidden gap
    monkeypatch.setattr(rrr, "SETTINGS", DOWNSAMPLED)
    val = pl.concat([parked_trip("a", 0), parked_trip("b", 1)])
    rows = rrr.recover_answers(Linear(), val)
    spread, _ = rrr.fit_from_recover_answers(rows)
    assert spread is not None and spread["max_gap_s"] == calibrated_gap_s(rows["gap_s"])
    assert spread["max_gap_s"] < 4 * 3600  # the stop is a known step, not a hidden gap
    df = val.sort("traj_id", "t")
    t, ll = df["t"].cast(pl.Float64).to_numpy(), df.select("lat", "lon").to_numpy()
    groups = df["traj_id"].rank("dense").to_numpy()
    for name, kw in DOWNSAMPLED:
        known = make_recovery_task(df, **kw).known
        answered = gap_features(t, ll, known, groups, step_limit_s(spread))  # as recover reads
        every = gap_features(t, ll, known, groups)  # every step: what the fit read before
        got = rows.filter(pl.col("setting") == name)
        for k in ("scale", "jitter"):
            np.testing.assert_allclose(got[k].to_numpy(), answered[k][~known], rtol=1e-12)
        assert np.nanmedian(every["scale"][~known] / answered["scale"][~known]) < 0.8


class Drops:
    """A recoverer whose answer loses a row (a row count the fit cannot score)."""

    def recover(self, df: pl.DataFrame) -> pl.DataFrame:
        return Linear().recover(df).head(df.height - 1)


def test_a_setting_with_another_row_count_is_named_not_skipped_silently():
    val = pl.concat([parked_trip("a", 0), parked_trip("b", 1)])
    with pytest.warns(UserWarning, match="recovery radii fit: setting") as said:
        rows = rrr.recover_answers(Drops(), val)
    assert rows.height == 0 and set(rows.columns) >= set(GAP_FEATURES)
    text = [str(w.message) for w in said]
    for name, _ in rrr.SETTINGS:
        assert sum(f"setting {name!r} left out" in m for m in text) == 1
    assert all("\n" not in m and f"rows for {val.height}" in m for m in text)
