"""leftover36 (docs/api.md "Session 36 (leftover36)"): one rule for a store's clock. A fixed
offset no IANA zone keeps all year (-3.5, +10.5) is a valid clock (eval's and resplit's local
hours, the travel-time clock read it); zones are named canonically (Asia/Kolkata); `--tz` on a
UTC source keeps the zone as the store's clock without moving the times; a caller's own
`tz='Etc/GMT-2'` is said back as given."""

from __future__ import annotations

import json

import polars as pl
import pytest
from helpers import invoke_cli

from trajlm.data.store import store_zone
from trajlm.errors import TrajlmInputError

T0 = 1_793_624_400  # 2026-11-02T13:00:00Z


def _csv(tmp_path, times: str = "unix"):
    """40 trips an hour apart (their starts cover the day), 30 fixes each, 30 s apart."""
    rows = []
    for k in range(40):
        for i in range(30):
            t = T0 + 3600 * k + 30 * i
            rows.append((f"trip{k}", t, 34.05 + 0.0003 * i + 0.01 * (k % 5), -118.25))
    df = pl.DataFrame(rows, schema=["trip_id", "t", "lat", "lon"], orient="row")
    if times == "naive":
        df = df.with_columns(pl.from_epoch("t", time_unit="s").dt.strftime("%Y-%m-%d %H:%M:%S"))
    path = tmp_path / f"{times}.csv"
    df.write_csv(path)
    return path


@pytest.mark.parametrize("offset, zone", [("-3.5", "-03:30"), ("10.5", "+10:30")])
def test_a_fixed_offset_no_zone_keeps_gives_local_hours(tmp_path, offset, zone) -> None:
    s, h = tmp_path / "s", tmp_path / "h"
    r = invoke_cli(["data", "ingest", _csv(tmp_path, "naive"), "--out", s, "--utc-offset", offset])
    assert r.exit_code == 0, r.output[-800:]
    assert store_zone(s) == zone
    r = invoke_cli(["data", "resplit", s, "--by", "hour", "--out", h])
    assert r.exit_code == 0, r.output[-800:]
    assert f"in {zone}, the store's zone, they start at" in r.output, r.output[-1200:]
    r = invoke_cli(["eval", "--task", "predict", "--data", s, "--holdout-by", "hour",
                    "--seeds", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    assert "local start hours" in r.output and f"in {zone}" in r.output


def test_the_travel_time_clock_reads_a_fixed_offset() -> None:
    from trajlm.eval.tte_baselines import check_clock, local_clock

    assert check_clock("-03:30") == "-03:30"
    od = pl.DataFrame({"t_start": [T0 - 13 * 3600]})  # 2026-11-02 00:00 UTC, a Monday
    got = local_clock(od, "-03:30")
    assert got["hour"].to_list() == [20] and got["dow"].to_list() == [6]  # Sunday 20:30
    with pytest.raises(TrajlmInputError, match="not a time zone name"):
        check_clock("+03:3O")


def test_a_store_zone_is_named_canonically(tmp_path) -> None:
    from trajlm.data.local_clock import zones_at

    assert "Asia/Calcutta" not in zones_at(19800)[:2] and "Asia/Kolkata" in zones_at(19800)
    assert zones_at(20700)[0] == "Asia/Kathmandu"  # not its link Asia/Katmandu
    s = tmp_path / "s"
    r = invoke_cli(["data", "ingest", _csv(tmp_path, "naive"), "--out", s, "--utc-offset", "5.5"])
    assert r.exit_code == 0, r.output[-800:]
    assert store_zone(s) in ("Asia/Colombo", "Asia/Kolkata")


def test_tz_on_a_utc_source_keeps_the_clock_not_the_times(tmp_path) -> None:
    """newuser35: MDS trips in Los Angeles carry Unix ms; `--tz` keeps the city's clock for
    ask / eval / travel-time and leaves the instants as they are, and says so."""
    s = tmp_path / "s"
    r = invoke_cli(["data", "ingest", _csv(tmp_path), "--out", s, "--tz", "America/Los_Angeles"])
    assert r.exit_code == 0, r.output[-800:]
    assert "--tz America/Los_Angeles did not move them" in r.output
    assert store_zone(s) == "America/Los_Angeles"
    manifest = json.loads((s / "manifest.json").read_text())
    assert manifest["time_span"]["start_unix"] == T0
    assert manifest["reading"]["local_time"]["times_kept"] is True
    n = tmp_path / "n"  # naive local times are moved, and not said so
    r = invoke_cli(["data", "ingest", _csv(tmp_path, "naive"), "--out", n, "--tz",
                    "America/Los_Angeles"])  # fmt: skip
    assert r.exit_code == 0 and "did not move" not in r.output
    assert json.loads((n / "manifest.json").read_text())["time_span"]["start_unix"] == T0 + 8 * 3600


@pytest.mark.parametrize("kw, said", [({"tz": "Etc/GMT-2"}, "tz='Etc/GMT-2'"),
                                      ({"utc_offset": 2}, "utc_offset=2")])  # fmt: skip
def test_a_refusal_names_the_zone_as_the_caller_gave_it(kw, said) -> None:
    from trajlm.data.coerce import to_canonical

    df = pl.DataFrame({"traj_id": ["a"] * 3, "t": [1742284800, 1742284815, 1742284830],
                       "lat": [41.1, 41.1001, 41.1002], "lon": [-8.6] * 3})  # fmt: skip
    # Unix times with a zone: kept as the frame's clock, said (fix36; was a refusal)
    with pytest.warns(UserWarning, match=rf"so {said} did not move them") as w:
        to_canonical(df, **kw)
    said_back = " ".join(str(x.message) for x in w)
    assert ("utc_offset" in said_back) == ("utc_offset" in kw)
