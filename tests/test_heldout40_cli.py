"""Session 40 (heldout40): the CLI and the Python API on held-out kinds a new user runs with no
options (scripts/heldout40/gen_radio.py, gen_export.py). Before (32ac984f): an APRS log was
"missing column(s)"; a BlackVue `Record/` folder "no file trajlm reads"; Navixy's answers were
read 2 h off without a word (and `--tz` refused for JSON); `predict --input` of a ForeFlight
log asked for a trajectory column among the flight summary's; the frame pandas builds from an
iNaturalist export was read at `updated_at` (the upload's time) without a word.
docs/data.md "Session 40 (heldout40)"."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import polars as pl
from helpers import invoke_cli
from test_heldout40_readers import gen40

from trajlm.data.coerce import to_canonical


def test_ingest_reads_an_aprs_log_and_a_blackvue_folder(tmp_path: Path) -> None:
    p = gen40("aprs", tmp_path)
    before = p.read_bytes()
    r = invoke_cli(["data", "ingest", p, "--out", tmp_path / "aprs"])
    assert r.exit_code == 0, r.output[-1500:]  # was: "missing column(s)"
    pts = pl.read_parquet(tmp_path / "aprs" / "points" / "**" / "*.parquet")
    assert pts["source_traj_id"].n_unique() == 4 if "source_traj_id" in pts else True
    assert p.read_bytes() == before  # the user's file untouched
    d = gen40("blackvue", tmp_path)
    r = invoke_cli(["data", "ingest", d, "--out", tmp_path / "cam"])
    assert r.exit_code == 0, r.output[-1500:]  # was: "no file trajlm reads under the folder"
    assert json.loads((tmp_path / "cam" / "manifest.json").read_text())["n_points"] > 400


def test_ingest_says_navixy_times_are_naive_and_tz_reads_them(tmp_path: Path) -> None:
    d = gen40("navixy", tmp_path)
    r = invoke_cli(["data", "ingest", d, "--out", tmp_path / "utc"])
    assert r.exit_code == 0, r.output[-1500:]
    assert "'get_time' have no zone" in r.output  # was: read as UTC without a word
    r = invoke_cli(["data", "ingest", d, "--out", tmp_path / "riga", "--tz", "Europe/Riga"])
    assert r.exit_code == 0, r.output[-1500:]  # was: "--tz ... apply to times in csv / parquet"
    utc = pl.read_parquet(tmp_path / "utc" / "points" / "**" / "*.parquet")["t"].sort()
    riga = pl.read_parquet(tmp_path / "riga" / "points" / "**" / "*.parquet")["t"].sort()
    assert (utc - riga).unique().to_list() == [7200]


def test_predict_reads_a_foreflight_track_log(tmp_path: Path) -> None:
    p = gen40("foreflight", tmp_path)
    out = tmp_path / "out.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", p, "--out", out,
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]  # was: a trajectory column among the summary's
    got = pl.read_csv(out)
    assert got["t" if "t" in got.columns else "Timestamp"].min() > 1.7e9


def _canonical(df: pd.DataFrame):  # noqa: ANN202
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = to_canonical(df)
    return out, " ".join(str(x.message) for x in w)


def test_an_inaturalist_frame_is_read_at_the_observed_time(tmp_path: Path) -> None:
    import pytest

    import trajlm
    from trajlm.errors import TrajlmInputError

    p = gen40("inaturalist", tmp_path)
    frame = pd.read_csv(p)
    with pytest.raises(TrajlmInputError, match="time_observed_at"):
        _canonical(frame)  # rows with only a date: told, not read at `updated_at`
    cleaned = trajlm.clean(frame)
    got, _ = _canonical(cleaned[0] if isinstance(cleaned, tuple) else cleaned)
    timed = frame.dropna(subset=["time_observed_at"])
    first = pd.Timestamp(timed["time_observed_at"].min().replace(" UTC", "Z"))
    assert got["t"].min() == int(first.timestamp())  # was: `updated_at`, hours later


def test_a_meshtastic_frame_is_read_by_node_at_the_fix_time(tmp_path: Path) -> None:
    import trajlm

    p = gen40("meshtastic", tmp_path)
    recs = [json.loads(x) for x in p.read_text().splitlines()]
    cleaned = trajlm.clean(pd.json_normalize(recs), return_report=False)
    got, _ = _canonical(cleaned)
    pos = {(d["from"], d["payload"]["time"]) for d in recs if d["type"] == "position"}
    assert got["traj_id"].n_unique() == 5  # `from`, not the packet's `id` (159 before)
    assert got.unique(["traj_id", "t"]).height == len(pos)  # at `payload.time`
    assert 46.5 < got["lat"].min() and got["lat"].max() < 48  # latitude_i / 1e7


def test_an_argo_index_frame_is_read_by_float(tmp_path: Path) -> None:
    import trajlm

    p = gen40("argo", tmp_path)
    frame = pd.read_csv(p, comment="#")
    cleaned = trajlm.clean(frame, return_report=False)  # profiles without a position dropped
    got, _ = _canonical(cleaned)
    assert got["traj_id"].n_unique() == frame["file"].str.split("/").str[1].nunique() == 6
    first = frame.dropna(subset=["latitude"]).iloc[0]
    stamp = pd.Timestamp(str(first["date"]), tz="UTC")
    row = got.filter(pl.col("traj_id") == first["file"].split("/")[1]).sort("t").row(0, named=True)
    assert row["t"] == int(stamp.timestamp())  # `date`, not `date_update`
