"""Session 24 (heldout24): held-out exports the readers refused or read wrong with no options.

Before: a ski resort's Latin-1 `;` export with an unrecognised skier column was read as ONE
trajectory jumping between skiers (the check for several tracks failed to sample a Latin-1
header); Santiago taxis with `dd-mm-yyyy` times were refused, and with --time-format read as
one track; an ambulance sheet's Date cells (`2026-02-11T00:00:00`) + Time were refused, and its
`Unit` (trips listed trip by trip, not in time order) was not seen as the id; a regatta feed's
`"pos": [lon, lat]` was "missing lat, lon"; a ship export's `IMO` was not an id."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.store import read_store

T0 = 1_771_000_000  # 2026-02-13 16:26:40 UTC


def _ingest(path: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out), *opts])
    return res.exit_code, res.output


def _tracks(n_tracks: int = 4, n: int = 12, late_first: bool = True) -> list[dict]:
    """Tracks listed one after another, the later ones starting EARLIER (times go back)."""
    rows = []
    for i in range(n_tracks):
        start = T0 + 3600 * ((n_tracks - i) if late_first else i)
        for k in range(n):
            rows.append({"who": f"u{i}", "t": start + 4 * k, "lat": 46.02 + 1e-4 * k,
                         "lon": 7.75 + 1e-3 * i})  # fmt: skip
    return rows


def test_latin1_header_with_an_unknown_id_column_is_refused_not_merged(tmp_path: Path) -> None:
    lines = ["Skifahrer;Zeitstempel;Breitengrad;Längengrad;Höhe (m)"]
    for r in _tracks():
        when = pl.from_epoch(pl.Series([r["t"]]), time_unit="s")[0].strftime("%d.%m.%Y %H:%M:%S")
        lines.append(f"{r['who']};{when};{r['lat']:.6f};{r['lon']:.6f};1600".replace(".", ",", 0))
    (tmp_path / "ski.csv").write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    code, out = _ingest(tmp_path / "ski.csv", tmp_path / "s")
    assert code != 0 and "--traj-col 'Skifahrer'" in out, out
    code, out = _ingest(tmp_path / "ski.csv", tmp_path / "s", "--traj-col", "Skifahrer")
    assert code == 0, out
    assert read_store(tmp_path / "s")["source_traj_id"].n_unique() == 4


def test_dashed_day_first_times_read_and_a_movil_column_is_the_id(tmp_path: Path) -> None:
    df = pl.DataFrame(_tracks()).rename({"who": "movil", "lat": "latitud", "lon": "longitud"})
    df = df.with_columns(
        pl.from_epoch("t", time_unit="s").dt.strftime("%d-%m-%Y %H:%M:%S").alias("fecha_hora")
    ).drop("t")
    df.write_csv(tmp_path / "taxis.csv")
    code, out = _ingest(tmp_path / "taxis.csv", tmp_path / "s")
    assert code == 0, out
    got = read_store(tmp_path / "s")
    assert got["source_traj_id"].n_unique() == 4
    assert got["t"].min() == T0 + 3600 and got["t"].max() == T0 + 4 * 3600 + 44


def test_an_unknown_id_named_even_when_a_unit_s_trips_are_not_in_time_order(
    tmp_path: Path,
) -> None:
    rows = _tracks(6)  # units u0, u1, u2 each with two trips; the second listed is earlier
    for r in rows:
        r["who"] = f"AMB{int(r['who'][1:]) % 3}"
        r["speed"] = 30 + (r["t"] % 7)  # changes on most rows: not an id
    pl.DataFrame(rows).rename({"who": "Crew"}).write_csv(tmp_path / "avl.csv")
    code, out = _ingest(tmp_path / "avl.csv", tmp_path / "s")
    assert code != 0 and "--traj-col 'Crew'" in out and "speed" not in out.split("hint")[0], out


def test_a_spreadsheet_date_cell_and_a_time_column_read_as_one_time(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    import pandas as pd

    df = pd.DataFrame(_tracks(2, late_first=False))
    when = pd.to_datetime(df["t"], unit="s")
    df["Date"], df["Time"] = when.dt.normalize(), when.dt.strftime("%H:%M:%S")
    df.drop(columns="t").rename(columns={"who": "vehicle"}).to_excel(
        tmp_path / "avl.xlsx", index=False
    )
    code, out = _ingest(tmp_path / "avl.xlsx", tmp_path / "s")
    assert code == 0, out
    got = read_store(tmp_path / "s")
    assert got["t"].min() == T0 and got["source_traj_id"].n_unique() == 2


@pytest.mark.parametrize(("key", "lat_first"), [("pos", False), ("latlng", True)])
def test_a_point_as_one_list_field_of_json_lines(tmp_path: Path, key: str, lat_first: bool) -> None:
    recs = []
    for r in _tracks(3, late_first=False):
        pair = [r["lat"], r["lon"]] if lat_first else [r["lon"], r["lat"]]
        recs.append({"boat": r["who"], "t": r["t"], key: pair})
    (tmp_path / "race.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    code, out = _ingest(tmp_path / "race.jsonl", tmp_path / "s")
    assert code == 0, out
    got = read_store(tmp_path / "s")
    assert got["source_traj_id"].n_unique() == 3
    assert abs(got["lat"].mean() - 46.02) < 0.01 and abs(got["lon"].mean() - 7.751) < 0.01


def test_an_imo_column_is_a_ship_id_and_an_mmsi_beside_it_still_wins(tmp_path: Path) -> None:
    df = pl.DataFrame(_tracks()).rename({"who": "IMO", "t": "timestamp"})
    df = df.with_columns(pl.from_epoch("timestamp", time_unit="s"))
    df.write_csv(tmp_path / "ships.csv")
    code, out = _ingest(tmp_path / "ships.csv", tmp_path / "s")
    assert code == 0, out
    assert read_store(tmp_path / "s")["source_traj_id"].n_unique() == 4
    df.with_columns(pl.lit("211000000").alias("MMSI")).write_csv(tmp_path / "one.csv")
    code, out = _ingest(tmp_path / "one.csv", tmp_path / "s2")
    assert "traj_id <- 'MMSI'" in out, out


def test_the_api_reads_a_pos_list_column_as_lon_lat() -> None:
    from trajlm.data.coerce import to_canonical

    rows = _tracks(2, late_first=False)
    df = pl.DataFrame({"boat": [r["who"] for r in rows], "t": [r["t"] for r in rows],
                       "pos": [[r["lon"], r["lat"]] for r in rows]})  # fmt: skip
    got = to_canonical(df)
    assert abs(got["lat"].mean() - 46.02) < 0.01 and got["traj_id"].n_unique() == 2


def test_the_api_joins_a_date_and_a_time_of_day_column_as_ingest_does() -> None:
    import pandas as pd

    from trajlm.data.coerce import to_canonical

    df = pd.DataFrame(_tracks(2, late_first=False))
    when = pd.to_datetime(df["t"], unit="s")
    df["Date"], df["Time"] = when.dt.normalize(), when.dt.strftime("%H:%M:%S")
    got = to_canonical(df.drop(columns="t"), traj_col="who")
    assert got["t"].min() == T0 and got["t"].max() == T0 + 3600 + 44
