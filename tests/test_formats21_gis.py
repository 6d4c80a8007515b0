"""Session 21 (formats21): docs/status.md Open 7 for GIS files: `--layer` for a GeoPackage with
several timed point layers (was one line telling to write the layer alone), and layers read in
batches (were read whole). Both fail on 5fdb9b6."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from trajlm.data.readers import ColumnMap, read

T0 = 1773482400  # 2026-03-14 10:00 UTC


def _gpkg(path, layers: dict[str, int]) -> dict[str, list]:
    gpd = pytest.importorskip("geopandas")
    pd = pytest.importorskip("pandas")
    truth = {}
    for k, (layer, n) in enumerate(layers.items()):
        rows = [(f"{layer}{v}", T0 + 5 * i + 7 * v, 48.1 + 0.01 * k + 0.001 * v + 1e-4 * i, 11.5 + 1e-4 * i)
                for v in (1, 2) for i in range(n)]  # fmt: skip
        df = pd.DataFrame(rows, columns=["unit_id", "t", "lat", "lon"])
        g = gpd.GeoDataFrame({"unit_id": df.unit_id, "recorded": pd.to_datetime(df.t, unit="s", utc=True)},
                             geometry=gpd.points_from_xy(df.lon, df.lat), crs=4326)  # fmt: skip
        g.to_file(path, layer=layer, driver="GPKG")
        truth[layer] = rows
    return truth


def _same(df, rows) -> None:
    got = sorted(zip(df["traj_id"], df["t"], df["lat"], df["lon"], strict=True))
    want = sorted(rows)
    assert len(got) == len(want)
    assert all(a[0] == b[0] and a[1] == b[1] and abs(a[2] - b[2]) < 1e-9 and abs(a[3] - b[3]) < 1e-9
               for a, b in zip(got, want, strict=True))  # fmt: skip


def test_layer_chooses_one_of_several_timed_layers(tmp_path):
    p = tmp_path / "fleet.gpkg"
    truth = _gpkg(p, {"vans": 20, "bikes": 15})
    df, _ = read(p, columns=ColumnMap(layer="bikes"))
    _same(df, truth["bikes"])
    from trajlm.cli import app

    r = CliRunner().invoke(app, ["data", "ingest", str(p), "--out", str(tmp_path / "s")])
    assert r.exit_code == 2 and "--layer vans" in r.output
    r = CliRunner().invoke(app, ["data", "ingest", str(p), "--layer", "vans", "--out", str(tmp_path / "s")])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "40 points" in r.output
    r = CliRunner().invoke(app, ["data", "ingest", str(p), "--layer", "cars", "--out", str(tmp_path / "t")])  # fmt: skip
    assert r.exit_code == 2 and "no layer 'cars'" in r.output and "'vans'" in r.output


def test_layer_read_in_batches_gives_the_same_points(tmp_path, monkeypatch):
    from trajlm.data.readers import gis_files

    p = tmp_path / "one.gpkg"
    truth = _gpkg(p, {"vans": 23})
    calls = []
    real = gis_files._batches

    def counted(*a):
        for df in real(*a):
            calls.append(len(df))
            yield df

    monkeypatch.setattr(gis_files, "BATCH", 10)
    monkeypatch.setattr(gis_files, "_batches", counted)
    df, _ = read(p)
    _same(df, truth["vans"])
    assert calls == [10, 10, 10, 10, 6]
