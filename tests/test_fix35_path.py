"""Session 35 (fix35): a model call given a path reads it with ingest's / `trajlm.read`'s
keywords, and treats a repeated time as `trajlm predict --input FILE` does.

Before: `TrajLM.predict(path, time_origin=...)` / `time_format=` / `on_error=` were "unexpected
keyword" (only `trajlm.read` took them: a SUMO fcd.xml's refusal named `time_origin=`, which
no model call took); a time repeated at another position was refused "clean the input first:
trajlm.clean(df)" (a frame's way) where `trajlm predict --input FILE` names `--on-error skip` and
ingest drops it. docs/data.md "Session 35 (fix35)"."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import trajlm
from trajlm.errors import TrajlmInputError

ROWS = [("A", "2026-11-02T13:00:00Z", 29.760), ("A", "2026-11-02T13:00:10Z", 29.761),
        ("A", "2026-11-02T13:00:10Z", 29.7615), ("A", "2026-11-02T13:00:20Z", 29.762),
        ("A", "2026-11-02T13:00:30Z", 29.763), ("A", "2026-11-02T13:00:40Z", 29.764)]  # fmt: skip


def _repeated(tmp_path: Path) -> Path:
    p = tmp_path / "dup.csv"
    p.write_text(
        "vehicle_id,time,lat,lon\n" + "".join(f"{v},{t},{la},-95.37\n" for v, t, la in ROWS)
    )
    return p


def _elapsed(tmp_path: Path) -> Path:
    """A SUMO-like simulation log: seconds of an undated day (21600 = 06:00)."""
    p = tmp_path / "sim.csv"
    p.write_text("traj_id,t,lat,lon\n" + "".join(f"bus,{21600 + 10 * k},44.49,{11.34 + k * 1e-4}\n"
                                                   for k in range(12)))  # fmt: skip
    return p


@pytest.fixture(scope="module")
def small():
    return trajlm.TrajLM.from_pretrained("trajlm-small")


def test_a_repeated_time_on_a_path_names_on_error(tmp_path: Path) -> None:
    with pytest.raises(
        TrajlmInputError, match=r'dup\.csv field t: 1 repeated time.*on_error="skip"'
    ) as e:
        trajlm.to_canonical(str(_repeated(tmp_path)), split_gaps=True)
    assert "trajlm.clean(df)" not in str(e.value)  # was: the frame's way, for a path
    assert "2026-11-02T13:00:10Z" in str(e.value)


def test_on_error_skip_drops_as_ingest_and_the_cli_do(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="1 dropped as duplicate_timestamp"):
        df = trajlm.to_canonical(str(_repeated(tmp_path)), on_error="skip", split_gaps=True)
    assert df.height == 5 and df["lat"].to_list()[1] == 29.761  # the first of the repeat kept


def test_predict_on_a_path_takes_on_error(tmp_path: Path, small) -> None:
    with pytest.warns(UserWarning, match="duplicate_timestamp"):
        out = small.predict(str(_repeated(tmp_path)), on_error="skip")
    assert out.height == 5


def test_predict_on_a_path_takes_time_origin(tmp_path: Path, small) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = small.predict(str(_elapsed(tmp_path)), time_origin="2026-11-30T00:00:00Z")
    t0 = trajlm.read(str(_elapsed(tmp_path)), time_origin="2026-11-30T00:00:00Z")["t"].max()
    assert out.height == 5 and out["t"].min() > t0  # absolute, from the origin, as trajlm.read
    with pytest.raises(TrajlmInputError, match="field time_origin"):
        small.predict(str(_elapsed(tmp_path)), time_origin="yesterday")


def test_predict_on_a_path_takes_time_format(tmp_path: Path, small) -> None:
    p = tmp_path / "mdy.csv"
    p.write_text("traj_id,time,lat,lon\n" + "".join(
        f"T1,11/02/2026 07:{k:02d}:00,29.76,{-95.37 + k * 1e-3}\n" for k in range(12)))  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = small.predict(str(p), time_format="mdy", tz="America/Chicago")
    latest = trajlm.read(str(p), time_format="mdy", tz="America/Chicago")["t"].max()
    assert out["time"].min().timestamp() > latest  # the file's own name (leftover36)


def test_path_keywords_with_a_frame_or_store_are_refused(tmp_path: Path) -> None:
    frame = trajlm.read(str(_elapsed(tmp_path)), time_origin="2026-11-30T00:00:00Z")
    with pytest.raises(TrajlmInputError, match=r"field time_origin: time_origin= read a file"):
        trajlm.to_canonical(frame, time_origin="2026-11-30T00:00:00Z")
    with pytest.raises(TrajlmInputError, match=r"field on_error: on_error must be"):
        trajlm.to_canonical(str(_repeated(tmp_path)), on_error="drop")


def test_a_path_takes_format(tmp_path: Path) -> None:
    p = tmp_path / "track.txt"  # a name that tells no format
    p.write_text("traj_id,t,lat,lon\n" + "".join(f"a,{1_700_000_000 + 10 * k},41.15,{-8.61 + k * 1e-4}\n"
                                                   for k in range(4)))  # fmt: skip
    assert trajlm.to_canonical(str(p), format="csv", split_gaps=True).height == 4
    with pytest.raises(TrajlmInputError, match="unknown format 'cvs'"):
        trajlm.to_canonical(str(p), format="cvs")


def test_a_receivers_repeat_within_its_rounding_still_passes(tmp_path: Path) -> None:
    p = tmp_path / "rep.csv"  # the same report twice, 5e-5 deg apart (two receivers' rounding)
    p.write_text("vehicle_id,time,lat,lon\n" + "".join(f"{v},{t},{la},-95.37\n" for v, t, la in ROWS[:2])
                 + "A,2026-11-02T13:00:10Z,29.76105,-95.37\n"
                 + "".join(f"{v},{t},{la},-95.37\n" for v, t, la in ROWS[3:]))  # fmt: skip
    small = trajlm.TrajLM.from_pretrained("trajlm-small")
    with pytest.warns(UserWarning, match=r"1 row\(s\) repeat an earlier row"):
        assert small.predict(str(p)).height == 5  # dropped as the model calls drop them
