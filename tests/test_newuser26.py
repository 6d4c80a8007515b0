"""Session 26 (newuser26): a fleet data scientist's Parquet export and an ecologist's Movebank
study, followed from the README and `--help` (docs/api.md "Session 26 (newuser26)").

- `trajlm.clean` of a frame with repeated rows and times below the second (epoch ms, sub-second
  datetimes) gave back more rows than it kept (a fleet: 3,241 in, 3,019 kept, 3,695 back), so
  `predict` refused the cleaned frame as having duplicate times.
- Movebank's outlier flags (`visible` false, `*-marked-outlier` true) were read as fixes.
- `recover` filled only rows the user had made: `every="1h"` / `--every 1h` adds them.
- `save_pretrained` of a run left its val verdict behind: the re-loaded model answered with
  itself where the run answered with kNN.
- `TrajLM.last_engine` was an AttributeError until a verdict answered.
- `trajlm --help` named 14 commands and no order to run them in."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from helpers import tiny_model as _model
from reliability_helpers import invoke
from test_pverdict24 import _hist, judged  # noqa: F401 (a module-scoped fixture)

import trajlm
from trajlm.errors import TrajlmInputError

T0_MS = 1_794_800_000_000


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> trajlm.TrajLM:
    return trajlm.TrajLM.from_pretrained(_model(tmp_path_factory.mktemp("nu26") / "m"), threads=1)


def _vans(times: str) -> pd.DataFrame:
    """Two vans, two drives each (an hour apart), 30-s fixes, two rows repeated per van."""
    rows = []
    for v in range(2):
        for d in range(2):
            t0 = T0_MS + d * 7_200_000 + 250  # 250 ms: below the second
            rows += [{"vehicle_id": f"V{v}", "timestamp": t0 + 30_000 * k, "lat": 51.9 + 2e-4 * k,
                      "lon": 4.48 + 0.01 * v + 0.003 * d} for k in range(12)]  # fmt: skip
    df = pd.DataFrame(rows)
    df = pd.concat([df, df.iloc[[3, 30]]], ignore_index=True)  # repeated rows (an export's pages)
    if times == "datetime":
        df["timestamp"] = pd.to_datetime(df["timestamp"], unit="ms", utc=True)
    return df


@pytest.mark.parametrize("times", ["ms", "datetime"])
@pytest.mark.parametrize("split", [True, False])
def test_clean_gives_back_the_rows_it_kept(times: str, split: bool) -> None:
    df = _vans(times)
    cols = {} if split else {"traj_col": "vehicle_id"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, report = trajlm.clean(df, **cols)
    assert report.dropped["duplicate_timestamp"] == 2
    assert len(out) == len(df) - 2 == 48  # was 50-52: repeated rows came back
    assert not out.duplicated(["vehicle_id", "timestamp"]).any()
    assert set(out["timestamp"]) == set(df["timestamp"])  # times exact, to the millisecond


@pytest.mark.slow  # 6-12 s on the loaded 2-core box
def test_a_cleaned_frame_is_predicted(model) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, _ = trajlm.clean(_vans("ms"))
        pred = model.predict(out, seconds_ahead=[600])  # was refused: "duplicate timestamp"
    assert len(pred) == 4 and pred["timestamp"].dtype == np.int64


def _movebank(path: Path, visible: bool = True) -> Path:
    """Two gulls, hourly fixes, as Movebank writes them: one fix 30 km off in each, marked."""
    rows = []
    for b in range(2):
        for k in range(8):
            lat = 51.3 + 0.01 * k + (0.3 if k == 4 else 0)
            rows.append({"event-id": len(rows), "visible": "false" if k == 4 else "true",
                         "timestamp": f"2026-06-01 {k:02d}:00:0{b}.000", "location-long": 3.2 + 0.1 * b,
                         "location-lat": lat, "manually-marked-outlier": "true" if k == 4 and b else "",
                         "algorithm-marked-outlier": "true" if k == 4 and not b else "",
                         "individual-local-identifier": f"G{b}"})  # fmt: skip
    df = pd.DataFrame(rows)
    if not visible:
        df = df.drop(columns="visible")
    df.to_csv(path, index=False)
    return path


@pytest.mark.slow  # 6-12 s on the loaded 2-core box
@pytest.mark.parametrize("visible", [True, False])
def test_ingest_drops_and_counts_movebank_outliers(tmp_path: Path, visible: bool) -> None:
    src = _movebank(tmp_path / "gulls.csv", visible)
    r = invoke("data", "ingest", src, "--out", tmp_path / "store")
    assert r.exit_code == 0, r.output
    assert "marked_outlier" in r.output and "14 points" in r.output  # 16 rows, 2 marked
    table = trajlm.read_store(tmp_path / "store")
    assert table["lat"].max() < 51.4  # the 30-km fixes are gone
    pq = tmp_path / "gulls.parquet"  # Parquet too: the flag columns are read with the fixes
    pd.read_csv(src).to_parquet(pq)
    r = invoke("data", "ingest", pq, "--out", tmp_path / "store_pq")
    assert r.exit_code == 0 and "marked_outlier" in r.output, r.output


def test_manually_marked_valid_overrides_and_no_flags_change_nothing() -> None:
    from trajlm.data.outlier_flags import marked_rows

    df = pl.DataFrame({"manually-marked-outlier": ["true", "", "TRUE", None],
                       "manually-marked-valid": ["", "", "true", None]})  # fmt: skip
    assert marked_rows(df).to_list() == [True, False, False, False]
    assert marked_rows(pl.DataFrame({"lat": [1.0]})) is None
    assert marked_rows(pl.DataFrame({"visible": [True, False]})).to_list() == [False, True]


@pytest.mark.slow  # 6-12 s on the loaded 2-core box
def test_clean_drops_and_recover_refills_marked_rows(model, tmp_path: Path) -> None:
    df = pd.read_csv(_movebank(tmp_path / "g.csv"))
    out, report = trajlm.clean(df, traj_col="individual-local-identifier")
    assert report.dropped["marked_outlier"] == 2 and len(out) == 14
    with pytest.warns(UserWarning, match=r"2 row\(s\) marked as outliers \(visible"):
        rec = model.recover(df, traj_col="individual-local-identifier", fallback=False)
    assert len(rec) == 16 and rec["recovered"].sum() == 2
    assert rec["location-lat"].max() < 51.4  # refilled between their neighbours, not 30 km off


def _hourly(missing: tuple[int, ...]) -> pd.DataFrame:
    """One gull, fixes at minute 0 + a few seconds of every hour 0..9 but ``missing``."""
    ks = [k for k in range(10) if k not in missing]
    return pd.DataFrame({"bird": "G", "timestamp": [pd.Timestamp("2026-06-01", tz="UTC")
                         + pd.Timedelta(hours=k, seconds=20) for k in ks],
                         "lat": [51.3 + 0.01 * k for k in ks], "lon": 3.2})  # fmt: skip


@pytest.mark.slow  # 6-12 s on the loaded 2-core box
def test_recover_every_fills_skipped_fixes_on_the_clock(model) -> None:
    df = _hourly(missing=(3, 4, 7))
    rec = model.recover(df, every="1h", traj_col="bird", fallback=False)
    assert len(rec) == 10 and rec["recovered"].sum() == 3  # one row per missing hour
    added = rec.loc[rec.recovered, "timestamp"]
    assert [t.hour for t in added] == [3, 4, 7] and all(t.minute == t.second == 0 for t in added)
    assert rec["timestamp"].is_monotonic_increasing
    same = model.recover(df, every=3600, traj_col="bird", fallback=False)  # seconds alike
    assert same["timestamp"].tolist() == rec["timestamp"].tolist()
    assert len(model.recover(df, every="2h", traj_col="bird")) == 8  # 04:00; 06:00 is a fix's
    assert len(model.recover(_hourly(()), every="1h", traj_col="bird")) == 10  # nothing missing


@pytest.mark.parametrize("every", ["0", "-1h", "fortnight", "1 parsec", float("nan"), True])
def test_a_bad_every_is_one_line(model, every) -> None:
    with pytest.raises(TrajlmInputError, match="every="):
        model.recover(_hourly((3,)), every=every, traj_col="bird")


def test_cli_recover_every(tmp_path: Path) -> None:
    src = tmp_path / "g.csv"
    _hourly(missing=(2, 5)).to_csv(src, index=False)
    m = _model(tmp_path / "m")
    r = invoke("recover", "--model", m, "--input", src, "--every", "60min", "--traj-col", "bird",
               "--out", tmp_path / "f.csv", "--threads", "1")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "2 positions recovered" in r.output and "2 rows added at --every 60min" in r.output
    assert len(pd.read_csv(tmp_path / "f.csv")) == 10


def test_save_pretrained_keeps_the_runs_verdict(judged, tmp_path: Path) -> None:  # noqa: F811
    run = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    run.save_pretrained(tmp_path / "saved")
    assert (tmp_path / "saved" / "val_verdict.json").is_file()
    again = trajlm.TrajLM.from_pretrained(tmp_path / "saved", threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = run.predict(_hist(), steps=3), again.predict(_hist(), steps=3)
    assert set(b["engine"]) == {judged["engine"]}  # was: no engine column, the model answered
    assert a.equals(b)
    with pytest.warns(UserWarning, match="judged its float32 weights"):  # int8: other weights
        run.save_pretrained(tmp_path / "int8", dtype="int8")
    assert not (tmp_path / "int8" / "val_verdict.json").exists()


def test_last_engine_is_set_without_a_verdict(model) -> None:
    assert model.last_engine == "model"  # was an AttributeError
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.predict(_hourly(()), steps=2, traj_col="bird")
    assert model.last_engine == "model"


def test_help_shows_the_main_path() -> None:
    r = invoke("--help")
    text = r.output
    assert r.exit_code == 0
    order = ["trajlm data ingest", "trajlm train --data", "trajlm eval", "trajlm predict --model"]
    at = [text.index(s) for s in order]
    assert at == sorted(at) and "trajlm-small" in text
    assert len(text.splitlines()) <= 40  # one screen


def _labelled() -> pd.DataFrame:
    df = pd.DataFrame({"trip": "a", "lat": [51.9 + 1e-4 * k for k in range(8)], "lon": 4.48,
                       "timestamp": pd.date_range("2026-06-01", periods=8, freq="30s", tz="UTC")})  # fmt: skip
    return df.set_axis(pd.Index([f"ev{k}" for k in range(8)], name="event"))


def test_row_results_keep_the_callers_index(model) -> None:
    df = _labelled()
    gappy = df.copy()
    gappy.loc["ev3", ["lat", "lon"]] = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = model.recover(gappy)
        assert rec.index.tolist() == df.index.tolist() and rec.index.name == "event"  # was 0..7
        assert rec.loc["ev3", "recovered"] and "__trajlm_caller_position" not in rec.columns
        kept, _ = trajlm.clean(pd.concat([df, df.iloc[[2]]]))  # a repeated row dropped
        assert kept.index.tolist() == df.index.tolist()
        assert trajlm.check_validity(df).index.tolist() == df.index.tolist()
        shuffled = df.iloc[::-1]  # rows in any order: each keeps its own label
        assert trajlm.clean(shuffled)[0].loc["ev5", "lat"] == df.loc["ev5", "lat"]
        added = model.recover(df, every="10s")  # added rows have no label of their own
        assert added.index[:4].tolist()[0] == "ev0" and pd.isna(added.index[1])
        plain = model.recover(gappy.reset_index(drop=True))  # 0..n-1 stays as it was
        assert isinstance(plain.index, pd.RangeIndex)
