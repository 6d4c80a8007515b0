"""fix36 (docs/data.md "Session 36 (fix36)"): ORC / Avro lake files are written as Parquet a
batch at a time (ORC stripes, runs of Avro blocks), not read whole; the table written is the
same. The peak memory itself: scripts/fix36/lake_memory.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from trajlm.data.readers import _lake_batches, read
from trajlm.data.readers._arrow_tables import as_parquet
from trajlm.errors import TrajlmInputError

N = 3000


def _table(n: int = N) -> pl.DataFrame:
    i = np.arange(n)
    return pl.DataFrame({"vehicle_id": [f"v{k % 3}" for k in i],
                         "event_time": 1_700_000_000 + 10 * (i // 3),
                         "latitude": 41.0 + 1e-4 * i, "longitude": -8.6 + 1e-4 * i,
                         "status": pl.Series([None if k % 2 else "moving" for k in i],
                                             dtype=pl.Utf8)})  # fmt: skip


def _avro(path: Path, df: pl.DataFrame, block: int = 250, **kw) -> None:
    parts = [df.slice(i, block) for i in range(0, df.height, block)] or [df]
    pl.concat(parts, rechunk=False).write_avro(path, **kw)  # Polars: one block per chunk


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """BATCH_ROWS 1,000; the heights of the frames Polars reads from Avro bytes, recorded."""
    monkeypatch.setattr(_lake_batches, "BATCH_ROWS", 1000)
    heights: list[int] = []
    real = pl.read_avro

    def spy(source, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        out = real(source, *a, **kw)
        heights.append(out.height)
        return out

    monkeypatch.setattr(pl, "read_avro", spy)
    return heights


@pytest.mark.parametrize("codec", ["uncompressed", "deflate", "snappy"])
def test_avro_is_read_a_run_of_blocks_at_a_time(tmp_path: Path, small_batches, codec) -> None:
    p, out = tmp_path / "t.avro", tmp_path / "t.parquet"
    _avro(p, _table(), compression=codec)
    as_parquet(p, out)
    assert small_batches == [1000, 1000, 1000]  # was: one read of all 3,000 rows
    assert pl.read_parquet(out).equals(_table())
    assert not list(tmp_path.glob(".*parts"))  # the parts are removed


def test_orc_is_read_a_stripe_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.orc as orc

    p, out = tmp_path / "t.orc", tmp_path / "t.parquet"
    big = _table(60_000)
    orc.write_table(big.to_arrow(), str(p), stripe_size=64 << 10)
    stripes = orc.ORCFile(str(p)).nstripes
    assert stripes > 1
    read_whole = []
    monkeypatch.setattr(orc, "read_table", lambda *a, **k: read_whole.append(1))
    as_parquet(p, out)
    assert not read_whole and pl.read_parquet(out).equals(big)


def test_an_empty_avro_file_keeps_its_columns(tmp_path: Path, small_batches) -> None:
    p, out = tmp_path / "t.avro", tmp_path / "t.parquet"
    _table().head(0).write_avro(p)
    as_parquet(p, out)
    assert pl.read_parquet(out).columns == _table().columns and small_batches == [0]


@pytest.mark.parametrize("damage", ["cut", "sync"])
def test_a_damaged_avro_block_is_one_line(tmp_path: Path, damage: str) -> None:
    p = tmp_path / "positions.avro"
    _avro(p, _table())
    data = p.read_bytes()
    if damage == "cut":
        p.write_bytes(data[: len(data) - 700])
    else:  # the last sync marker changed
        p.write_bytes(data[:-16] + bytes(16))
    with pytest.raises(TrajlmInputError, match="not readable as an Avro object container file"):
        read(p)


def test_a_lake_file_read_by_batches_reads_as_before(tmp_path: Path, small_batches) -> None:
    p = tmp_path / "telemetry.avro"
    _avro(p, _table())
    out, _ = read(p)
    assert out.height == N and sorted(out["traj_id"].unique()) == ["v0", "v1", "v2"]
