"""newuser34: a researcher adds their own city's data to the pretraining corpus, pretrains,
evaluates and fine-tunes (docs/pretraining.md "Session 34 (newuser34)")."""

from __future__ import annotations

import json
from pathlib import Path

from trajlm.data.corpus import build_corpus, load_corpus_spec


def _local_times_csv(path: Path, n_trips: int = 12) -> Path:
    """Bike trips in local wall-clock text without a zone (a bike-share operator's export)."""
    rows = ["trip_id,recorded_at,lat,lng"]
    for k in range(n_trips):
        for i in range(15):
            rows.append(f"T{k:03d},2026-03-{10 + k % 10:02d} 08:{i:02d}:{k % 50:02d},"
                        f"{-37.81 + 0.0003 * i + 0.001 * k:.6f},{144.96 + 0.0002 * i:.6f}")  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


def _spec(tmp_path: Path, columns: str = "") -> Path:
    spec = tmp_path / "own.toml"
    spec.write_text(
        '[corpus]\nname = "own"\nval_trips_per_source = 5\n\n'
        f'[[source]]\nname = "bikes"\nformat = "csv"\npath = "bikes.csv"\n{columns}\n'
    )
    return spec


def test_corpus_says_when_a_sources_times_are_read_as_utc(tmp_path):
    """A source of zone-less local times was read as UTC without a word (ingest says it)."""
    _local_times_csv(tmp_path / "bikes.csv")
    lines: list[str] = []
    record = build_corpus(load_corpus_spec(_spec(tmp_path), data_root=str(tmp_path)),
                          tmp_path / "corpus", log=lines.append)  # fmt: skip
    said = [m for m in lines if "no zone" in m]
    assert len(said) == 1, lines
    assert "bikes" in said[0] and "'recorded_at'" in said[0] and 'tz = "Area/City"' in said[0]
    on_disk = json.loads((tmp_path / "corpus" / "corpus.json").read_text())
    assert on_disk["sources"][0]["times_read_as_utc"] == "recorded_at"
    assert record["sources"][0]["times_read_as_utc"] == "recorded_at"


def test_corpus_source_with_a_zone_reads_local_times_and_says_nothing(tmp_path):
    """The key the note names works: the source's times move by the zone's offset."""
    _local_times_csv(tmp_path / "bikes.csv")
    lines: list[str] = []
    spec = _spec(tmp_path, 'columns = { tz = "Australia/Melbourne" }')
    record = build_corpus(load_corpus_spec(spec, data_root=str(tmp_path)),
                          tmp_path / "corpus", log=lines.append)  # fmt: skip
    assert not [m for m in lines if "no zone" in m], lines
    assert "times_read_as_utc" not in record["sources"][0]
    from trajlm.data.store import read_store

    t0 = read_store(tmp_path / "corpus")["t"].min()
    assert t0 == 1773090000  # 2026-03-10 08:00 AEDT (UTC+11) = 2026-03-09 21:00 UTC
