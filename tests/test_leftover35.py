"""Session 35 (leftover35): sessions 33-34's input-path leftovers (docs/data.md "Session 35
(leftover35)"): asked times on a zoned frame, ``utc_offset=`` beside ``tz=``, converted files'
id names, by-hour hold-outs said in UTC."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from trajlm.data.schema import TrajlmInputError


@pytest.fixture(scope="module")
def model():
    from helpers import tiny_infill_trajlm

    return tiny_infill_trajlm()


def _frame(zone: str | None):
    """12 fixes from 08:00 UTC (09:00 in Berlin): aware in ``zone``, or naive Berlin wall time."""
    import pandas as pd

    t0 = pd.Timestamp("2025-03-18 08:00", tz="UTC")
    t = [t0 + pd.Timedelta(seconds=15 * i) for i in range(12)]
    df = pd.DataFrame({"traj_id": "a", "t": t, "lat": [41.15 + 1e-4 * i for i in range(12)],
                       "lon": [-8.61 + 1e-4 * i for i in range(12)]})  # fmt: skip
    berlin = df["t"].dt.tz_convert("Europe/Berlin")
    df["t"] = berlin.dt.tz_localize(None) if zone is None else df["t"].dt.tz_convert(zone)
    return df


def _first_t(result) -> int:
    return int(result["t"].iloc[0].timestamp())


UTC_0903 = int(dt.datetime(2025, 3, 18, 8, 3, 30, tzinfo=dt.UTC).timestamp())


# --- 1. zone-less asked times: refused on an aware frame, read on the clock tz= names ---------


@pytest.mark.parametrize("asked", ["2025-03-18T09:03:30", dt.datetime(2025, 3, 18, 9, 3, 30)])
def test_zoneless_at_times_on_an_aware_frame_are_refused_alike(model, asked) -> None:
    """Naive datetimes were refused there; the same time as ISO text was read as UTC (an hour
    off in Berlin, only noted). Both are now refused in one line naming the frame's zone."""
    with pytest.raises(TrajlmInputError, match=r"are in Europe/Berlin: which clock"):
        model.predict(_frame("Europe/Berlin"), at_times=[asked])


