"""local37: `--crs local` on every command that reads a file, and over HTTP. A file in x / y
metres was refused by the plane check with a hint naming `--crs local`, which anomalies /
reach / travel-time / parked / next-place / divert lacked (a dead end); parked, next_place,
recover, check_validity and TrajLM.evaluate / fit read metres as degrees silently (the check
was skipped); divert matched degree orders against the stand-in 1 N 1 E; HTTP had no `crs`."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli, tiny_infill_trajlm
from test_local36 import _forklifts_csv, hall_store

from trajlm.data import geo
from trajlm.errors import TrajlmInputError

FILE_COMMANDS = ("anomalies", "reach", "travel-time", "parked", "next-place", "divert")
KW = dict(traj_col="tag_id", time_col="timestamp", lat_col="y_m", lon_col="x_m")


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> dict:
    got = hall_store(tmp_path_factory.mktemp("hall37"))
    return got | {"raw": pl.read_csv(got["src"])}


def _in_hall(values: pl.Series) -> bool:
    return bool(values.is_between(-5, 100).all())  # metres in the hall, not ~1 (degrees)


def test_every_command_that_reads_a_table_has_crs():
    """A command with --lat-col reads a table whose coordinates may be x / y metres: it has
    --crs too, so the plane check's hint never names an option the command lacks."""
    import click

    from trajlm.cli import app

    group = typer_group(app)
    ctx = click.Context(group)
    lacking = []
    for name, cmd in walk(group, ctx):
        flags = {o for p in cmd.params for o in p.opts}
        if "--lat-col" in flags and "--crs" not in flags and name != "places":  # sports37's
            lacking.append(name)
    assert not lacking, lacking
    for name in FILE_COMMANDS:
        assert "--crs" in {o for p in group.get_command(ctx, name).params for o in p.opts}, name


def typer_group(app):
    import typer

    return typer.main.get_command(app)


def walk(group, ctx, prefix=""):
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if hasattr(cmd, "list_commands"):
            yield from walk(cmd, ctx, f"{prefix}{name} ")
        else:
            yield prefix + name, cmd


