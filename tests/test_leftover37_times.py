"""leftover37 item 2: ``trajlm predict --tz ZONE --at-times 2026-06-03T10:35`` refused the
zone-less time ("is not a time: give ISO 8601 with a zone") instead of reading it on the clock
the user named, as ``TrajLM.predict(at_times=, tz=)`` reads it (leftover35). Now read on
--tz / --utc-offset, said in one note; without either, refused naming them."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from helpers import tiny_model
from reliability_helpers import invoke

from trajlm._safety import UserError

ZURICH_1035 = 1780475700  # 2026-06-03T10:35:00+02:00


def test_zoneless_items_are_read_on_the_named_clock() -> None:
    from trajlm._cli_times import at_times_clock, parse_at_times  # (the clock: new here)

    clock = at_times_clock("Europe/Zurich", None)
    assert parse_at_times("2026-06-03T10:35:00", clock) == [ZURICH_1035]
    # times with their zone and Unix numbers are not moved
    assert parse_at_times("2026-06-03T08:35:00Z,1780475700", clock) == [ZURICH_1035] * 2
    assert parse_at_times("2026-06-03T10:35:00", at_times_clock(None, 7200)) == [ZURICH_1035]
    # winter: +01:00 (daylight saving read from the zone, not a fixed offset)
    assert parse_at_times("2026-01-03T10:35:00", clock) == [1767432900]
    # the repeated hour of a fall-back: its first instant (as the API's asked_in_zone)
    assert parse_at_times("2026-10-25T02:30:00", clock) == [1792888200]


def test_without_a_clock_or_on_a_skipped_hour_refused_in_one_line() -> None:
    from trajlm._cli_times import at_times_clock, parse_at_times

    with pytest.raises(UserError, match="has no zone.*--tz ZONE / --utc-offset H"):
        parse_at_times("2026-06-03T10:35:00")
    with pytest.raises(UserError, match="does not exist on the --tz Europe/Zurich clock"):
        parse_at_times("2026-03-29T02:30:00", at_times_clock("Europe/Zurich", None))
    with pytest.raises(UserError, match="--tz Mars/Base: unknown time zone"):
        at_times_clock("Mars/Base", None)
    with pytest.raises(UserError, match="--tz and --utc-offset: give one"):
        at_times_clock("Europe/Zurich", 7200)


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("attimes")
    rows = [{"vehicle": f"v{v}", "time": f"2026-06-03 10:{i:02d}:00",
             "lat": 41.15 + 0.0005 * i + 0.01 * v, "lon": -8.61 + 0.0004 * i}
            for v in range(2) for i in range(30)]  # fmt: skip
    pl.DataFrame(rows).write_csv(d / "naive.csv")
    return {"dir": d, "model": tiny_model(d / "model")}


def _predict(setup: dict, out: Path, *extra: str):
    return invoke("predict", "--model", setup["model"], "--input", setup["dir"] / "naive.csv",
                  "--out", out, *extra)  # fmt: skip


def test_predict_tz_reads_a_naive_at_times_on_that_clock(setup, tmp_path: Path) -> None:
    r = _predict(setup, tmp_path / "naive.csv", "--tz", "Europe/Zurich", "--at-times",
                 "2026-06-03T10:35:00")  # fmt: skip
    assert r.exit_code == 0, r.output  # was: exit 2, "is not a time"
    assert ("no zone, read on the --tz Europe/Zurich clock (2026-06-03T10:35:00 is "
            "2026-06-03T08:35:00Z)") in r.output  # fmt: skip
    zoned = _predict(setup, tmp_path / "zoned.csv", "--tz", "Europe/Zurich", "--at-times",
                     "2026-06-03T10:35:00+02:00")  # fmt: skip
    assert zoned.exit_code == 0, zoned.output
    assert "no zone" not in zoned.output
    a, b = pl.read_csv(tmp_path / "naive.csv"), pl.read_csv(tmp_path / "zoned.csv")
    assert a["t"].to_list() == [ZURICH_1035] * 2
    assert a.equals(b)


def test_predict_without_tz_still_refuses_a_naive_time(setup, tmp_path: Path) -> None:
    r = _predict(setup, tmp_path / "o.csv", "--at-times", "2026-06-03T10:35:00")
    assert r.exit_code == 2
    assert "has no zone" in r.output and "--tz ZONE" in r.output
    assert not (tmp_path / "o.csv").exists()


def test_a_store_input_reads_them_on_its_own_clock(setup, tmp_path: Path) -> None:
    """--tz on --input STORE is refused (its times are Unix seconds already), so a zone-less
    --at-times was a dead end there: read on the clock the store keeps (--tz at ingest), as
    TrajLM.predict(STORE, at_times=) now reads it too; a store without one: refused, said."""
    from trajlm.api import TrajLM

    csv = setup["dir"] / "naive.csv"
    for name, extra in (("zurich", ("--tz", "Europe/Zurich")), ("utc", ())):
        r = invoke("data", "ingest", csv, "--out", tmp_path / name, *extra)
        assert r.exit_code == 0, r.output
    out = tmp_path / "z.csv"
    r = invoke("predict", "--model", setup["model"], "--input", tmp_path / "zurich", "--split",
               "all", "--at-times", "2026-06-03T10:35:00", "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output  # was: "is not a time", and --tz refused for a store
    assert "read on the store's Europe/Zurich clock" in r.output
    assert set(pl.read_csv(out)["t"]) == {ZURICH_1035}
    r = invoke("predict", "--model", setup["model"], "--input", tmp_path / "utc", "--split",
               "all", "--at-times", "2026-06-03T10:35:00", "--out", tmp_path / "u.csv")  # fmt: skip
    assert r.exit_code == 2 and "the store keeps no local clock" in r.output
    assert "--tz ZONE" not in r.output  # (a store refuses --tz)
    lm = TrajLM.from_pretrained(setup["model"])
    api = lm.predict(str(tmp_path / "zurich"), at_times=["2026-06-03T10:35:00"])
    assert set(api["t"].to_list()) == {ZURICH_1035}  # was 10:35 UTC
