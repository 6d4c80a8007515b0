"""Session 39 (scale39): the store read's scratch cut, same answers as before.

`check_model_input` of a store's split (already in (traj_id, t) order) no longer runs
clock_jumps' sort and group-bys, `in_traj_order` no longer shifts traj_id into one chunk, and
`validate` skips its three order checks on a table strictly in order. Each is checked against
the old code, kept here verbatim, on tables in order, shuffled, with ties, nulls, steps back,
several chunks and other integer types.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data import schema
from trajlm.data.schema import _ROW, LINE, Problem, check_model_input, clock_jumps, validate
from trajlm.data.table_order import ORDER, in_traj_order


def old_in_traj_order(df: pl.DataFrame, strict: bool = False) -> bool:  # session 35's
    if df.height < 2:
        return df.height == 0 or not df.select(pl.any_horizontal(pl.col(ORDER).is_null())).item()
    tid, t = pl.col("traj_id"), pl.col("t")
    later = t > t.shift(1) if strict else t >= t.shift(1)
    step = (tid > tid.shift(1)) | ((tid == tid.shift(1)) & later)
    ok = df.select(step.slice(1).all(ignore_nulls=False).alias("steps"),
                   (tid.null_count() + t.null_count() == 0).alias("no_nulls"))  # fmt: skip
    return all(v is True for v in ok.row(0))


def old_clock_jumps(df: pl.DataFrame) -> str | None:  # session 21's, before the fast path
    rows = df.select("traj_id", "t", _ROW, *[c for c in (LINE,) if c in df.columns]).sort(_ROW)
    back = rows.with_columns(b=(pl.col("t").diff() < 0).over("traj_id").fill_null(False))
    per = back.group_by("traj_id", maintain_order=True).agg(
        n_back=pl.col("b").sum(), n=pl.len(), first=pl.col(_ROW).filter(pl.col("b")).first()
    )
    jumps = per.filter((pl.col("n_back") > 0) & (pl.col("n_back") * 4 <= pl.col("n") - 1))
    if len(jumps) == 0:
        return None
    return f"{int(jumps['n_back'].sum())} {len(jumps)} {len(per)} {jumps['first'][0]}"


def old_validate(df: pl.DataFrame, min_t: int) -> list[Problem]:  # the checks, all of them
    problems: list[Problem] = []

    def _check(column: str, issue: str, bad: pl.Expr) -> None:
        idx = df.with_row_index("_i").filter(bad)["_i"]
        if len(idx):
            problems.append(Problem(column, issue, len(idx), int(idx[0])))

    for c in schema.REQUIRED:
        _check(c, "missing value (null or NaN)", pl.col(c).is_null())
    for c in ("lat", "lon"):
        _check(c, "NaN or infinite", ~pl.col(c).is_finite())
    _check("lat", "out of range [-90, 90]", pl.col("lat").abs() > 90)
    _check("lon", "out of range [-180, 180]", pl.col("lon").abs() > 180)
    _check("t", "before 1900", pl.col("t") < min_t)
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    _check("t", "not sorted by (traj_id, t)", same & (pl.col("t") < pl.col("t").shift(1)))
    _check(
        "t", "duplicate timestamp within trajectory", same & (pl.col("t") == pl.col("t").shift(1))
    )
    _check("traj_id", "not sorted", pl.col("traj_id") < pl.col("traj_id").shift(1))
    return problems


# ids of several lengths and scripts: the ids' is_sorted must order them as `<` does (bytes)
IDS = np.array(["", "a", "ab", "abc", "b", "B", "10", "9", "é", "z", "éa", "v0001_12345678901"])


def random_tables(seed: int, n_tables: int):
    """Small tables of few ids and times (ties, steps back, unsorted ids, a null), in order or
    not, some in two or three chunks (an empty one among them), t of several integer types."""
    rng = np.random.default_rng(seed)
    for _ in range(n_tables):
        n = int(rng.integers(2, 40))
        df = pl.DataFrame({"traj_id": np.sort(rng.choice(IDS, n)),
                           "t": np.sort(rng.integers(0, 6, n)) + 1_700_000_000,
                           "lat": rng.uniform(-1, 1, n), "lon": rng.uniform(-1, 1, n)})  # fmt: skip
        if rng.random() < 0.5:
            df = df.sort(ORDER)
        if rng.random() < 0.3:  # one time moved (a step back, a tie)
            i, v = int(rng.integers(0, n)), 1_700_000_000 + int(rng.integers(0, 6))
            df = df.with_columns(pl.when(pl.int_range(pl.len()) == i).then(v)
                                 .otherwise(pl.col("t")).alias("t"))  # fmt: skip
        if rng.random() < 0.2:  # rows shuffled
            df = df.sample(fraction=1.0, shuffle=True, seed=int(rng.integers(1 << 30)))
        if rng.random() < 0.05:  # a missing id
            df = df.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(None)
                                 .otherwise(pl.col("traj_id")).alias("traj_id"))  # fmt: skip
        if rng.random() < 0.3:
            df = df.with_columns(pl.col("t").cast(rng.choice([pl.Int32, pl.UInt32, pl.UInt64])))
        if rng.random() < 0.5:  # several chunks, as a store's part files and row groups read
            k = int(rng.integers(1, n))
            df = pl.concat([df.head(0), df.head(k), df.tail(n - k)], rechunk=False)
        yield df


def test_in_traj_order_is_the_old_answer():
    seen = set()
    for df in random_tables(0, 2000):
        for strict in (False, True):
            got = in_traj_order(df, strict)
            assert got == old_in_traj_order(df, strict), (df, strict)
            seen.add(got)
    assert seen == {True, False}


def test_in_traj_order_steps_back_at_a_chunk_boundary():
    df = pl.DataFrame({"traj_id": ["a"] * 4 + ["b"] * 2, "t": [1, 2, 3, 4, 1, 2]})
    for k in range(1, 6):  # every cut: a step back inside "a" is found wherever the chunks end
        two = pl.concat([df.head(k), df.tail(6 - k)], rechunk=False)
        assert in_traj_order(two)
        back = two.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(0)
                                .otherwise(pl.col("t")).alias("t"))  # fmt: skip
        assert not in_traj_order(pl.concat([back.head(k), back.tail(6 - k)], rechunk=False))
        tie = two.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(3)
                               .otherwise(pl.col("t")).alias("t"))  # fmt: skip
        cut = pl.concat([tie.head(k), tie.tail(6 - k)], rechunk=False)
        assert in_traj_order(cut) and not in_traj_order(cut, strict=True)


def test_in_traj_order_reads_float_times_as_before():
    df = pl.DataFrame({"traj_id": ["a", "a", "b"], "t": [1.5, float("nan"), 0.25]})
    assert in_traj_order(df) == old_in_traj_order(df)
    assert in_traj_order(df.head(2).reverse()) == old_in_traj_order(df.head(2).reverse())


def test_clock_jumps_and_validate_are_the_old_answers():
    said = set()
    for df in random_tables(1, 1000):
        if df["traj_id"].null_count():
            continue
        conformed = schema.conform(df.with_row_index(_ROW))
        line = clock_jumps(conformed)
        old = old_clock_jumps(conformed)
        assert (line is None) == (old is None), df
        if old is not None:  # the same counts and first row
            n_back, n_jumps, n_per, first = old.split()
            assert f"times go back {n_back} time(s) in {n_jumps} of {n_per}" in line
            assert f"row {first}," in line
        said.add(line is None)
        assert validate(conformed, schema.MIN_T_DATED) == old_validate(
            conformed, schema.MIN_T_DATED
        )
    assert said == {True, False}


def test_a_store_split_in_order_reads_as_before():
    """The whole check on a table in order, several chunks: the same table, no warning."""
    rng = np.random.default_rng(2)
    ids = np.repeat([f"v{i:03d}" for i in range(50)], 40)
    t = np.tile(np.arange(40) * 5, 50) + 1_700_000_000
    df = pl.DataFrame({"traj_id": ids, "t": t, "lat": rng.uniform(40, 41, 2000),
                       "lon": rng.uniform(-8, -7, 2000)})  # fmt: skip
    chunked = pl.concat([df.slice(i, 300) for i in range(0, 2000, 300)], rechunk=False)
    out = check_model_input(chunked.with_columns(pl.lit("train").alias("split")), "s")
    assert out.equals(df.with_columns(pl.lit("train").alias("split")))
    dup = chunked.with_columns(pl.when(pl.int_range(pl.len()) == 7).then(1_700_000_030)
                               .otherwise(pl.col("t")).alias("t"))  # fmt: skip
    with pytest.raises(schema.TrajlmInputError, match="duplicate timestamp within trajectory"):
        check_model_input(dup, "s")