def test_anomalies_on_a_metres_file_with_crs_local_answer_in_metres(hall):
    out = hall["dir"] / "anom.csv"
    r = invoke_cli(["anomalies", "--model", hall["model"], "--data", hall["src"],
                    "--calibrate-on", hall["src"], "--crs", "local", "--out", out, "--top", "2"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    table = pl.read_csv(out)
    assert {"seg_x", "seg_y"} <= set(table.columns) or {"seg_x_m", "seg_y_m"} <= set(table.columns)
    seg_x = table["seg_x_m" if "seg_x_m" in table.columns else "seg_x"]
    assert _in_hall(seg_x)
    assert table["explanation"].str.contains(r"near x -?\d").all()
    assert "1.000" not in " ".join(table["explanation"].to_list())


def test_crs_on_a_store_of_another_crs_is_refused(hall):
    """--crs on a store was ignored (predict, recover) or had no option: a store keeps the CRS
    it was ingested with."""
    out = hall["dir"] / "out.csv"
    for cmd in (["parked"], ["predict", "--model", hall["model"]],
                ["recover", "--model", hall["model"]]):  # fmt: skip
        r = invoke_cli([*cmd, "--input", hall["store"], "--crs", "EPSG:32629", "--out", out])
        assert r.exit_code == 2 and "leave --crs out" in r.output, (cmd, r.output[-600:])


def test_parked_on_a_metres_file_refused_without_crs_metres_with_it(hall):
    out = hall["dir"] / "parked.csv"
    r = invoke_cli(["parked", "--input", hall["src"], "--out", out])
    assert r.exit_code == 2 and "look like metres on a plane" in r.output, r.output[-800:]
    assert "not of `trajlm parked`" not in r.output  # the hint's option is its own now
    r = invoke_cli(["parked", "--input", hall["src"], "--crs", "local", "--out", out])
    assert r.exit_code == 0, r.output[-800:]
    got = pl.read_csv(out)
    assert _in_hall(got["x_m"]) and _in_hall(got["y_m"])
    assert got["speed_mps"].max() < 20  # ~2 m/s forklifts (read as degrees: km/s)


def test_next_place_on_a_metres_file_is_refused_without_crs(hall):
    r = invoke_cli(["next-place", "--input", hall["src"], "--out", hall["dir"] / "np.csv"])
    assert r.exit_code == 2 and "look like metres on a plane" in r.output, r.output[-800:]


@pytest.mark.parametrize("command", ["reach", "divert"])
def test_reach_and_divert_on_a_local_plane_are_refused_in_one_line(hall, command):
    model = ["--model", hall["model"]] if command == "reach" else []
    where = ["--to", "1.0001,1.0001"] if command == "reach" else ["--order", "1.0001,1.0001"]
    out = hall["dir"] / f"{command}.csv"
    for given in (["--input", hall["src"], "--crs", "local"], ["--input", hall["store"]]):
        r = invoke_cli([command, *model, *given, *where, "--out", out])
        assert r.exit_code == 2 and "mean nothing on" in r.output, r.output[-800:]
        assert not out.exists()
    r = invoke_cli([command, *model, "--input", hall["src"], "--crs", "local", *where])
    assert "a file read with --crs local" in r.output, r.output[-600:]


def test_python_divert_on_a_local_plane_is_refused(hall):
    import trajlm

    with pytest.raises(TrajlmInputError, match="crs='local'"):
        trajlm.divert(hall["raw"], [(1.0001, 1.0001)], crs="local", **KW)


def test_travel_time_reads_plane_ends_with_crs(hall):
    d = hall["dir"]
    run = d / "infill"
    tiny_infill_trajlm().model.save_pretrained(run)
    trips = d / "trips.csv"
    pl.DataFrame({"o_x": [10.0, 40.0], "o_y": [5.0, 30.0], "d_x": [70.0, 12.0],
                  "d_y": [35.0, 3.0], "depart": [1_796_191_200, 1_796_191_300]}).write_csv(trips)  # fmt: skip
    out = d / "tt.csv"
    r = invoke_cli(["travel-time", "--model", run, "--input", trips, "--out", out])
    assert r.exit_code == 2 and "read with --crs" in r.output, r.output[-600:]
    r = invoke_cli(["travel-time", "--model", run, "--input", trips, "--crs", "local",
                    "--out", out])  # fmt: skip
    assert r.exit_code == 0, r.output[-800:]
    assert pl.read_csv(out)["travel_time_s"].is_finite().all()


def test_went_dark_sentences_say_metres_on_a_plane():
    from trajlm.reason.anomaly_gaps import dark_gaps

    t = np.r_[np.arange(20), 3000 + np.arange(20)]
    x, y = 2.0 * t % 80 + 5, np.full(40, 20.0)  # moving 2 m/s, silent 50 min
    lat, lon = geo.to_wgs84(x, y, "local")
    pts = pl.DataFrame({"traj_id": ["F_0"] * 20 + ["F_1"] * 20, "t": t + 1_796_191_200,
                        "lat": lat, "lon": lon, "source_traj_id": ["F"] * 40})  # fmt: skip
    said = dark_gaps(pts, local=True)["explanation"][0]
    assert "went dark" in said and "near x 43.0 m, y 20.0 m" in said, said
    assert "1.000" not in said


def test_python_readers_refuse_metres_read_as_degrees(hall):
    """parked, next_place, recover, check_validity, TrajLM.evaluate read without the plane
    check: a forklift "moving at 14 km/s", an evaluate MAE of 695 km."""
    import trajlm

    raw = hall["raw"]
    lm = trajlm.TrajLM.from_pretrained(hall["model"])
    calls = {
        "parked": lambda: trajlm.parked(raw, **KW),
        "next_place": lambda: trajlm.next_place(raw, **KW),
        "check_validity": lambda: trajlm.check_validity(raw, **KW),
        "recover": lambda: lm.recover(
            raw.with_columns(
                x_m=pl.when(pl.int_range(pl.len()) % 7 == 3).then(None).otherwise("x_m")
            ),
            **KW,
        ),  # fmt: skip
        "evaluate": lambda: lm.evaluate(raw, **KW),
    }
    for name, call in calls.items():
        with pytest.raises(TrajlmInputError, match="look like metres on a plane"):
            call()
        assert name  # each refused in one line
    got = trajlm.parked(raw, crs="local", **KW)
    assert _in_hall(got["x_m"]) and got["speed_mps"].max() < 20


def test_ask_takes_a_frame_on_a_local_plane():
    import trajlm
    from trajlm.llm.plan import CannotAnswer

    frame = pl.read_csv(_forklifts_csv_tmp())
    said = trajlm.ask("describe trip T0", frame, crs="local", **KW).value
    first = frame.filter(pl.col("tag_id") == "T0").row(0, named=True)
    assert said.startswith(f"starts at x {first['x_m']:.1f} m, y {first['y_m']:.1f} m"), said[:90]
    with pytest.raises(
        CannotAnswer, match=r"these points are x / y metres on a plane \(crs=.local.\)"
    ):
        trajlm.ask("how many trips came within 50 m of 1.0003,1.0006", frame, crs="local", **KW)


def _forklifts_csv_tmp():
    import tempfile
    from pathlib import Path

    return _forklifts_csv(Path(tempfile.mkdtemp(prefix="local37-")) / "uwb.csv", n=40)


def test_queries_and_answers_of_a_local_store_are_metres(hall):
    d = hall["dir"]
    q = d / "q.csv"
    r = invoke_cli(["data", "queries", hall["store"], "--out", q])
    assert r.exit_code == 0, r.output[-800:]
    inputs, asks = pl.read_csv(q), pl.read_csv(d / "q.asks.csv")
    assert {"x", "y"} <= set(inputs.columns) and "lat" not in inputs.columns
    assert _in_hall(inputs["x"]) and _in_hall(inputs["y"])
    last = inputs.group_by("query_id").agg(pl.col("x", "y").last())
    xy = asks.join(last, on="query_id").select("query_id", "k", "x", "y")
    xy.write_csv(d / "xy.csv")
    lat, lon = geo.to_wgs84(xy["x"].to_numpy(), xy["y"].to_numpy(), "local")
    xy.select("query_id", "k").with_columns(lat=lat, lon=lon).write_csv(d / "deg.csv")
    out = d / "ev.json"
    r = invoke_cli(["eval", "--task", "predict", "--data", hall["store"], "--predictions",
                    d / "xy.csv", "--predictions", d / "deg.csv", "--predictions-name", "xy",
                    "--predictions-name", "deg", "--out", out])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    rows = {ln.split("|")[2].strip(): ln.split("|")[3].strip() for ln in r.output.splitlines()
            if ln.startswith("| k=")}  # fmt: skip
    assert rows["xy"] == rows["deg"] and float(rows["xy"]) < 100, rows
    meta = json.loads(out.read_text())  # the plane's centre in metres beside its stand-in
    meta = meta.get("meta", meta)
    assert meta["crs"] == "local" and 0 < meta["projection"]["x_m"] < 100, meta["projection"]


def test_the_verdict_of_a_local_store_keeps_its_box_in_metres(hall):
    from trajlm.cli_train_check import with_plane_box

    raw = hall["raw"]
    lat, lon = geo.to_wgs84(raw["x_m"].to_numpy(), raw["y_m"].to_numpy(), "local")
    v = with_plane_box({"train_box": [lat.min(), lon.min(), lat.max(), lon.max()]}, hall["store"])
    box = v["train_box_local_m"]
    assert v["crs"] == "local" and abs(box["min_x_m"] - raw["x_m"].min()) < 0.01
    assert abs(box["max_y_m"] - raw["y_m"].max()) < 0.01


def test_serve_reach_memory_of_a_local_store_is_refused(hall):
    from trajlm.cli import load_reach_memory
    from trajlm.errors import UserError

    with pytest.raises(UserError, match="--reach-memory .* mean nothing"):
        load_reach_memory(hall["store"])


# ------------------------------------------------------------------------------------ HTTP
@pytest.fixture(scope="module")
def client():
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    with TestClient(create_app(tiny_infill_trajlm())) as c:
        yield c


def _rows(hall, xy: bool = True) -> list[dict]:
    raw = hall["raw"].filter(pl.col("tag_id") == "T1").head(60)
    keys = ("x", "y") if xy else ("lon", "lat")
    return [{"traj_id": "T1", "t": r["timestamp"], keys[0]: r["x_m"], keys[1]: r["y_m"]}
            for r in raw.iter_rows(named=True)]  # fmt: skip


def test_http_points_in_metres_without_crs_name_the_field(client, hall):
    r = client.post("/predict", json={"trajectories": _rows(hall), "steps": 2})
    assert r.status_code == 422 and '"crs": "local"' in r.json()["error"], r.json()


def test_http_crs_local_answers_in_metres(client, hall):
    for rows in (_rows(hall), _rows(hall, xy=False)):  # x / y, or lat / lon holding y / x
        r = client.post("/predict", json={"trajectories": rows, "steps": 2, "crs": "local"})
        assert r.status_code == 200, r.json()
        pts = r.json()["points"]
        assert {"x", "y"} <= set(pts[0]) and "lat" not in pts[0]
        assert all(-20 < p["x"] < 120 and -20 < p["y"] < 120 for p in pts), pts
    geo_r = client.post("/predict", json={"trajectories": _rows(hall), "steps": 2, "crs": "local",
                                          "output": "geojson"})  # fmt: skip
    x, y = geo_r.json()["points"]["features"][0]["geometry"]["coordinates"][0]
    assert -20 < x < 120 and -20 < y < 120
    gap = _rows(hall)[:12]
    gap[5] |= {"x": None, "y": None}
    r = client.post("/recover", json={"trajectories": gap, "crs": "local"})
    assert r.status_code == 200, r.json()
    filled = [p for p in r.json()["points"] if p["recovered"]][0]
    # an untrained model's fill: near its neighbours in metres (degrees would be ~1)
    assert abs(filled["x"] - (gap[4]["x"] + gap[6]["x"]) / 2) < 15, filled
    r = client.post("/parked", json={"trajectories": _rows(hall), "crs": "local"})
    got = r.json()["results"][0]
    assert r.status_code == 200 and -5 < got["x"] < 100 and got.get("lat") is None, got
    r = client.post("/validity", json={"trajectories": _rows(hall), "crs": "local"})
    assert r.status_code == 200 and r.json()["n_invalid_points"] == 0, r.json()


def test_http_crs_local_travel_time_and_refusals(client, hall):
    r = client.post("/travel-time", json={"origins": [[10, 5]], "destinations": [[70, 35]],
                                          "depart": 1_796_191_200, "crs": "local"})  # fmt: skip
    assert r.status_code == 200 and r.json()["seconds"][0] > 0, r.json()
    for path, extra in (("/reach", {"to": [[1.0, 1.0]]}), ("/divert", {"order": [[1.0, 1.0]]})):
        r = client.post(path, json={"trajectories": _rows(hall), "crs": "local", **extra})
        assert r.status_code == 422 and r.json()["field"] == "crs", r.json()
    r = client.post("/predict", json={"trajectories": _rows(hall), "crs": "EPSG:32629"})
    assert r.status_code == 422 and r.json()["field"] == "crs"


def test_http_ask_rows_on_a_local_plane(client, hall):
    rows = [{"traj_id": "T1", "t": p["t"], "x": p["x"], "y": p["y"]} for p in _rows(hall)]
    r = client.post("/ask", json={"question": "describe trip T1", "rows": rows, "crs": "local"})
    assert r.status_code == 200, r.json()
    assert "starts at x " in json.dumps(r.json()), r.json()


def test_python_ingest_of_metres_names_its_own_way(hall, tmp_path):
    """trajlm.ingest's refusal named only the CLI's --crs local; Python says column_map."""
    import trajlm

    with pytest.raises(TrajlmInputError, match=r"column_map=\{'crs': 'local'\}"):
        trajlm.ingest(hall["src"], "csv", tmp_path / "s")
    trajlm.ingest(hall["src"], "csv", tmp_path / "s", column_map={"crs": "local"})
    assert json.loads((tmp_path / "s" / "manifest.json").read_text())["reading"]["crs"] == "local"


def test_data_match_on_a_local_store_is_refused(hall):
    """A road network's places are degrees: matched at the stand-in 1 N 1 E, the store's
    stand-in lat / lon were written (a network drawn there matched every point)."""
    net = hall["dir"] / "net.geojson"
    line = {"type": "LineString", "coordinates": [[1.0, 1.0], [1.001, 1.0]]}
    net.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"u": 1, "v": 2}, "geometry": line}]}))  # fmt: skip
    out = hall["dir"] / "m.csv"
    r = invoke_cli(["data", "match", hall["store"], "--network", net, "--out", out])
    assert r.exit_code == 2 and "mean nothing" in r.output and not out.exists(), r.output[-600:]