@pytest.mark.parametrize("asked", ["2025-03-18T09:03:30", dt.datetime(2025, 3, 18, 9, 3, 30)])
def test_zoneless_at_times_read_on_the_clock_tz_names(model, asked) -> None:
    """A naive frame read with tz='Europe/Berlin': 09:03:30 asked is 09:03:30 in Berlin (naive
    datetimes were refused, text read as UTC: 10:03:30 Berlin)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to note: the caller named the clock
        out = model.predict(_frame(None), at_times=[asked], tz="Europe/Berlin")
    assert _first_t(out) == UTC_0903


def test_aware_at_times_unchanged(model) -> None:
    out = model.predict(_frame("Europe/Berlin"), at_times=["2025-03-18T09:03:30+01:00"])
    assert _first_t(out) == UTC_0903


# --- 2. utc_offset=: the twin of ingest's --utc-offset wherever tz= is taken ----------------


def test_utc_offset_reads_naive_times_like_tz(model) -> None:
    naive = _frame(None)
    by_zone = model.predict(naive, tz="Etc/GMT-1")
    by_offset = model.predict(naive, utc_offset=1, at_times=None)
    assert list(by_offset["t"]) == list(by_zone["t"])
    asked = model.predict(naive, utc_offset=1, at_times=["2025-03-18T09:03:30"])
    assert _first_t(asked) == UTC_0903


def test_utc_offset_in_to_canonical_and_clean() -> None:
    import trajlm
    from trajlm.data.coerce import to_canonical

    t = to_canonical(_frame(None), utc_offset=1)
    assert int(t["t"][0]) == UTC_0903 - 210  # 09:00 at +1 is 08:00 UTC
    cleaned = trajlm.clean(_frame(None), utc_offset=1)
    assert cleaned is not None


@pytest.mark.parametrize(
    "value, said",
    [(5.5, r"not a whole number of hours.*Asia/(Calcutta|Colombo|Kolkata)"),
     ("2", r"not a number of hours"), (float("nan"), "not a number of hours"),
     (15, "not a number of hours")],
)  # fmt: skip
def test_utc_offset_refusals(value, said) -> None:
    from trajlm.data.coerce import to_canonical

    with pytest.raises(TrajlmInputError, match=said):
        to_canonical(_frame(None), utc_offset=value)


def test_utc_offset_with_tz_refused() -> None:
    from trajlm.data.coerce import to_canonical

    with pytest.raises(TrajlmInputError, match="not both"):
        to_canonical(_frame(None), utc_offset=1, tz="Europe/Berlin")


def test_utc_offset_on_a_file_takes_fractions(tmp_path) -> None:
    """A path is read as `trajlm data ingest --utc-offset 5.5` reads it."""
    from trajlm.data.coerce import to_canonical

    p = tmp_path / "trip.csv"
    rows = [f"a,2025-03-18 09:{m:02d}:00,41.1{m:02d},-8.61" for m in range(10)]
    p.write_text("traj_id,time,lat,lon\n" + "\n".join(rows) + "\n")
    t = to_canonical(str(p), utc_offset=5.5)
    utc = dt.datetime(2025, 3, 18, 9, 0, tzinfo=dt.UTC).timestamp() - 5.5 * 3600
    assert int(t["t"].min()) == int(utc)


def test_unknown_keyword_names_utc_offset() -> None:
    from trajlm._arguments import COLUMN_KEYWORDS

    assert "utc_offset" in COLUMN_KEYWORDS


def test_zoneless_at_times_on_a_utc_frame_read_as_utc(model) -> None:
    """A frame in UTC: naive asked times are on its clock (no guess), naive datetimes too."""
    out = model.predict(_frame("UTC"), at_times=[dt.datetime(2025, 3, 18, 8, 3, 30)])
    assert _first_t(out) == UTC_0903


# --- 3. converted tables answer under the file's own id name; --traj-col reaches them --------


def _gpkg(tmp_path, id_name: str):
    """A GeoPackage point layer: 2 boats x 30 min of 60 s fixes, id column ``id_name``, one
    boat's rows after the other's, so file order goes back in time (an id is needed)."""
    import geopandas as gpd
    import pandas as pd

    rows = []
    for k, boat in enumerate(("HADAG 62", "HADAG 64")):
        for i in range(30):
            rows.append({id_name: boat, "time": pd.Timestamp("2026-08-17 04:00", tz="UTC")
                         + pd.Timedelta(seconds=60 * i), "lat": 53.54 + 0.01 * k + 2e-4 * i,
                         "lon": 9.90 + 3e-4 * i})  # fmt: skip
    df = pd.DataFrame(rows)
    g = gpd.GeoDataFrame(df.drop(columns=["lat", "lon"]),
                         geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326")  # fmt: skip
    path = tmp_path / f"{id_name}.gpkg"
    g.to_file(path, layer="fixes", driver="GPKG")
    return path


def test_converted_table_answers_under_its_own_id_name(tmp_path) -> None:
    """`trajlm predict --input fleet.gpkg` answered `traj_id` where the layer says `vehicle`
    (a CSV's own names were kept: 'named as the input's')."""
    from helpers import predict_small_csv

    got = predict_small_csv(tmp_path, _gpkg(tmp_path, "vehicle"))
    assert got.columns[0] == "vehicle" and "traj_id" not in got.columns, got.columns
    assert set(got["vehicle"]) == {"HADAG 62", "HADAG 64"}


def test_traj_col_reaches_a_converted_table(tmp_path) -> None:
    """MovingPandas' `ferry` is no id name trajlm knows: the refusal names --traj-col 'ferry',
    which `trajlm predict` then ignored for a GeoPackage (read before the options; the Python
    call `TrajLM.predict(path, traj_col='ferry')` took it)."""
    from helpers import invoke_cli

    src, out = _gpkg(tmp_path, "ferry"), tmp_path / "o.csv"
    args = ["predict", "--model", "trajlm-small", "--input", src, "--out", out, "--threads", "1"]
    r = invoke_cli(args)
    assert r.exit_code == 2 and "--traj-col 'ferry'" in r.output, r.output[-800:]
    r = invoke_cli([*args, "--traj-col", "ferry"])
    assert r.exit_code == 0, r.output[-1500:]
    import polars as pl

    got = pl.read_csv(out, infer_schema=False)
    assert got.columns[0] == "ferry" and got["ferry"].n_unique() == 2, got.head()


# --- 4. by-hour hold-outs: UTC hours kept and said; the store's zone kept through resplit ----


def _naive_csv(tmp_path):
    import polars as pl

    rows = []
    for k in range(40):
        t0 = 1_760_000_000 + k * 3 * 3600 + 137 * k
        rows += [(f"v{k}", t0 + 15 * i, 41.15 + 1e-4 * i + 0.01 * (k % 5), -8.61 + 1e-4 * i)
                 for i in range(30)]  # fmt: skip
    df = pl.DataFrame(rows, schema=["trip_id", "t", "lat", "lon"], orient="row")
    df = df.with_columns(time=pl.from_epoch("t", time_unit="s").dt.strftime("%Y-%m-%d %H:%M:%S"))
    path = tmp_path / "naive.csv"
    df.drop("t").write_csv(path)
    return path


@pytest.mark.parametrize("offset, zone", [("2", "+02:00"), ("5.5", "Asia/")])
def test_resplit_keeps_the_store_zone_and_says_local_hours(tmp_path, offset, zone) -> None:
    """`data resplit` wrote a manifest without ingest's `reading`, so the new store's hours
    (`ask`, the travel-time clock, eval's local hours) were UTC unsaid; a --utc-offset 5.5
    store's zone '+05:30' was a Polars traceback in `eval --holdout-by hour` and "unknown time
    zone" in `ask`. hour=H stays UTC hours (existing splits unchanged); the local hours are said."""
    from helpers import invoke_cli

    from trajlm.data.store import store_zone

    s, h = tmp_path / "s", tmp_path / "h"
    r = invoke_cli(["data", "ingest", _naive_csv(tmp_path), "--out", s, "--utc-offset", offset])
    assert r.exit_code == 0, r.output[-800:]
    r = invoke_cli(["data", "resplit", s, "--by", "hour", "--out", h])
    assert r.exit_code == 0, r.output[-800:]
    assert str(store_zone(h)).startswith(zone), store_zone(h)
    assert "trips start at hours (UTC)" in r.output
    assert "the store's zone, they start at" in r.output and "hour=H counts UTC hours" in r.output
    r = invoke_cli(["eval", "--task", "predict", "--data", s, "--holdout-by", "hour",
                    "--seeds", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    assert "local start hours" in r.output


def test_travel_time_baselines_read_hours_at_utc_offset() -> None:
    """The travel-time baselines' hour / weekday clock follows utc_offset= as it follows tz=."""
    from trajlm.eval.tte_baselines import zone_of

    assert zone_of(object(), {"utc_offset": 5.5}) == 5.5 * 3600
    assert zone_of(object(), {"tz": "Europe/Berlin"}) == "Europe/Berlin"


def test_utc_offset_on_unix_times_is_named_as_given() -> None:
    import polars as pl

    from trajlm.data.coerce import to_canonical

    df = pl.DataFrame({"traj_id": ["a"] * 3, "t": [1742284800, 1742284815, 1742284830],
                       "lat": [41.1, 41.1001, 41.1002], "lon": [-8.6] * 3})  # fmt: skip
    with pytest.warns(UserWarning, match=r"so utc_offset=2 did not move them"):  # fix36: kept
        assert to_canonical(df, utc_offset=2)["t"].to_list() == df["t"].to_list()


def test_movers_at_the_same_instants_are_told_by_their_column(tmp_path) -> None:
    """Two ferries every 60 s, rows in time order, id column `ferry` (no name trajlm knows): a
    CSV was told (its positions jump between movers), but the same rows in a GeoPackage were
    read as one track named after the file, refused "duplicate timestamp" with trajlm.clean
    advised, which keeps one boat's fix a second (a zigzag between them). Now the line names
    --traj-col 'ferry' there too."""
    import geopandas as gpd
    import pandas as pd

    from trajlm.data.readers import read

    t0 = pd.Timestamp("2026-08-17 04:00", tz="UTC")
    rows = [{"ferry": b, "time": t0 + pd.Timedelta(seconds=60 * i), "lat": 53.54 + 0.01 * k
             + 2e-4 * i, "lon": 9.90 + 3e-4 * i}
            for i in range(30) for k, b in enumerate(("HADAG 62", "HADAG 64"))]  # fmt: skip
    df = pd.DataFrame(rows)
    csv = tmp_path / "ferries.csv"
    df.to_csv(csv, index=False)
    with pytest.raises(TrajlmInputError, match="--traj-col 'ferry'"):
        read(csv, "csv")
    g = gpd.GeoDataFrame(df.drop(columns=["lat", "lon"]),
                         geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326")  # fmt: skip
    g.to_file(tmp_path / "ferries.gpkg", layer="fixes", driver="GPKG")
    from helpers import invoke_cli

    out = tmp_path / "o.csv"
    args = ["predict", "--model", "trajlm-small", "--input", tmp_path / "ferries.gpkg",
            "--out", out, "--threads", "1"]  # fmt: skip
    r = invoke_cli(args)
    assert r.exit_code == 2 and "--traj-col 'ferry'" in r.output, r.output[-600:]
    assert invoke_cli([*args, "--traj-col", "ferry"]).exit_code == 0


def test_a_logger_with_a_few_repeated_times_is_still_one_track(tmp_path) -> None:
    """The guard: one track whose logger wrote a few fixes twice (under a quarter of the
    steps), beside a column of varying values, is read as one track as before."""
    from trajlm.data.readers import read

    lines = ["time,lat,lon,sats"]
    for i in range(40):
        lines.append(f"2026-08-17T04:{i:02d}:00Z,{53.5 + 1e-4 * i},{9.9 + 1e-4 * i},{4 + i % 5}")
        if i % 8 == 0:
            lines.append(f"2026-08-17T04:{i:02d}:00Z,{53.5 + 1e-4 * i},{9.9 + 1e-4 * i},{9}")
    (tmp_path / "log.csv").write_text("\n".join(lines) + "\n")
    df, _ = read(tmp_path / "log.csv", "csv")
    assert df["traj_id"].n_unique() == 1
