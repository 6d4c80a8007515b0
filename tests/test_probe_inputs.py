"""Regressions from the adversarial input probe (scripts/probe_inputs.py,
docs/robustness-probe.md): valid-but-unusual files read, bad ones one line naming what to do."""

from __future__ import annotations

import gzip

import polars as pl
import pytest
from reliability_helpers import fails, invoke, said

from trajlm.data.readers import read

T0 = 1_700_000_000 - 12 * 3600  # 2023-11-14 10:13 UTC


def _rows(sep: str = ",", n: int = 12, dt: int = 15, t=lambda t: t) -> str:
    head = sep.join(["traj_id", "t", "lat", "lon"])
    lines = [sep.join(["a", str(t(T0 + i * dt)), f"{41.15 + i * 1e-4}", f"{-8.61 + i * 1e-4}"])
             for i in range(n)]  # fmt: skip
    return head + "\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize(("line", "sep"), [("a;b;c", ";"), ("a\tb", "\t"), ("a|b", "|"),
                                           ("a,b;c", None), ("abc", None), ("a;b\tc", None),
                                           ('"x;y",z', None), ("\ufeffa;b\r\n", ";")])  # fmt: skip
def test_sniff_sep(line, sep):
    from trajlm.data.readers import sniff_sep

    assert sniff_sep(line) == sep


