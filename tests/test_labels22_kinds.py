"""Session 22 (labels22): an AIS ship type and a Movebank species kept as the label (docs/data.md "Session 22
(labels22)").

On main at 2c47ce6 ingest dropped `VesselType` and `individual-taxon-canonical-name`: "how many tankers", "are tankers
slower than cargo ships" and "how many red deer" were refused. Truths with numpy / pandas on the generated frames,
with the ITU ship type families written out here, never trajlm's table.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ask_helpers import haversine_m as _hav

from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")


def _family(
    code: int,
) -> str | None:  # ITU-R M.1371 "type of ship and cargo", the families the brief names
    single = {
        30: "fishing",
        31: "towing",
        32: "towing",
        35: "military",
        36: "sailing",
        37: "pleasure",
        52: "tug",
    }
    if code in single:
        return single[code]
    return {6: "passenger", 7: "cargo", 8: "tanker", 9: "other"}.get(code // 10)


def _ais(seed: int = 22) -> pd.DataFrame:
    """MarineCadastre-like: 12 vessels, 1-min fixes for an hour, a seeded speed per ship type."""
    rng = np.random.default_rng(seed)
    fleet = [(80, 11.0), (81, 10.5), (84, 12.0), (70, 14.0), (71, 15.0), (79, 13.5), (70, 14.5), (52, 6.0),
             (30, 5.0), (60, 18.0), (37, 7.0), (0, 9.0)]  # fmt: skip
    rows = []
    for i, (code, kn) in enumerate(fleet):
        mmsi, lat, lon, hd = (
            367100000 + i,
            29.7 + rng.normal(0, 0.05),
            -94.9 + rng.normal(0, 0.05),
            rng.uniform(0, 6),
        )
        for k in range(60):
            v = kn * (1 + rng.normal(0, 0.05))
            lat += v * 0.514444 * 60 * np.cos(hd) / 111195
            lon += v * 0.514444 * 60 * np.sin(hd) / 96000
            t = pd.Timestamp("2026-03-02T06:00:00") + pd.Timedelta(minutes=k)
            rows.append(
                (mmsi, t.isoformat(), round(lat, 6), round(lon, 6), round(v, 1), f"SHIP {i}", code)
            )
    return pd.DataFrame(
        rows, columns=["MMSI", "BaseDateTime", "LAT", "LON", "SOG", "VesselName", "VesselType"]
    )


def _movebank(seed: int = 22) -> pd.DataFrame:
    """Four red deer and two roe deer, 10-min fixes over three days; RD2's collar silent 8 h (two tracks)."""
    rng = np.random.default_rng(seed)
    herd = [("RD1", "Cervus elaphus", 120), ("RD2", "Cervus elaphus", 150), ("RD3", "Cervus elaphus", 100),
            ("RD4", "Cervus elaphus", 130), ("RO1", "Capreolus capreolus", 40), ("RO2", "Capreolus capreolus", 50)]  # fmt: skip
    rows = []
    for name, taxon, scale in herd:
        lat, lon = 48.9 + rng.normal(0, 0.02), 13.4 + rng.normal(0, 0.02)
        for k in range(3 * 144):
            lat += rng.normal(0, scale) / 111195
            lon += rng.normal(0, scale) / 73000
            if name == "RD2" and 150 <= k < 198:
                continue
            t = pd.Timestamp("2026-05-04") + pd.Timedelta(minutes=10 * k)
            rows.append(
                (t.strftime("%Y-%m-%d %H:%M:%S.000"), round(lon, 7), round(lat, 7), taxon, name)
            )
    cols = ["timestamp", "location-long", "location-lat", "individual-taxon-canonical-name",
            "individual-local-identifier"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture(scope="module")
def ais(tmp_path_factory) -> tuple[str, pd.DataFrame]:
    from trajlm.data.ingest import ingest

    d = tmp_path_factory.mktemp("ais")
    df = _ais()
    df.to_csv(d / "ais.csv", index=False)
    ingest(d / "ais.csv", "auto", d / "store")
    return str(d / "store"), df


@pytest.fixture(scope="module")
def deer(tmp_path_factory) -> tuple[str, pd.DataFrame]:
    from trajlm.data.ingest import ingest

    d = tmp_path_factory.mktemp("deer")
    df = _movebank()
    df.to_csv(d / "deer.csv", index=False)
    ingest(d / "deer.csv", "auto", d / "store")
    return str(d / "store"), df


def test_ais_codes_are_kept_with_their_names(ais):
    import polars as pl

    store, df = ais
    pts = pl.read_parquet(Path(store) / "points").to_pandas()
    assert {"label", "vessel_type_code"} <= set(pts.columns)
    want = df.groupby("MMSI")["VesselType"].first()
    got = pts.groupby("vehicle_id")[["label", "vessel_type_code"]].first()
    for mmsi, code in want.items():
        row = got.loc[str(mmsi)]
        assert row["vessel_type_code"] == code
        assert (row["label"] if isinstance(row["label"], str) else None) == _family(code)


def _speeds_kmh(df: pd.DataFrame, kind: str) -> float:
    out = []
    for _, g in df[df["VesselType"].map(_family) == kind].groupby("MMSI"):
        m = _hav(
            g["LAT"].values[:-1], g["LON"].values[:-1], g["LAT"].values[1:], g["LON"].values[1:]
        ).sum()
        s = (
            pd.Timestamp(g["BaseDateTime"].iloc[-1]) - pd.Timestamp(g["BaseDateTime"].iloc[0])
        ).total_seconds()
        out.append(m / s * 3.6)
    return float(np.mean(out))


@pytest.mark.parametrize("source", ["store", "frame"])
def test_how_many_tankers_and_are_they_slower(ais, source):
    store, df = ais
    asker = Asker(store if source == "store" else df)
    tankers = df[df["VesselType"].between(80, 89)]["MMSI"].nunique()
    assert asker("How many tankers are there?").value == tankers == 3
    assert (
        asker("how many cargo ships are there?").value
        == df[df["VesselType"].between(70, 79)]["MMSI"].nunique()
    )
    table = asker("Are tankers slower than cargo ships?").table
    means = dict(zip(table["label"].to_list(), table[table.columns[-1]].to_list(), strict=True))
    assert set(means) == {"cargo", "tanker"}
    for kind in ("cargo", "tanker"):
        assert means[kind] == pytest.approx(_speeds_kmh(df, kind), rel=0.01)
    assert means["tanker"] < means["cargo"]


@pytest.mark.parametrize("source", ["store", "frame"])
def test_how_many_red_deer_counts_animals_not_tracks(deer, source):
    store, df = deer
    asker = Asker(store if source == "store" else df)
    taxon = df.groupby("individual-local-identifier")["individual-taxon-canonical-name"].first()
    assert asker("How many red deer are there?").value == (taxon == "Cervus elaphus").sum() == 4
    assert asker("how many roe deer").value == (taxon == "Capreolus capreolus").sum() == 2
    table = asker("are red deer faster than roe deer?").table
    assert set(table["label"].str.to_lowercase().to_list()) == {
        "cervus elaphus",
        "capreolus capreolus",
    }


def test_store_keeps_the_species_and_the_animal(deer):
    import polars as pl

    store, df = deer
    pts = pl.read_parquet(Path(store) / "points")
    assert pts["label"].n_unique() == 2
    assert pts["vehicle_id"].n_unique() == df["individual-local-identifier"].nunique() == 6
    assert pts["traj_id"].n_unique() == 7  # RD2's 8-h silence still splits its track


def _store_bytes(path: Path) -> dict[str, bytes]:
    out = {}
    for f in sorted(path.rglob("*")):
        if f.is_file():
            data = f.read_bytes()
            if f.name in ("manifest.json", ".trajlm"):  # their write time differs between two runs
                m = json.loads(data)
                m.pop("created_at", None)
                m.pop("created_unix", None)
                data = json.dumps(m, sort_keys=True).encode()
            out[str(f.relative_to(path))] = data
    return out


def test_files_without_a_kind_column_give_the_same_store(tmp_path, monkeypatch):
    """A file without a ship type / species column: the store is the same with the kind lookup as without it."""
    import trajlm.data.ingest as ingest_mod

    df = _ais().drop(columns=["VesselType"])
    df.to_csv(tmp_path / "a.csv", index=False)
    ingest_mod.ingest(tmp_path / "a.csv", "auto", tmp_path / "on")
    import trajlm.data.ingest_columns as columns_mod  # where the kind names are read (readers27)

    monkeypatch.setattr(columns_mod, "KIND_NAMES", ())
    ingest_mod.ingest(tmp_path / "a.csv", "auto", tmp_path / "off")
    on, off = _store_bytes(tmp_path / "on"), _store_bytes(tmp_path / "off")
    assert on.keys() == off.keys() and on == off


def test_a_kind_column_beside_a_mode_column_leaves_the_mode_the_label(tmp_path):
    import polars as pl

    from trajlm.data.ingest import ingest

    df = _ais().assign(mode=lambda d: np.where(d["SOG"] > 10, "underway", "slow"))
    df.to_csv(tmp_path / "a.csv", index=False)
    ingest(tmp_path / "a.csv", "auto", tmp_path / "s")
    pts = pl.read_parquet(tmp_path / "s" / "points")
    assert set(pts["label"].unique().to_list()) <= {"underway", "slow"}
    assert "vessel_type_code" not in pts.columns
