"""Fixes of what a new user hit (user-test report items 4, 6, 11, 12; docs/data.md Session 10):
common id columns, null-island fixes, GeoParquet points, unused columns said, file lines in
predict errors, hints that only name options the command has, plain help, unwrapped output."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from reliability_helpers import fails, invoke, said

from trajlm._cli_points import read_points
from trajlm.data.readers import read

T0 = 1_700_000_000


def _csv(path: Path, id_col: str = "traj_id", n: int = 8, extra: str = "") -> Path:
    head = f"{id_col},timestamp,latitude,longitude" + (",speed" if extra else "")
    rows = [f"V{k},{T0 + 15 * i},{41.15 + 1e-4 * i + k * 1e-3},{-8.61 + 1e-4 * i}"
            + (f",{extra}" if extra else "") for k in range(2) for i in range(n)]  # fmt: skip
    path.write_text(head + "\n" + "\n".join(rows) + "\n")
    return path


def _model(path: Path) -> Path:
    import torch
    from helpers import STATS

    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS)
    TrajectoryModel(cfg).save_pretrained(path)
    return path


# ------------------------------------------------------------------ item 11: id columns


@pytest.mark.parametrize("name", ["vehicle", "Vehicle ID", "vehicle-id", "device_id", "IMEI"])
def test_common_id_columns_are_recognised(tmp_path, name):
    df, _ = read(_csv(tmp_path / "f.csv", name))
    assert sorted(df["traj_id"].unique()) == ["V0", "V1"]
    got = read_points(_csv(tmp_path / "g.csv", name), "--input")  # predict's reader too
    assert got["traj_id"].n_unique() == 2


def test_two_id_columns_of_one_tier_stay_ambiguous(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text(f"vehicle,imei,t,lat,lon\na,b,{T0},41.1,-8.6\n")
    fails("data", "ingest", p, "--out", tmp_path / "st",
          names=("several columns could be traj_id", "--traj-col"))  # fmt: skip


# ------------------------------------------------------------------ item 6: null island


@pytest.mark.parametrize("on_error", ["raise", "skip"])
def test_null_island_fixes_are_dropped_and_counted(tmp_path, on_error):
    p = _csv(tmp_path / "f.csv")
    lines = p.read_text().splitlines()
    for i in (3, 5):  # two fixes at exactly (0, 0) inside trajectory V0
        f = lines[i].split(",")
        lines[i] = ",".join([f[0], f[1], "0", "0.0"])
    p.write_text("\n".join(lines) + "\n")
    df, rep = read(p, on_error=on_error)
    assert rep.dropped == {"null_island": 2} and rep.rows_in == 16 and len(df) == 14
    assert not ((df["lat"] == 0) & (df["lon"] == 0)).any()
    r = invoke("data", "ingest", p, "--out", tmp_path / "st", "--on-error", on_error)
    assert r.exit_code == 0, r.output
    assert "dropped: null_island 2" in said(r)


def test_a_fix_on_the_equator_or_meridian_alone_is_kept(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text(f"traj_id,t,lat,lon\na,{T0},0.0,10.0\na,{T0 + 15},10.0,0.0\n")
    df, rep = read(p)
    assert len(df) == 2 and not rep.dropped


# ------------------------------------------------------ item 11: GeoParquet, unused columns


def _geoparquet(path: Path) -> tuple[Path, pl.DataFrame]:
    gpd = pytest.importorskip("geopandas")
    df = pl.read_csv(_csv(path.with_suffix(".csv"), "vehicle", extra="3.5"))
    gdf = gpd.GeoDataFrame(
        df.select("vehicle", "timestamp", "speed").to_pandas(),
        geometry=gpd.points_from_xy(df["longitude"].to_numpy(), df["latitude"].to_numpy()),
        crs="EPSG:4326",
    ).to_crs("EPSG:3857")
    gdf.to_parquet(path)
    return path, df


def test_geoparquet_points_are_read_and_reprojected(tmp_path):
    path, want = _geoparquet(tmp_path / "fleet.parquet")
    got, rep = read(path)
    want = want.sort("vehicle", "timestamp")
    assert len(got) == len(want) and not rep.dropped
    assert (got["lat"] - want["latitude"]).abs().max() < 1e-9
    assert (got["lon"] - want["longitude"]).abs().max() < 1e-9
    r = invoke("data", "ingest", path, "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output
    assert "lat/lon <- 'geometry points in EPSG:3857'" in said(r)
    assert "columns not kept in the store: ['speed']" in said(r)
    pts = read_points(path, "--input")  # predict / similar read it too, in WGS84
    assert (pts["lat"] - want["latitude"]).abs().max() < 1e-9


def test_csv_columns_not_kept_are_said_once(tmp_path):
    r = invoke("data", "ingest", _csv(tmp_path / "f.csv", extra="3.5"), "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    assert said(r).count("columns not kept in the store: ['speed']") == 1
    r = invoke("data", "ingest", _csv(tmp_path / "g.csv"), "--out", tmp_path / "s2")
    assert "not kept" not in said(r)


# ------------------------------------------------------ item 11: predict errors name lines


def test_predict_time_error_shows_the_value_that_does_not_parse(tmp_path):
    p = tmp_path / "f.csv"
    rows = [f"V0,2023-11-14 22:13:{10 + i:02d}+0100,41.1{i},-8.6" for i in range(6)]
    rows[1] = "V0,not a time,41.1,-8.6"  # file line 3
    p.write_text("vehicle,timestamp,lat,lon\n" + "\n".join(rows) + "\n")
    with pytest.raises(Exception, match=r"'not a time' at file line 3"):
        read_points(p, "--input")


def test_predict_missing_value_names_the_file_line(tmp_path):
    p = _csv(tmp_path / "f.csv")
    lines = p.read_text().splitlines()
    lines.insert(5, "")  # a blank line: file line 6
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(Exception, match=r"first at file line 6"):
        read_points(p, "--input")


# ------------------------------------------------------ item 4: hints name existing options


GPX = """<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><trkseg>
{pts}</trkseg></trk></gpx>"""


def _gpx(path: Path, n: int = 8, missing: int = 4) -> Path:
    pts = "\n".join(
        f'<trkpt lat="{41.15 + 1e-4 * i}" lon="-8.61">'
        + ("" if i == missing else f"<time>2023-11-14T22:13:{10 + i:02d}Z</time>")
        + "</trkpt>"
        for i in range(n)
    )
    path.write_text(GPX.format(pts=pts))
    return path


def test_gpx_skip_hint_names_an_option_the_command_has(tmp_path):
    gpx = _gpx(tmp_path / "mine.gpx")
    model = _model(tmp_path / "m")
    out = fails("predict", "--model", model, "--input", gpx, "--out", tmp_path / "p.csv",
                names=("has no <time>", "--on-error skip"))  # fmt: skip
    assert "--on-error" in out
    r = invoke("predict", "--model", model, "--input", gpx, "--out", tmp_path / "p.csv",
               "--on-error", "skip", "-k", "2")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "dropped {'missing_time': 1} of 8 records" in said(r)
    assert "t in Unix seconds UTC" in said(r)  # item 12: output columns said
    # a command without --on-error (anomalies, data plot, ...) is pointed to data ingest
    with pytest.raises(Exception) as e:
        read_points(gpx, "--data")
    assert "trajlm data ingest" in str(e.value) and "--on-error skip on the CLI" not in str(e.value)


def test_on_error_skip_on_a_table_is_one_line(tmp_path):
    (tmp_path / "m").mkdir()
    # recover keeps a table's rows with empty positions (its gaps); predict cleans (newuser24)
    fails("recover", "--model", tmp_path / "m", "--input", _csv(tmp_path / "f.csv"), "--out",
          tmp_path / "p.csv", "--on-error", "skip", names=("applies to GPX",))  # fmt: skip


def test_similar_reads_tables_with_named_columns(tmp_path):
    model = _model(tmp_path / "m")
    q = _csv(tmp_path / "q.csv", "car")
    r = invoke("similar", "--model", model, "--query", q, "--database", q, "--k", "2",
               "--traj-col", "car", "--out", tmp_path / "s.csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert pl.read_csv(tmp_path / "s.csv")["query"].n_unique() == 2
    fails("similar", "--model", model, "--query", q, "--database", q, "--out", tmp_path / "t.csv",
          names=("no traj_id column", "--traj-col NAME"))  # fmt: skip


def test_every_column_hint_of_read_points_names_options_of_its_commands():
    """Audit: the commands that read tables through read_points and may get its
    --traj-col / --on-error hints have those options."""
    import typer.main

    from trajlm.cli import app

    group = typer.main.get_command(app)
    for name in ("predict", "similar"):
        opts = {o for p in group.commands[name].params for o in p.opts}
        assert {"--traj-col", "--time-col", "--lat-col", "--lon-col", "--crs", "--on-error"} <= opts


# ------------------------------------------------------------------ item 12: display


def test_help_is_not_truncated_and_keeps_brackets():
    r = invoke("train", "--help")
    assert "[model] and [train]" in said(r)
    r = invoke("predict", "--help")
    assert "(model.safetensors)" in r.output and "…" not in r.output


def test_long_lines_and_markdown_tables_are_not_wrapped(tmp_path):
    store = tmp_path / "st"
    assert invoke("data", "synth", "--out", store, "-n", "40", "--seed", "1").exit_code == 0
    r = invoke("eval", "--task", "predict", "--data", store, "--seeds", "1")
    assert r.exit_code == 0, r.output
    rows = [ln for ln in r.output.splitlines() if ln.startswith("|")]
    assert rows and all(ln.endswith("|") for ln in rows)
    assert max(map(len, rows)) > 80  # a wide table, printed whole
    assert any(
        ln.startswith("store ") and "dropped at ingest" in ln for ln in r.output.splitlines()
    )


def test_a_hint_naming_an_option_the_command_lacks_says_where_it_is(tmp_path):
    """The boundary's audit: `data match` reads tables but has no --traj-col; the shared
    reader's hint is kept and the note says which commands have the option."""
    p = _csv(tmp_path / "f.csv", "car")
    out = fails("data", "match", p, "--network", p, "--out", tmp_path / "m.csv",
                names=("no traj_id column",))  # fmt: skip
    assert "--traj-col is an option of" in out and "not of `trajlm data match`" in out
    assert "`trajlm data ingest`" in out
    (tmp_path / "m").mkdir()
    out = fails(
        "predict",
        "--model",
        tmp_path / "m",
        "--input",
        p,
        "--out",
        tmp_path / "p.csv",
        names=("--traj-col 'car'",),
    )  # fmt: skip (the API's line since vehicles21)
    assert "note:" not in out  # predict has --traj-col: nothing to add


def test_existing_run_hint_without_resume_names_only_overwrite(tmp_path):
    from trajlm._safety import OutputExistsError, check_output_dir, write_marker

    run = tmp_path / "run"
    run.mkdir()
    write_marker(run, "run")
    (run / "metrics.jsonl").write_text("{}\n")
    with pytest.raises(OutputExistsError) as e:  # `trajlm finetune` has no --resume
        check_output_dir(run, "run", resume=None, option="--out")
    assert "--overwrite" in str(e.value) and "--resume" not in str(e.value)
    with pytest.raises(OutputExistsError, match="--resume or --overwrite"):  # `trajlm train`
        check_output_dir(run, "run", option="--out")