@pytest.mark.parametrize(("name", "sep"), [("semi.csv", ";"), ("tab.tsv", "\t"), ("tab.csv", "\t")])
def test_semicolon_and_tab_files_are_read_like_commas(tmp_path, name, sep):
    (tmp_path / "c.csv").write_text(_rows())
    (tmp_path / name).write_text(_rows(sep))
    want, _ = read(tmp_path / "c.csv")
    got, _ = read(tmp_path / name)
    assert got.drop("traj_id").equals(want.drop("traj_id"))
    r = invoke("data", "ingest", tmp_path / name, "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output
    assert "sep <- ';'" in said(r) if sep == ";" else "sep <- '\\t'" in said(r)


def test_semicolon_csv_as_model_input(tmp_path):
    from trajlm._cli_points import read_points

    (tmp_path / "semi.csv").write_text(_rows(";"))
    df = read_points(tmp_path / "semi.csv", "--input")
    assert df.columns[:4] == ["traj_id", "t", "lat", "lon"] and len(df) == 12


def test_decimal_commas_are_read(tmp_path):  # session 14 (formats): read, no longer refused
    text = _rows(";").replace("41.15", "41,15").replace("-8.61", "-8,61")
    (tmp_path / "d.csv").write_text(text)
    (tmp_path / "p.csv").write_text(_rows(";"))
    assert read(tmp_path / "d.csv")[0].equals(read(tmp_path / "p.csv")[0])


def test_gzip_csv_is_read(tmp_path):
    (tmp_path / "c.csv").write_text(_rows())
    (tmp_path / "c.csv.gz").write_bytes(gzip.compress(_rows().encode()))
    want, _ = read(tmp_path / "c.csv")
    got, _ = read(tmp_path / "c.csv.gz")
    assert got.drop("traj_id").equals(want.drop("traj_id"))
    r = invoke("data", "ingest", tmp_path / "c.csv.gz", "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output


def test_cut_gzip_is_one_line(tmp_path):
    whole = gzip.compress(_rows(n=2000).encode())
    (tmp_path / "cut.csv.gz").write_bytes(whole[: len(whole) // 2])
    fails("data", "ingest", tmp_path / "cut.csv.gz", "--out", tmp_path / "st",
          names=("cut.csv.gz", "not a readable gzip file"))  # fmt: skip


def test_gzip_of_something_else_is_not_guessed(tmp_path):
    (tmp_path / "x.bin.gz").write_bytes(gzip.compress(b"abc"))
    fails("data", "ingest", tmp_path / "x.bin.gz", "--out", tmp_path / "st",
          names=("cannot tell the format", "--format"))  # fmt: skip


def test_milliseconds_are_named(tmp_path):
    # session 19 (formats19): a column of epoch ms only is read as ms by the values' size and
    # said; one ms value among seconds is still named with the option
    (tmp_path / "ms.csv").write_text(_rows(t=lambda t: t * 1000))
    r = invoke("data", "ingest", tmp_path / "ms.csv", "--out", tmp_path / "st")
    assert r.exit_code == 0 and "Unix milliseconds by the values' size" in r.output, r.output
    (tmp_path / "mixed.csv").write_text(_rows(t=lambda t: t * 1000 if t > T0 + 100 else t))
    fails("data", "ingest", tmp_path / "mixed.csv", "--out", tmp_path / "st2",
          names=("field t", "--time-format unix_ms"))  # fmt: skip
    r = invoke("data", "ingest", tmp_path / "mixed.csv", "--out", tmp_path / "st3", "--on-error",
               "skip")  # fmt: skip
    assert r.exit_code == 0 and "timestamp_in_future" in r.output, r.output


def test_everything_dropped_says_which_option_to_change(tmp_path):
    # session 19: daily fixes are kept whole (the gap rule follows a sparse track's median
    # interval); fixes of one point per trajectory are still all dropped, and said
    (tmp_path / "daily.csv").write_text(_rows(dt=86_400))
    r = invoke("data", "ingest", tmp_path / "daily.csv", "--out", tmp_path / "st")
    assert r.exit_code == 0 and "12 points" in r.output, r.output
    single = "traj_id,t,lat,lon\n" + "".join(f"p{i},{T0 + i},41.1,-8.6\n" for i in range(5))
    (tmp_path / "single.csv").write_text(single)
    fails("data", "ingest", tmp_path / "single.csv", "--out", tmp_path / "st1",
          names=("short_trajectory", "gaps > 1800 s", "--max-gap-s", "--min-points"))  # fmt: skip
    r = invoke("data", "ingest", tmp_path / "single.csv", "--out", tmp_path / "st1",
               "--min-points", "1")  # fmt: skip
    assert r.exit_code == 0, r.output
    (tmp_path / "elapsed.csv").write_text(_rows(t=lambda t: t - T0))
    fails("data", "ingest", tmp_path / "elapsed.csv", "--out", tmp_path / "st2",
          "--on-error", "skip", names=("timestamp_before_1990", "elapsed times"))  # fmt: skip


def test_geojson_points_say_how_to_read_them(tmp_path):
    feat = ('{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-8.61, 41.15]}, '
            '"properties": {"time": "2023-11-14T10:00:00Z"}}')  # fmt: skip
    (tmp_path / "p.geojson").write_text('{"type": "FeatureCollection", "features": [' + feat + "]}")
    # Point collections are point tables now (session 11, ux4): without a trajectory property
    # the whole file is one line naming the properties and the options that map them
    fails("data", "ingest", tmp_path / "p.geojson", "--out", tmp_path / "st",
          names=("GeoJSON Point features", "no property names the trajectory", "['time']",
                 "--traj-col / --time-col"))  # fmt: skip


def test_read_keeps_polars_types(tmp_path):
    (tmp_path / "semi.csv").write_text(_rows(";"))
    df, _ = read(tmp_path / "semi.csv")
    assert df.schema["t"] == pl.Int64 and df.schema["lat"] == pl.Float64


# --- the antimeridian: a trip from 179.99 E to 179.99 W is 2 km, not 360 degrees ---------------

AM_LON = [((179.95 + 0.005 * i + 180.0) % 360.0) - 180.0 for i in range(20)]  # 10 east, 10 west


def _am_frame():
    import pandas as pd

    return pd.DataFrame({"traj_id": "x", "t": [T0 + 60 * i for i in range(20)], "lat": -17.0,
                         "lon": AM_LON})  # fmt: skip


def test_projection_centre_straddling_the_antimeridian_is_not_the_far_side():
    import numpy as np

    from trajlm.data.features import LocalProjection, median_lon

    proj = LocalProjection.fit(pl.DataFrame({"lat": [-17.0] * 20, "lon": AM_LON}))
    assert abs(abs(proj.lon0) - 180.0) < 0.1, proj
    x, _ = proj.forward(np.full(20, -17.0), np.array(AM_LON))
    assert np.abs(np.diff(x)).max() < 600.0  # 0.005 deg = 532 m steps, no 40,000 km jump
    plain = [10.0, 10.5, 11.0, -8.6]  # not straddling: the plain median, bit for bit
    assert median_lon(pl.Series(plain)) == pl.Series(plain).median()
    assert median_lon(np.array(plain)) == float(np.median(plain))


def test_linear_interpolation_across_the_antimeridian():
    import numpy as np

    from trajlm.baselines import LinearInterpolation

    gappy = _am_frame()
    gappy.loc[8:11, ["lat", "lon"]] = np.nan
    out = LinearInterpolation().predict(gappy)
    err = (out.lon.to_numpy() - np.array(AM_LON) + 180.0) % 360.0 - 180.0
    assert np.abs(err).max() < 1e-6, out.lon.tolist()


def test_validity_sees_no_teleport_at_the_antimeridian():
    import trajlm

    checks = trajlm.check_validity(_am_frame(), mode="car")
    assert set(checks.reason_code) == {"ok"}


# --- Python API: valid-but-unusual frames, and one clear error for the rest ---------------------


def test_unix_seconds_as_text_are_times():
    from trajlm.data.coerce import coerce

    df = pl.DataFrame({"traj_id": ["a"] * 3, "t": [str(T0), str(T0 + 15), f"{T0 + 30}.5"],
                       "lat": [41.15, 41.151, 41.152], "lon": [-8.61, -8.609, -8.608]})  # fmt: skip
    out = coerce(df)[0]
    assert out["t"].to_list() == [T0, T0 + 15, T0 + 30]
    with pytest.raises(ValueError, match="milliseconds"):
        coerce(df.with_columns(pl.lit(str(T0 * 1000)).alias("t")))


@pytest.mark.parametrize("when", ["02/12/2026 10:05", "2/3/26"])
def test_day_month_order_is_never_guessed(when):
    from trajlm.data.coerce import coerce
    from trajlm.errors import TrajlmInputError

    df = pl.DataFrame({"traj_id": ["a"], "t": [when], "lat": [41.15], "lon": [-8.61]})
    with pytest.raises(TrajlmInputError, match="day/month order"):
        coerce(df)


def test_dotted_dates_are_day_first_as_ingest_reads_them():
    """heldout25: dots are day-first in every locale that writes them (de, ru, fi, cs ...), as
    ingest reads files (readers/_times.py); the API refused them as a guess."""
    from trajlm.data.coerce import coerce

    df = pl.DataFrame({"traj_id": ["a"], "t": ["02.12.2026 10:05"], "lat": [41.15], "lon": [-8.61]})
    assert coerce(df)[0]["t"].to_list() == [1_796_205_900]  # 2 December 2026 10:05 UTC


def test_iso_strings_still_parse():
    from trajlm.data.coerce import coerce

    df = pl.DataFrame({"traj_id": ["a", "a"], "t": ["2023-11-14T10:13:20Z", "2023-11-14T10:13:35Z"],
                       "lat": [41.15, 41.151], "lon": [-8.61, -8.609]})  # fmt: skip
    assert coerce(df)[0]["t"].to_list() == [T0, T0 + 15]


def test_empty_at_times_is_named():
    from trajlm.api_inputs import utc_seconds

    with pytest.raises(ValueError, match="at_times is empty"):
        utc_seconds([], "at_times")


SMALL = "trajlm/checkpoints/trajlm-small/model.safetensors"


@pytest.mark.skipif(
    not __import__("pathlib").Path(SMALL).is_file(), reason="trajlm-small not built"
)
def test_too_many_steps_is_one_line(tmp_path):
    (tmp_path / "p.csv").write_text(_rows())
    fails("predict", "--model", "trajlm-small", "--input", tmp_path / "p.csv", "--out",
          tmp_path / "o.csv", "--steps", "10000", names=("steps=10000", "at most 62"))  # fmt: skip


@pytest.mark.skipif(
    not __import__("pathlib").Path(SMALL).is_file(), reason="trajlm-small not built"
)
def test_eval_with_a_model_that_cannot_do_the_task_is_refused(tmp_path):
    import json

    (tmp_path / "p.csv").write_text(
        _rows(n=30) + _rows(n=30).replace("\na,", "\nb,").split("\n", 1)[1]
    )
    assert invoke("data", "ingest", tmp_path / "p.csv", "--out", tmp_path / "st").exit_code == 0
    fails("eval", "--task", "tte", "--model", "trajlm-small", "--data", tmp_path / "st",
          names=("--model trajlm-small", "no infilling heads", "estimate travel times"))  # fmt: skip
    # recover: scored through the bridge of its forward rollouts (as TrajLM.recover), row so named
    r = invoke("eval", "--task", "recover", "--model", "trajlm-small", "--data", tmp_path / "st",
               "--out", tmp_path / "e.json")  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = json.loads((tmp_path / "e.json").read_text())["results"]
    bridge = [x for x in rows if x["method"] == "trajlm:trajlm-small (bridge)"]
    assert bridge and {x["setting"] for x in bridge} == {x["setting"] for x in rows}
    assert "linear interp." in {x["method"] for x in rows}  # beside the interpolation baselines
    assert all(x["metrics"]["mae_m"] >= 0 for x in bridge)


@pytest.mark.skipif(
    not __import__("pathlib").Path(SMALL).is_file(), reason="trajlm-small not built"
)
def test_eval_recovers_through_the_same_bridge_as_the_api():
    import numpy as np

    from trajlm import TrajLM
    from trajlm.tasks.adapter import task_model

    lm = TrajLM.from_pretrained("trajlm-small")
    i = np.arange(40)
    df = pl.DataFrame({"traj_id": "a", "t": T0 + 15 * i,
                       "lat": 41.15 + 1e-3 * np.sin(i / 6), "lon": -8.61 + 1e-3 * i})  # fmt: skip
    known = (i % 3 == 0) | (i == 39)
    holed = df.with_columns(lat=pl.when(pl.Series(known)).then(pl.col("lat")))
    want = lm.recover(holed).select("lat", "lon").to_numpy()
    task = __import__("types").SimpleNamespace(
        groups=np.zeros(40, int), t=df["t"].to_numpy(), known=known,
        latlon=np.where(known[:, None], df.select("lat", "lon").to_numpy(), 0.0),
    )  # fmt: skip
    got = task_model(lm.model, name="x", bridge=True).recover(task)
    assert np.allclose(got, want, atol=1e-9)
    assert not hasattr(task_model(lm.model, name="x"), "recover")  # predict only without bridge


def test_data_all_around_the_globe_keep_the_plain_median():
    import numpy as np

    from trajlm.data.features import median_lon

    everywhere = np.linspace(-179.0, 179.0, 41)  # icebergs around Antarctica: no seam-free centre
    assert median_lon(everywhere) == float(np.median(everywhere))
    assert median_lon(np.array([170.0, 175.0, -175.0])) == 175.0
    assert median_lon(np.array([-170.0, -175.0, 175.0])) == -175.0


def test_at_times_as_numpy_datetime64_of_any_unit():
    import numpy as np

    from trajlm.api_inputs import utc_seconds

    for unit in ("s", "ms", "ns", "m"):
        got = utc_seconds(
            np.array([np.datetime64(T0 + 40, "s")]).astype(f"datetime64[{unit}]"), "x"
        )
        assert got.tolist() == [float(T0 + 40)]  # a whole minute


def test_unknown_crs_is_one_line():
    pytest.importorskip("pyproj")
    from trajlm.data.coerce import coerce
    from trajlm.errors import TrajlmInputError

    df = pl.DataFrame({"traj_id": ["a", "a"], "t": [T0, T0 + 15], "lat": [4555000.0, 4555010.0],
                       "lon": [532000.0, 532010.0]})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="EPSG:999999.*pyproj does not know"):
        coerce(df, crs="EPSG:999999")
    assert coerce(df, crs="EPSG:32629")[0]["lat"][0] == pytest.approx(41.15, abs=0.01)


def _utm_csv(path):
    pyproj = pytest.importorskip("pyproj")
    tr = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32629", always_xy=True)
    rows = ["trip,unix_s,easting,northing"]
    for i in range(12):
        x, y = tr.transform(-8.61 + i * 1e-4, 41.15 + i * 1e-4)
        rows.append(f"a,{T0 + 15 * i},{x:.2f},{y:.2f}")
    path.write_text("\n".join(rows) + "\n")
    return path


UTM_COLS = ("--traj-col", "trip", "--time-col", "unix_s", "--lat-col", "northing",
            "--lon-col", "easting")  # fmt: skip


def test_ingest_projected_csv_with_crs(tmp_path):
    f = _utm_csv(tmp_path / "utm.csv")
    fails("data", "ingest", f, "--out", tmp_path / "st", *UTM_COLS,
          names=("look projected", "--crs"))  # fmt: skip
    r = invoke("data", "ingest", f, "--out", tmp_path / "st", *UTM_COLS, "--crs", "EPSG:32629")
    assert r.exit_code == 0, r.output
    pts = pl.read_parquet(tmp_path / "st" / "points" / "*" / "*.parquet")
    assert pts["lat"].min() == pytest.approx(41.15, abs=1e-6)
    fails("data", "ingest", f, "--out", tmp_path / "st2", *UTM_COLS, "--crs", "EPSG:999999",
          names=("EPSG:999999", "pyproj does not know"))  # fmt: skip


@pytest.mark.skipif(
    not __import__("pathlib").Path(SMALL).is_file(), reason="trajlm-small not built"
)
def test_predict_projected_csv_with_crs(tmp_path):
    f = _utm_csv(tmp_path / "utm.csv")
    fails("predict", "--model", "trajlm-small", "--input", f, "--out", tmp_path / "p.csv",
          *UTM_COLS, names=("not a latitude", "--crs"))  # fmt: skip
    r = invoke("predict", "--model", "trajlm-small", "--input", f, "--out", tmp_path / "p.csv",
               *UTM_COLS, "--crs", "EPSG:32629")  # fmt: skip
    assert r.exit_code == 0, r.output
    pred = pl.read_csv(tmp_path / "p.csv")  # session 27: the CRS back, as `recover --crs`
    north = pl.read_csv(f)["northing"]
    assert pred["northing"].mean() == pytest.approx(north.mean(), abs=1_000)


def test_a_column_name_given_twice_is_one_line(tmp_path):
    from trajlm._cli_points import read_points
    from trajlm.errors import TrajlmInputError

    f = tmp_path / "dup.csv"
    f.write_text(
        "traj_id,t,lat,lon,lat\n"
        + "\n".join(ln + ",41.1" for ln in _rows().splitlines()[1:])
        + "\n"
    )
    fails(
        "data",
        "ingest",
        f,
        "--out",
        tmp_path / "st",
        names=("dup.csv line 1", "['lat']", "more than once"),
    )
    with pytest.raises(TrajlmInputError, match="more than once"):
        read_points(f, "--input")


def test_spaces_after_the_separator_in_model_input(tmp_path):
    from trajlm._cli_points import read_points

    f = tmp_path / "sp.csv"
    f.write_text(_rows().replace(",", ", "))
    df = read_points(f, "--input")
    assert df["lat"][0] == pytest.approx(41.15) and len(df) == 12
