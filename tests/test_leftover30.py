"""Session 30 (leftover30): the leftovers of badin29 / newuser29 / review29 (docs/api.md
"Session 30 (leftover30)"): a time column mixing `AKST` rows with zone-less rows named, a
`LAT_e6` header over x 1e7 values said so, lat / lon CSVs rounded, `ask`'s "bib 9999" and
"bib 2,003", fallback_length's warning at the caller's line, vehicle_group in fleet_words."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch
from helpers import invoke_cli


def _rows(cell, header: str = "id,time,lat,lon", n: int = 12) -> str:
    return header + "\n" + "".join(cell(k) + "\n" for k in range(n))


def _ingest(src: Path, out: Path, *opts: str) -> tuple[int, str]:
    r = invoke_cli(["data", "ingest", src, "--out", out, *opts])
    return r.exit_code, " ".join(r.output.split())


def test_akst_rows_beside_zone_less_rows_are_named_as_a_mix(tmp_path):
    """badin29 heldout.py 1: the rows without a zone word were read as UTC, 9 h from the AKST
    rows, with only a re-sort count; now one line naming the file, column and a row of each
    kind. --tz names the clock of the zone-less rows, and the file is read."""
    src = tmp_path / "dogs.csv"
    src.write_text(_rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d}{' AKST' if k % 2 else ''},"
                                   f"61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
    code, out = _ingest(src, tmp_path / "s")
    assert code == 2 and "Traceback" not in out, out
    assert "dogs.csv field time: 6 time(s) end in a zone's abbreviation (first: line 3 " in out, out
    assert "'2026-03-01 10:00:04 AKST') and 6 carry no zone (first: line 2 " in out, out
    assert "--tz NAME" in out
    code, out = _ingest(src, tmp_path / "s2", "--tz", "America/Anchorage")
    assert code == 0, out
    every = tmp_path / "all.csv"  # the word on every row: read as before, no refusal
    every.write_text(
        _rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d} AKST,61.2,{-149.9 + 1e-4 * k}")
    )
    assert _ingest(every, tmp_path / "s3")[0] == 0


def test_a_microdegree_header_over_x1e7_values_says_x1e7(tmp_path):
    """badin29 heldout.py 16: `LAT_e6` over 411,500,000 was told "they look projected"."""
    src = tmp_path / "police.csv"
    src.write_text(_rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d},411500000,{-86100000 + 100 * k}",
                         header="id,time,LAT_e6,LONG_e6"))  # fmt: skip
    code, out = _ingest(src, tmp_path / "s")
    assert code == 2 and "projected" not in out, out
    assert "police.csv line 2 field LAT_e6: 411,500,000 is degrees x 10^7 (41.15000)" in out, out
    assert "LAT_e6 -> LAT_e7" in out
    ok = tmp_path / "ok.csv"  # true microdegrees under the same names: read
    ok.write_text(_rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d},41150000,{-8610000 + 100 * k}",
                        header="id,time,LAT_e6,LONG_e6"))  # fmt: skip
    assert _ingest(ok, tmp_path / "s2")[0] == 0


def _decimals(values: list[str]) -> int:
    return max(len(v.split(".")[1]) if "." in v else 0 for v in values)


def test_lat_lon_csv_positions_are_rounded_as_the_projected_ones():
    """newuser29 / leftover29: `trajlm predict`'s lat / lon CSV wrote 15 digits
    (-8.60299999999998); now 7 decimals in degrees, as --crs output (mm in metres)."""
    from trajlm.cli_predict_output import csv_positions, output_names
    from trajlm.data.coerce import layout_of

    pred = pl.DataFrame({"traj_id": ["a"], "step": [1], "t": [0], "lat": [41.12345678912345],
                         "lon": [-8.60299999999998], "std_m": [3.0]})  # fmt: skip
    src = pl.DataFrame({"id": ["a", "a"], "time": [0, 60], "y": [41.0, 41.1], "x": [-8.6, -8.5]})
    layout = layout_of(src, traj_col="id", time_col="time", lat_col="y", lon_col="x")
    out = output_names(pred, layout, csv=True)
    assert out["y"].to_list() == [41.1234568] and out["x"].to_list() == [-8.603]
    assert output_names(pred, layout)["y"].to_list() == [41.12345678912345]  # Parquet: as is
    metres = csv_positions(pl.DataFrame({"y": [5333045.460066889]}), ("y", None), "EPSG:25832")
    assert metres["y"].to_list() == [5333045.46]


def test_cli_recover_csv_writes_7_decimals(tmp_path):
    """`trajlm recover`'s CSV wrote the recovered lat / lon with 15-17 digits."""
    from trajlm.data.features import NormStats
    from trajlm.data.synthetic import generate_city
    from trajlm.model import ModelConfig, TrajectoryModel

    pts = generate_city(n_trajectories=2, seed=5).points.sort("traj_id", "t")
    k = pl.int_range(pl.len()).over("traj_id")
    hide = (k % 3 == 1) & (k < pl.len().over("traj_id") - 1)
    gaps = pts.select("traj_id", "t", *[pl.when(hide).then(None).otherwise(pl.col(c)).round(5)
                                        .alias(c) for c in ("lat", "lon")])  # fmt: skip
    gaps.write_csv(tmp_path / "gaps.csv")
    torch.manual_seed(0)
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)
    mc.stats = NormStats.fit(pts).to_dict()
    TrajectoryModel(mc).save_pretrained(tmp_path / "m")
    r = invoke_cli(["recover", "--model", tmp_path / "m", "--input", tmp_path / "gaps.csv",
                    "--out", tmp_path / "filled.csv"])  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = (tmp_path / "filled.csv").read_text().splitlines()
    cols = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    got = [row[cols.index(c)] for row in rows for c in ("lat", "lon")]
    assert 0 < _decimals(got) <= 7, got[:6]
    assert sum(row[cols.index("recovered")] == "true" for row in rows) > 0


