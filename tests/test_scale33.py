"""Session 33 (scale33): ingest's peak over a month of day files, and eval's silence.

- ingest: the NormStats sample (up to 1 M train rows) kept every column of the store (a
  fleet's string ids, speeds ...), so the peak grew with the train split up to that cap
  (docs/scale.md "Session 33 (scale33)"); it now keeps the four columns NormStats reads.
- eval: 994 s at 6.1 M fixes with no line after the store's; off a terminal, `eval: STEP (T s)`
  lines say what it does.
"""

from __future__ import annotations

import json

import polars as pl
from helpers import invoke_cli

from trajlm.data import store_stream
from trajlm.data.features import NormStats
from trajlm.data.ingest import synth_store
from trajlm.data.store import write_store


def _wide_points(n_traj: int = 60, n: int = 40) -> pl.DataFrame:
    rows = []
    for i in range(n_traj):
        for j in range(n):
            rows.append({"traj_id": f"north/V{i:04d}/{j // 20}", "t": 1_700_000_000 + 86_400 * i
                         + 30 * j, "lat": 53.2 + 1e-4 * j + 1e-3 * i, "lon": 6.5 + 2e-4 * j,
                         "vehicle_id": f"north/V{i:04d}", "sog_mps": 10.0 + j % 3})  # fmt: skip
    return pl.DataFrame(rows)


def test_the_stats_sample_holds_only_the_columns_normstats_reads(tmp_path, monkeypatch):
    """The sample NormStats is fit on kept every column (main: traj_id, t, lat, lon,
    vehicle_id, sog_mps); the store's stats.json is unchanged (write_store's, which fits on the
    whole train table)."""
    seen: list[list[str]] = []
    fit = NormStats.fit.__func__

    def spy(cls, train):
        seen.append(list(train.columns))
        return fit(cls, train)

    df = _wide_points()
    write_store(df, tmp_path / "whole")
    monkeypatch.setattr(NormStats, "fit", classmethod(spy))
    with store_stream.StoreStreamWriter(tmp_path / "streamed") as w:
        for i in range(0, 60, 20):  # three chunks of whole trajectories
            w.add(df.filter(pl.col("traj_id").str.slice(7, 4).cast(pl.Int64).is_between(i, i + 19)))
        w.close()
    assert seen == [["traj_id", "t", "lat", "lon"]]
    whole = json.loads((tmp_path / "whole" / "stats.json").read_text())
    assert json.loads((tmp_path / "streamed" / "stats.json").read_text()) == whole


def test_eval_off_a_terminal_says_what_it_does(tmp_path, capsys):
    """Under cron, `trajlm eval` printed the store's line, then nothing until the table. The
    lines are the CLI's: run_eval from Python (a notebook's stderr is no terminal either)
    prints none."""
    from trajlm.data.store import read_store
    from trajlm.eval.protocol import run_eval

    synth_store(tmp_path / "s", n_trajectories=120, seed=3)
    r = invoke_cli(["eval", "--task", "predict", "--data", tmp_path / "s"])
    assert r.exit_code == 0, r.output[-2000:]
    lines = [x for x in r.stderr.splitlines() if x.startswith("eval: ")]
    assert lines and lines[0].startswith(f"eval: reading --data {tmp_path / 's'} (")
    assert any(x.startswith("eval: tuning the kNN baselines on val (") for x in lines)
    assert any(x.startswith("eval: scoring constant velocity") for x in lines), lines
    run_eval(read_store(tmp_path / "s"), "predict", verbose=False)
    assert "eval: " not in capsys.readouterr().err
