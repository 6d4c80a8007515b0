"""leftover37 item 1: ``TrajLM.similar(QUERY_PATH, STORE, format=...)`` gave ``format=`` to the
library store too, which refused it ("a trajlm store ... leave it out"): a query file could
not be given its format. The rule: ``format=`` / ``time_origin=`` / ``time_format=`` /
``on_error=`` read the side(s) given as a file's path; a store is known by its manifest, a
frame is read already. The CLI has no such options: each of --query / --database is read by
its own detection (a store by its manifest), and answers as the API does."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from helpers import tiny_model
from reliability_helpers import invoke

import trajlm
from trajlm.data.schema import TrajlmInputError


def _tracks(day_first: bool = False) -> pl.DataFrame:
    rows = []
    for v in range(6):
        for i in range(20):
            t = 1780470000 + v * 86400 + 15 * i
            rows.append({"trip": f"t{v}", "time": t, "lat": 41.15 + 0.0002 * i * (v + 1),
                         "lon": -8.61 + 0.0001 * i})  # fmt: skip
    df = pl.DataFrame(rows)
    if day_first:  # 03/06/2026 10:00:00: read only with time_format=
        stamp = pl.from_epoch("time", time_unit="s").dt.strftime("%d/%m/%Y %H:%M:%S")
        df = df.with_columns(stamp.alias("time"))
    return df


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("similar")
    _tracks().write_csv(d / "db.csv")
    trajlm.ingest(d / "db.csv", "auto", d / "store")
    # the query: trip t2 in a .txt file with day-first times
    _tracks(day_first=True).filter(pl.col("trip") == "t2").write_csv(d / "q.txt")
    model_dir = tiny_model(d / "model")
    return {"dir": d, "model_dir": model_dir, "lm": trajlm.TrajLM.from_pretrained(model_dir)}


def test_format_reads_the_query_file_not_the_store(library) -> None:
    d, lm = library["dir"], library["lm"]
    out = lm.similar(str(d / "q.txt"), str(d / "store"), k=2, format="csv",
                     time_format="%d/%m/%Y %H:%M:%S")  # fmt: skip
    # was: "format=, time_format=: ... is a trajlm store ... leave it out"
    assert out["trip"].to_list() == ["t2", "t2"]
    assert out["match"][0] == "t2_0" and out["distance"][0] == pytest.approx(0.0, abs=1e-6)


def test_a_file_database_is_read_with_them_too(library) -> None:
    d, lm = library["dir"], library["lm"]
    _tracks(day_first=True).write_csv(d / "db_dmy.txt")
    out = lm.similar(str(d / "q.txt"), str(d / "db_dmy.txt"), k=1, format="csv",
                     time_format="%d/%m/%Y %H:%M:%S")  # fmt: skip
    assert out["match"].to_list() == ["t2"]


def test_a_store_query_takes_them_for_a_file_database(library) -> None:
    d, lm = library["dir"], library["lm"]
    out = lm.similar(str(d / "store"), str(d / "q.txt"), k=1, format="csv",
                     time_format="%d/%m/%Y %H:%M:%S")  # fmt: skip
    assert "t2" in out["match"].to_list()


def test_no_file_on_either_side_is_still_refused_in_one_line(library) -> None:
    d, lm = library["dir"], library["lm"]
    with pytest.raises(TrajlmInputError, match="is a trajlm store.*leave it out"):
        lm.similar(str(d / "store"), str(d / "store"), k=1, format="csv")
    frame = _tracks()
    with pytest.raises(TrajlmInputError, match="read a file given by its path"):
        lm.similar(frame, str(d / "store"), k=1, format="csv")


def test_cli_reads_query_file_and_store_each_by_its_own_kind(library, tmp_path: Path) -> None:
    d, lm = library["dir"], library["lm"]
    _tracks().filter(pl.col("trip") == "t2").write_csv(d / "q_unix.txt")
    out = tmp_path / "o.csv"
    r = invoke("similar", "--model", library["model_dir"], "--query", d / "q_unix.txt",
               "--database", d / "store", "--k", "2", "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    cli = pl.read_csv(out)
    api = lm.similar(str(d / "q.txt"), str(d / "store"), k=2, format="csv",
                     time_format="%d/%m/%Y %H:%M:%S")  # fmt: skip
    assert cli["match"].to_list() == api["match"].to_list()
    assert cli["distance"].to_list() == pytest.approx(api["distance"].to_list(), abs=1e-6)