@pytest.fixture(scope="module")
def racer():
    from test_ask29 import race

    from trajlm.questions import Asker

    return Asker(race.__wrapped__(), columns={"traj_id": "bib", "t": "t", "label": "kind"},
                 tz="Europe/Madrid")  # fmt: skip


def test_ask_says_no_such_bib_and_reads_a_thousands_separator(racer):
    """badin29 ask.py 1, 3: "bib 9999" and "bib 2,003" were "did not understand"."""
    from trajlm.llm.plan import CannotAnswer

    with pytest.raises(CannotAnswer, match=r"no bib 9999 in the data \(its numbers run 1-5001"):
        racer("What was bib 9999's finish time, in minutes?")
    comma = racer("What was bib 2,003's finish time, in minutes?").value
    assert comma == racer("What was bib 2003's finish time, in minutes?").value > 0


def test_length_check_warns_at_the_callers_line():
    """review29: fallback_length warned at a hard-coded stacklevel=5 (a frame of pytest's here,
    or of any caller whose chain differs); now at the first frame outside trajlm."""
    from test_recover29 import backtest, fake_rec

    from trajlm.tasks.fallback_length import length_answer
    from trajlm.tasks.fallback_recover import FallbackWarning

    xs, ts, k2, gs, rows = backtest([40.0, 300.0])
    est = np.zeros_like(xs)
    est[:, 0] = np.where(ts < 100, 1.0, 50.0)
    errs = {"akima": np.full_like(xs, 5.0 / np.sqrt(2))}
    t = np.array([0, 30, 60, 300, 540], np.int64)
    known = np.array([1, 0, 1, 0, 1], bool)
    xy = np.array([[0.0, 0], [0, 0], [60, 0], [0, 0], [540, 0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        length_answer(fake_rec(None), np.full((5, 2), 7.0), (est, rows), errs, (xs, ts, k2, gs),
                      xy, t, known, np.zeros(5, int))  # fmt: skip
    said = [w for w in caught if issubclass(w.category, FallbackWarning)]
    assert len(said) == 1 and said[0].filename == __file__, [w.filename for w in said]


def test_vehicle_group_lives_in_fleet_words():
    """review29: a hospital's kinds of vehicle are no race words."""
    import trajlm.llm.fleet_words as fleet
    import trajlm.llm.race_words as race
    from trajlm.llm.grounding import DataWords

    assert not hasattr(race, "vehicle_group")
    words = DataWords(vehicles={v.lower(): v for v in ("POR-14", "POR-22", "AGV-1", "AGV-2")})
    assert fleet.vehicle_group("which porter drove most?", words) == (
        "which vehicle drove most?",
        "POR",
    )


def test_cli_data_match_csv_writes_7_decimals(tmp_path):
    """`trajlm data match --out m.csv` wrote the snapped match_lat / match_lon with 15+ digits."""
    from test_roads import write_l_network

    write_l_network(tmp_path / "net.geojson").write_parquet(tmp_path / "p.parquet")
    r = invoke_cli(["data", "match", tmp_path / "p.parquet", "--network", tmp_path / "net.geojson",
                    "--out", tmp_path / "m.csv"])  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = (tmp_path / "m.csv").read_text().splitlines()
    cols = lines[0].split(",")
    got = [line.split(",")[cols.index(c)] for line in lines[1:] for c in ("match_lat", "match_lon")]
    assert 0 < _decimals(got) <= 7, got[:4]
