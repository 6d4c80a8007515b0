"""Session 29 (leftover29): newuser29's left frictions (docs/api.md "Session 29 (leftover29)").

- `recover` on the shipped trajlm-small warned "no val verdict saved with <a folder inside the
  installed package>", which its user cannot act on: silent for shipped checkpoints (their
  recover is documented), kept for a user's own folders.
- `travel_time` on a checkpoint without infilling heads was refused in 883 characters: one
  short line naming the checkpoint, what to train and what answers now."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from helpers import STATS

import trajlm
from trajlm.api_verdict import recover_verdict
from trajlm.errors import UserError
from trajlm.eval.val_verdict import VerdictWarning
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.weights import SHIPPED_DIR, shipped_name

SMALL = SHIPPED_DIR / "trajlm-small"


def _verdict_lines(path: Path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert recover_verdict(SimpleNamespace(path=path), fallback=True) is None
    return [str(w.message) for w in caught if issubclass(w.category, VerdictWarning)]


def test_no_verdict_line_for_the_shipped_checkpoint_but_for_a_users_folder(tmp_path) -> None:
    assert shipped_name(SMALL) == "trajlm-small" and _verdict_lines(SMALL) == []
    own = tmp_path / "trajlm-small"  # a user's copy (save_pretrained): their run to check
    own.mkdir()
    shutil.copy(SMALL / "config.json", own / "config.json")
    assert shipped_name(own) is None and shipped_name(None) is None
    said = _verdict_lines(own)
    assert len(said) == 1 and str(own) in said[0] and "--save-verdict" in said[0]


@pytest.mark.parametrize("path", [SMALL, None])
def test_travel_time_without_infilling_heads_is_one_short_line(path) -> None:
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS)
    causal = trajlm.TrajLM(TrajectoryModel(cfg), threads=1, path=path)
    with pytest.raises(UserError, match="no infilling heads") as e:
        causal.travel_time([(5_334_000.0, 691_000.0)], [(5_335_000.0, 692_000.0)], depart=0)
    text = str(e.value)
    assert len(text) < 260 and "\n" not in text, text
    assert text.startswith("travel_time: " + ("trajlm-small" if path else "this in-memory"))
    assert str(SHIPPED_DIR) not in text and "configs/multitask.toml" in text
    assert "GradientBoostingTTE().fit(past_trips)" in text


def test_cli_csv_writes_projected_positions_to_the_mm_and_degrees_to_1e7() -> None:
    import polars as pl

    from trajlm.cli_predict_output import output_names
    from trajlm.data import geo

    pred = pl.DataFrame(
        {"traj_id": ["a"], "t": [0], "lat": [48.137154321987], "lon": [11.576124987654]}
    )
    got = {}
    for crs in ("EPSG:25832", "EPSG:4258"):  # metres (UTM 32N), degrees (ETRS89)
        layout = SimpleNamespace(kind="polars", crs=crs, traj_col="ride", time_col="t",
                                 lat_col="y", lon_col="x")  # fmt: skip
        full = output_names(pred, layout)  # Parquet / the default: float64 as computed
        got[crs] = output_names(pred, layout, csv=True)
        digits = 3 if crs == "EPSG:25832" else 7
        for c in ("x", "y"):
            assert got[crs][c][0] == round(full[c][0], digits) != full[c][0]
    assert got["EPSG:25832"]["y"][0] > 5e6  # still metres
    assert geo.is_geographic("EPSG:4258") and not geo.is_geographic("EPSG:25832")


def test_the_clean_hint_spells_return_report_and_http_still_replaces_it() -> None:
    import pandas as pd

    from trajlm.serve.errors import HTTP_HINT, http_message

    df = pd.DataFrame(
        {
            "id": "a",
            "lat": [41.15, 41.16, 41.16],
            "lon": -8.61,
            "t": [1_700_000_000, 1_700_000_005, 1_700_000_005],
        }
    )
    with pytest.raises(trajlm.TrajlmInputError, match="duplicate timestamp") as e:
        trajlm.to_canonical(df, traj_col="id", time_col="t")
    assert "df, report = trajlm.clean(df, return_report=True)" in str(e.value)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # the hint's spelling: no FutureWarning
        out, report = trajlm.clean(df, traj_col="id", time_col="t", return_report=True)
    assert len(out) == 2 and sum(report.dropped.values()) == 1
    web = http_message(e.value)
    assert "trajlm.clean" not in web and web.endswith(HTTP_HINT)
