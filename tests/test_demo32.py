"""Session 32 (demo32): a store folder given to the Python API is read whole.

Before: `TrajLM(...).predict("stores/porto")` (the README's CLI writes that store) was refused
"stores/porto/index.parquet line 1: missing column(s) ['t', 'lat', 'lon']" (the folder read as
a file set; docs/testing.md "Session 32 (demo32)")."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli

import trajlm
from trajlm.errors import TrajlmInputError


def _store(tmp_path: Path) -> Path:
    """Two vans, each silent 40 minutes, ingested with a 2-hour gap rule: 2 trips in the store."""
    p = tmp_path / "fleet.csv"
    rows = [f"VAN-{k},2026-03-02T08:{m:02d}:00Z,55.7{m:02d},37.6{k}" for k in (1, 2)
            for m in [*range(0, 10), *range(50, 60)]]  # fmt: skip
    p.write_text("vehicle_id,timestamp,latitude,longitude\n" + "\n".join(rows) + "\n")
    out = tmp_path / "store"
    run_cli(["data", "ingest", str(p), "--out", str(out), "--max-gap-s", "7200"])
    return out


def test_a_store_folder_is_read_whole_with_its_own_trips(tmp_path: Path) -> None:
    from trajlm.data.coerce import coerce
    from trajlm.data.store import read_store

    store = _store(tmp_path)
    whole = read_store(store)
    df, _ = coerce(store, split_gaps="auto")  # as TrajLM's methods read their data
    # every split, and the store's own cut (a file path would be cut at the 40-min silence: 4)
    assert df["traj_id"].n_unique() == whole["traj_id"].n_unique() == 2
    assert df.height == whole.height == 40 and "split" not in df.columns
    assert trajlm.to_canonical(str(store)).height == 40


def test_column_keywords_beside_a_store_are_one_line(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with pytest.raises(TrajlmInputError, match=r"column keywords \(traj_col=\).*is a trajlm store"):
        trajlm.to_canonical(store, traj_col="vehicle_id")


def test_cli_predict_no_hold_stays_gives_the_rollout(tmp_path: Path) -> None:
    """The stay warning pointed CLI users at TrajLM.predict(hold_stays=False) only."""
    import numpy as np
    import pandas as pd
    from helpers import tiny_model
    from reliability_helpers import invoke
    from test_newuser32 import M_LON, _day

    _day("P01", 8).iloc[:24].to_csv(tmp_path / "gps.csv", index=False)  # 2 h at home
    model = tiny_model(tmp_path / "m")
    args = ["predict", "--model", model, "--input", tmp_path / "gps.csv", "--steps", "3"]
    held = invoke(*args, "--out", tmp_path / "held.csv")
    assert held.exit_code == 0 and "--no-hold-stays" in " ".join(held.output.split())
    roll = invoke(*args, "--no-hold-stays", "--out", tmp_path / "roll.csv")
    assert roll.exit_code == 0, roll.output
    assert "end in a stay" not in roll.output
    a, b = pd.read_csv(tmp_path / "held.csv"), pd.read_csv(tmp_path / "roll.csv")
    moved = np.hypot((a["latitude"] - b["latitude"]) * 111_320,
                     (a["longitude"] - b["longitude"]) * M_LON)  # fmt: skip
    assert moved.max() > 5  # the rollout's own answer, not the stay's median
