"""Session 40 (fix40b): badin40's and fix40's leftovers (docs/reliability.md "Session 40
(fix40b)"): a stop shorter than the data's own sampling interval refused in one line (badin40
319: no stop found, nothing said), MQTT logs whose payloads no rule reads said as such, key=value
payloads saved without their topic read. Synthetic data only."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from reliability_helpers import fails, invoke, said

from trajlm.data.clean_split import StopSplitter, sampling_interval_s
from trajlm.errors import TrajlmInputError

T0 = 1_793_692_800


def _stay(n: int = 2200, step_s: float = 0.4) -> pl.DataFrame:
    """A walker every `step_s` s: moving 11 m a fix, standing still from fix 100 to 2000."""
    lat = [40.7 + (1e-4 * i if i < 100 or i > 2000 else 0.01) for i in range(n)]
    return pl.DataFrame({"traj_id": ["a"] * n, "t": [T0 + step_s * i for i in range(n)],
                         "lat": lat, "lon": [-74.0] * n})  # fmt: skip


def test_stop_shorter_than_the_sampling_interval_is_refused_naming_both() -> None:
    with pytest.raises(TrajlmInputError) as e:
        StopSplitter(min_duration_s=0.06).apply(_stay())
    text = str(e.value)
    assert "--stop-minutes" in text and "0.06 s" in text and "0.4 s between fixes" in text
    assert "0.00667 min" in text  # the shortest stop that can hold two fixes, rounded up


def test_a_stop_as_long_as_the_interval_or_longer_still_splits() -> None:
    assert sampling_interval_s(_stay()) == pytest.approx(0.4)
    out, report = StopSplitter(min_duration_s=600).apply(_stay())
    assert report.to_dict()["repaired"]["stop_splits"] == 1
    _, report = StopSplitter(min_duration_s=0.4).apply(_stay(300))  # 0.4 s holds two fixes
    assert report.to_dict()["dropped"].get("stopped", 0) > 0


def test_ingest_refuses_stop_minutes_under_the_interval_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "stay.csv"
    df = _stay().rename({"traj_id": "device", "t": "ts"})
    df.write_csv(src)
    before = src.read_bytes()
    out = tmp_path / "store"
    text = fails("data", "ingest", src, "--out", out, "--sub-second", "--split-at-stops",
                 "--stop-minutes", "0.001", names=("--stop-minutes", "0.4 s"))  # fmt: skip
    assert "no stop can be found" in text
    assert not out.exists() and src.read_bytes() == before
    r = invoke("data", "ingest", src, "--out", tmp_path / "ok", "--sub-second",
               "--split-at-stops", "--stop-minutes", "1")  # fmt: skip
    assert r.exit_code == 0, said(r)
