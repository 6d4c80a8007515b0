"""newuser39: a researcher's own tram / bus AVL feed in the pretraining corpus, with the
cleaning they gave their own store (docs/pretraining.md "Session 39 (newuser39)")."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from trajlm.data.corpus import build_corpus, load_corpus_spec
from trajlm.errors import ConfigError

JUMP_ROWS = (7, 19)  # row indices of trip 0..: the bad fixes (2 km off)


def _avl_csv(path: Path, n_trips: int = 40, jumps: bool = True) -> Path:
    """Buses every 15 s at ~8 m/s on a straight street, `;`-separated with Norwegian names;
    trip 0 carries two bad fixes 2 km off (a 130 m/s step in and out of each)."""
    rows = ["tur_id;tidspunkt;breddegrad;lengdegrad"]
    for k in range(n_trips):
        for i in range(30):
            lat = 63.43 + (120.0 * i) / 111_320.0 + 0.002 * k
            lon = 10.39 + 0.0001 * (i % 2)
            if jumps and k == 0 and i in JUMP_ROWS:
                lat += 2000.0 / 111_320.0
            rows.append(f"B{k:02d};2026-03-{1 + k % 28:02d}T{7 + k // 28:02d}:{i // 4:02d}:{(i % 4) * 15:02d}Z;"
                        f"{lat:.6f};{lon:.6f}")  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


def _spec(tmp_path: Path, extra: str = "") -> Path:
    spec = tmp_path / "own.toml"
    spec.write_text(
        '[corpus]\nname = "own"\nval_trips_per_source = 2\n\n'
        '[[source]]\nname = "avl"\nformat = "csv"\npath = "avl.csv"\n'
        'columns = { traj_id = "tur_id", t = "tidspunkt", lat = "breddegrad", '
        'lon = "lengdegrad" }\n' + extra
    )
    return spec


def _build(tmp_path: Path, extra: str = "") -> tuple[dict, list[str]]:
    lines: list[str] = []
    spec = load_corpus_spec(_spec(tmp_path, extra), data_root=str(tmp_path))
    record = build_corpus(spec, tmp_path / "corpus", log=lines.append)
    return record, lines


def test_corpus_says_a_sources_jumps_and_the_key_that_drops_them(tmp_path):
    """Before: the bad fixes went into the corpus without a word (ingest alone warned, and only
    about steps over 340 m/s); now one line names the source, the count and the key."""
    _avl_csv(tmp_path / "avl.csv")
    record, lines = _build(tmp_path)
    said = [m for m in lines if "step(s) faster than" in m]
    assert len(said) == 1, lines
    assert said[0].startswith("corpus: avl: 4 step(s)")  # 2 fixes x (in, out)
    assert "clean = { max_speed_mps =" in said[0]
    jumps = record["sources"][0]["jumps"]
    assert jumps["steps"] == 4 and jumps["max_mps"] > 100
    on_disk = json.loads((tmp_path / "corpus" / "corpus.json").read_text())
    assert on_disk["sources"][0]["jumps"] == jumps


def test_corpus_source_clean_table_drops_them_as_ingest_does(tmp_path):
    """The key the line names works: the source is read as `data ingest --max-speed-mps 30`."""
    _avl_csv(tmp_path / "avl.csv")
    record, lines = _build(tmp_path, "clean = { max_speed_mps = 30, min_points = 5 }\n")
    assert not [m for m in lines if "step(s) faster than" in m], lines
    src = record["sources"][0]
    assert src["clean"] == {"max_speed_mps": 30, "min_points": 5}
    assert src["n_points"] == 40 * 30 - 2  # the two bad fixes dropped, nothing else
    manifest = json.loads((tmp_path / "corpus" / "sources" / "avl" / "manifest.json").read_text())
    assert manifest["drop_report"]["dropped"] == {"speed_outlier": 2}
    assert manifest["clean_config"]["max_speed_mps"] == 30


def test_clean_source_says_nothing_and_records_no_jumps(tmp_path):
    _avl_csv(tmp_path / "avl.csv", jumps=False)
    record, lines = _build(tmp_path)
    assert not [m for m in lines if "step(s) faster than" in m], lines
    assert "jumps" not in record["sources"][0] and "clean" not in record["sources"][0]


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ("clean = { max_speed = 30 }", "clean has no key 'max_speed'; did you mean max_speed_mps?"),
        ('clean = { "--max-speed-mps" = 30 }', "did you mean max_speed_mps?"),
        ('clean = { max_speed_mps = "fast" }', "clean['max_speed_mps']: got 'fast'"),
        ("clean = { max_gap_s = -5 }", "clean['max_gap_s']: got -5"),
        ('clean = "strict"', "clean must be a table"),
    ],
)
def test_bad_clean_table_is_one_line_naming_the_file_and_source(tmp_path, table, said):
    spec = _spec(tmp_path, table + "\n")
    with pytest.raises(ConfigError) as e:
        load_corpus_spec(spec, data_root=str(tmp_path))
    msg = str(e.value)
    assert said in msg and str(spec) in msg and "source[0]" in msg and "\n" not in msg


def test_jump_steps_threshold_follows_the_sources_own_speeds():
    """A walker's steps (1.4 m/s) and a car's (15 m/s): the limit is 4x each one's p99, with a
    20 m/s floor, so a normal fast trip is never called a jump."""
    import polars as pl

    from trajlm.data.corpus_clean import MIN_JUMP_MPS, jump_steps

    def table(speed: float) -> pl.DataFrame:
        n = 200
        return pl.DataFrame({"traj_id": ["a"] * n, "t": list(range(0, 10 * n, 10)),
                             "lat": [60.0 + speed * 10 * i / 111_320.0 for i in range(n)],
                             "lon": [10.0] * n})  # fmt: skip

    n, limit, _ = jump_steps(table(1.4))
    assert n == 0 and limit == MIN_JUMP_MPS
    n, limit, _ = jump_steps(table(15.0))
    assert n == 0 and math.isclose(limit, 60.0, rel_tol=0.01)
