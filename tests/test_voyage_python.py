"""Session 16 (voyage): the Python side reads AIS like ingest: "not available" 91 / 181 rows
and placeholder MMSIs dropped and counted by trajlm.clean, receivers' repeated reports dropped
with a count by `trajlm predict --input` (the server already did)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app
from trajlm.errors import TrajlmInputError

T0 = 1_781_500_000


def ais(n: int = 40, mmsi: int = 224101000, dt: int = 10) -> pd.DataFrame:
    """A MarineCadastre-like frame: MMSI, BaseDateTime (ISO UTC), LAT, LON of one ship."""
    t = pd.to_datetime(T0 + np.arange(n) * dt, unit="s").strftime("%Y-%m-%dT%H:%M:%S")
    return pd.DataFrame({"MMSI": mmsi, "BaseDateTime": t, "LAT": 36.0 + np.arange(n) * 1e-3,
                         "LON": -5.4 + np.arange(n) * 1e-3})  # fmt: skip


def test_clean_drops_and_counts_not_available_positions():
    df = ais()
    df.loc[[5, 17], ["LAT", "LON"]] = [91.0, 181.0]
    out, rep = trajlm.clean(df)  # refused before: "'LAT' reaches 91 ... pass crs='EPSG:...'"
    assert rep.dropped["no_fix"] == 2 and len(out) == len(df) - 2
    assert list(out.columns) == list(df.columns) and (out["LAT"] < 90).all()


def test_model_input_with_91_181_names_them_not_a_crs():
    df = ais()
    df.loc[3, ["LAT", "LON"]] = [91.0, 181.0]
    from trajlm.data.coerce import coerce

    with pytest.raises(TrajlmInputError, match="position not available") as e:
        coerce(df)
    assert "trajlm.clean" in str(e.value) and "crs=" not in str(e.value)
    df.loc[4, "LAT"] = 91.5  # a real out-of-range latitude still gets the CRS hint
    with pytest.raises(TrajlmInputError, match="not a latitude in degrees"):
        coerce(df)


def test_clean_drops_placeholder_mmsi_like_ingest():
    df = pd.concat([ais(), ais(mmsi=0), ais(mmsi=999999999)], ignore_index=True)
    out, rep = trajlm.clean(df)
    assert rep.dropped["placeholder_mmsi"] == 80 and set(out["MMSI"]) == {224101000}
    assert rep.rows_in == len(df) == len(out) + rep.total
    from trajlm.data.coerce import coerce

    with pytest.warns(UserWarning, match="placeholder MMSI"):
        coerce(df)
    other = df.rename(columns={"MMSI": "trip_id"})  # not an MMSI column: ids as given
    assert len(trajlm.clean(other)[0]) == len(df)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coerce(other)


def _model(path: Path) -> Path:
    from trajlm.model import ModelConfig, TrajectoryModel

    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)
    TrajectoryModel(cfg).save_pretrained(path)
    return path


def test_predict_input_drops_receiver_repeats(tmp_path: Path):
    df = ais(n=30)
    rep = df.iloc[[10, 20]].copy()
    rep["LAT"] += 3e-5  # a second receiver's copy: rounding apart
    raw = pd.concat([df, rep], ignore_index=True)
    csv = tmp_path / "raw.csv"
    raw.to_csv(csv, index=False)
    model = _model(tmp_path / "m")
    r = CliRunner().invoke(app, ["predict", "--model", str(model), "--input", str(csv),
                                 "--out", str(tmp_path / "p.csv")])  # fmt: skip
    said = " ".join(r.output.split())
    assert r.exit_code == 0, said
    assert "2 row(s) repeat an earlier row" in said and "line 32" in said
    # a different position at one time is still refused
    rep["LAT"] += 0.01
    pd.concat([df, rep], ignore_index=True).to_csv(csv, index=False)
    r = CliRunner().invoke(app, ["predict", "--model", str(model), "--input", str(csv),
                                 "--out", str(tmp_path / "q.csv")])  # fmt: skip
    assert r.exit_code != 0 and "duplicate" in " ".join(r.output.split()).lower()
