"""leftover37 item 6: a late day's pieces (scale36's late-day append) are numbered after the
van's existing pieces (V00_4 after V00_3 although V00_4 drove first). Decided: kept. An append
never renames a trip the store already has (its part files are hard links, never rewritten;
ids a user holds in saved answers stay valid), and nothing reads order from the number:
`--latest` takes each van's trip that ends last."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from helpers import tiny_model
from reliability_helpers import invoke
from test_append35 import DAY, T0, _files, _ingest

from trajlm.data.store import load_index


def test_a_late_days_pieces_keep_the_older_ids_and_latest_is_by_time(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert _ingest(_files(tmp_path, range(10)), store).exit_code == 0
    assert _ingest(_files(tmp_path, range(11, 12)), store, "--append").exit_code == 0
    before = load_index(store)
    assert _ingest(_files(tmp_path, range(10, 11)), store, "--append").exit_code == 0
    index = load_index(store)
    kept = index.join(before, on="traj_id", how="inner", suffix="_before")
    assert kept.height == before.height  # every trip the store had keeps its id ...
    assert (kept["t_start"] == kept["t_start_before"]).all()  # ... and its rows
    late = index.join(before, on="traj_id", how="anti")
    k = pl.col("traj_id").str.extract(r"_(\d+)$").cast(pl.Int64)
    day11 = before.filter(pl.col("t_start") >= T0 + 11 * DAY)
    # the late day (day 10) numbered after day 11's pieces: the decided, documented order
    assert late.select(k.min()).item() > day11.select(k.max()).item()
    out = tmp_path / "latest.csv"
    r = invoke("predict", "--model", tiny_model(tmp_path / "m"), "--input", store, "--split",
               "test", "--latest", "--steps", "1", "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    answered = set(pl.read_csv(out)["traj_id"].to_list())
    # one answer per van (12), each from a trip of day 11, the latest day, not the late day 10
    assert len(answered) == 12 and answered <= set(day11["traj_id"].to_list())
