"""Which column tells a file's tracks apart, read from a sample of its rows (split out of
layouts.py by idea, review39b; every public name is re-exported there):

- a guessed trajectory id unique on every sampled row is a row key (Traccar's `id`), not a trip
  id: a lower-tier id name is read instead, or the file is refused naming --traj-col
  (``row_key_fallback``, ``row_key_read_as_id``; session 15);
- a file about to be read as one trajectory whose times go back in file order holds several:
  the columns that tell them apart (``several_tracks``), and an id nested in a parent
  (``nested_id``, ``nested_parent``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trajlm.data.column_names import TRAJ, by_ending, candidates, one_trip, tier_of
from trajlm.data.readers._headers import ROW_KEY_SAMPLE, id_sample
from trajlm.data.schema import TrajlmInputError

# A guessed trajectory id that differs on every one of this many sampled rows (or more) is a
# row key (Traccar's `id`), not a trip id: every point would be its own trajectory.
ROW_KEY_MIN_ROWS = 100
ROW_KEY = "row key (unique per row)"  # said in the guessed columns, not a ColumnMap field


def row_key_fallback(
    path: Path, format: str, sep: str, column: str, have: list[str]
) -> dict[str, str]:
    """For a guessed trajectory id `column` that is unique on every sampled row (at least
    ROW_KEY_MIN_ROWS): {"traj_id": the first id name of a lower tier in the header, ROW_KEY:
    column}, or a TrajlmInputError naming the column and --traj-col when the
    header has none. {} when the column repeats (a trip id) or cannot be sampled."""
    values = id_sample(path, format, sep, column)
    if values is None or len(values) < 2:
        return {}
    if len(set(values)) < len(values) and not row_key_per_owner(path, format, sep, column, have):
        return {}
    tier = tier_of(TRAJ, column)
    lower = (
        candidates(TRAJ[tier + 1 :], [c for c in have if c != column]) if tier is not None else []
    )
    if len(values) < ROW_KEY_MIN_ROWS:  # a short file: only a lower id that repeats (a mover
        # with several fixes) outweighs the name; leftover31: a 40-row Traccar export was read
        # by `id`, every fix its own trip, and the refusal advised --max-gap-s
        mover = id_sample(path, format, sep, lower[0]) if lower else None
        if not mover or len(set(mover)) == len(mover):
            return {}
    if lower:
        return {"traj_id": lower[0], ROW_KEY: column}
    # heldout38: TeslaMate's `id` beside `car_id` / `drive_id`: the one `*_id` named as a trip
    lower = one_trip(by_ending("traj_id", [c for c in have if c != column]))
    if len(lower) == 1:
        return {"traj_id": lower[0], ROW_KEY: column}
    named = f" ({' / '.join(map(repr, lower))} may name the mover)" if lower else ""
    raise TrajlmInputError(
        f"column {column!r} (guessed as the trajectory id) differs on every one of the first "
        f"{len(values):,} rows: a row key, not a trip id (every point its own trajectory){named}; "
        "name the trajectory column with --traj-col (Python: columns=ColumnMap(traj_id=...))",
        path=path,
        field=column,
    )


def row_key_per_owner(path: Path, format: str, sep: str, column: str, have: list[str]) -> bool:
    """True when the guessed id `column`, some of whose sampled values repeat, differs on every
    row of each vehicle / user of an owner column (`car_id`) once exact copies of rows are set
    aside: two exports joined, each numbering its rows from 1, or one export's rows copied (fix40:
    two TeslaMate cars' `id` read as 1,156 two-point trips, each jumping between the cars; badin39
    213: a car's rows copied under another `car_id` ended "no points left"). An id whose repeats
    are distinct rows of one owner is a trip id, as before."""
    import polars as pl

    from trajlm.data.column_names import normalised
    from trajlm.data.readers.owner_columns import OWNER_NAMES

    rows = sample_rows(path, format, sep, have, have)
    if rows is None or column not in rows.columns:
        return False
    rows = rows.unique(maintain_order=True)  # a row and its exact copy: one row
    if not rows[column].is_duplicated().any():
        return True
    by_name = {normalised(c): c for c in have}
    for owner in (by_name[n] for n in OWNER_NAMES if n in by_name and by_name[n] != column):
        pairs = rows.select(pl.col(owner), pl.col(column))
        if pairs[owner].n_unique() >= 2 and not pairs.is_duplicated().any():
            return True
    return False


def row_key_read_as_id(paths: list[Path], format: str, columns: Any) -> str | None:
    """The trajectory id column when it differs on every sampled row of the first file (2+
    rows): said when no point is left because every fix was its own trip (leftover31: a short
    Traccar file without `deviceid` was advised --max-gap-s)."""
    col = getattr(columns, "traj_id", None)
    if not paths or not isinstance(col, str) or format not in ("csv", "parquet"):
        return None
    values = id_sample(Path(paths[0]), format, getattr(columns, "sep", ","), col)
    return col if values and len(values) >= 2 and len(set(values)) == len(values) else None


def several_tracks(
    path: Path,
    format: str,
    sep: str,
    tcol: str,
    used: set[str],
    have: list[str],
    tdate: str | None = None,
    time_format: str | None = None,
    pos: tuple[str, str] | None = None,
) -> list[str]:
    """For a file about to be read as one trajectory (no id column recognised): the columns
    that look like the ids of several (times go back in file order on the sampled rows, and
    within each value of the column they do not; 2 to half as many values as rows), so that two
    trucks are not read as one jumping between them. [] when times are in order or no column
    fits (then the file is one trajectory, as before). `tdate`: the date column that goes with
    a time of day in `tcol` (Ruptela / Wialon Date + Time: formats21, two vehicles were merged
    because times of day alone did not parse). `time_format`: the one the reader will use (a
    `--time-format` pattern: session 24's dd-mm-yyyy taxis were merged into one). `pos`: the
    (lat, lon) columns: with times in order, the column whose values keep the steps possible
    while the file order jumps between movers (`_interleaved.py`; heldout35)."""
    import polars as pl

    from trajlm.data.readers._times import date_and_time, parse_time

    cols = [c for c in have if c not in used and c.strip() and not c.startswith("Unnamed: ")]
    tcols = [tdate, tcol] if tdate and tdate in have and tdate != tcol else [tcol]
    both = [c for c in pos or () if c in have]
    df = sample_rows(path, format, sep, have, [*tcols, *cols, *both])
    if df is None:  # the reader says what is wrong with the file
        return []
    text = date_and_time(tdate, tcol) if len(tcols) == 2 else pl.col(tcol).cast(pl.Utf8)
    df = df.with_columns(_t=parse_time(text, time_format, unit="ms"))
    steps = df["_t"].diff().drop_nulls()
    if len(steps) and (steps <= 0).all() and (steps < 0).any():  # newest first (Splunk): read
        df, steps = df.reverse(), df.reverse()["_t"].diff().drop_nulls()  # oldest first
    in_order = len(steps) > 0 and bool((steps >= 0).all())
    if in_order and len(both) == 2:  # sorted by time: positions tell (heldout35)
        from trajlm.data.readers._interleaved import jumping_id

        lat, lon = (pl.col(c).cast(pl.Utf8).cast(pl.Float64, strict=False) for c in both)
        if found := jumping_id(df.with_columns(_lat=lat, _lon=lon), cols):
            return [found]
    # several movers' fixes at the same instants, rows in time order (leftover35: two ferries
    # every 60 s in a GeoPackage read as one track, refused as "duplicate timestamp" with
    # trajlm.clean advised, which kept one boat's fix a second): a quarter of the steps or more
    # repeat a time
    together = in_order and (steps == 0).sum() >= len(steps) / 4
    if together and len(both) == 2 and _one_fix_per_time(df, both):
        together = False  # one mover's fix on several rows (WiGLE: a row per network seen)
    if len(steps) == 0 or (in_order and not together):
        return []
    out, blocks = [], []
    for c in cols:
        n = df[c].n_unique()
        if not 2 <= n <= len(df) // 2 or df[c].null_count():
            continue
        step = pl.col("_t").diff().drop_nulls()  # together: no time twice within one mover
        ordered = df.group_by(c).agg(((step > 0) if together else (step >= 0)).all().alias("ok"))
        if ordered["ok"].all():
            out.append(c)
        elif _changes_where_time_goes_back(df, c) or _separates_repeated_times(df, c):
            blocks.append(c)
    return out or blocks


def _one_fix_per_time(df: Any, pos: list[str]) -> bool:
    """Rows repeating a time (parsed into `_t`) repeat the position too, nearly all (9 in 10):
    several records of one fix (heldout37b: a wardriving log's networks seen at each fix, 1 to
    8 rows a fix, was refused as movers at the same instants, advising the network's MAC as
    the id), not several movers side by side."""
    import polars as pl

    same_t = pl.col("_t").diff() == 0
    same_pos = pl.all_horizontal(pl.col(c) == pl.col(c).shift(1) for c in pos)
    got = df.select(same_t.sum().alias("t"), (same_t & same_pos).sum().alias("both")).row(0)
    return got[0] > 0 and got[1] >= 0.9 * got[0]


def sample_rows(path: Path, format: str, sep: str, have: list[str], names: list[str]) -> Any:
    """The first ROW_KEY_SAMPLE rows of `names` as text (a polars DataFrame), or None when the
    file does not read so (the reader then says what is wrong with it)."""
    import polars as pl

    try:
        if format == "parquet":
            df = pl.scan_parquet(path).select(*dict.fromkeys(names)).head(ROW_KEY_SAMPLE).collect()
            return df.with_columns(pl.col(names[0]).cast(pl.Utf8))
        from trajlm.data.readers._lines import COMMENT_LINES, comment_lines

        with path.open("rb") as f:
            skip = comment_lines([f.readline(1 << 16) for _ in range(COMMENT_LINES + 1)])
        # columns by position: a Latin-1 header (`Längengrad`) reads as other names in
        # utf8-lossy, and one missing name made the sample fail (heldout24: two skiers as one)
        want = sorted({have.index(c): c for c in names}.items())
        df = pl.read_csv(
            path,
            separator=sep,
            columns=[i for i, _ in want],
            n_rows=ROW_KEY_SAMPLE,
            infer_schema=False,
            truncate_ragged_lines=True,
            skip_rows=skip,
            encoding="utf8-lossy",
        )
        df.columns = [c for _, c in want]  # fmt: skip
        return df
    except Exception:
        return None


def _runs(s: Any) -> int:
    """The runs of one value in a column (a polars Series), in row order."""
    return int((s != s.shift(1)).fill_null(True).sum())


def nested_id(
    path: Path, ids: list[str], have: list[str], tcol: str, used: set[str]
) -> tuple[str, str] | None:
    """(parent, id) where `several_tracks`' first column `ids[0]` gives one value to several
    movers, numbered again inside another column (heldout34: a travel survey's `persid` 1, 2, 3
    inside every `hhid`; `--traj-col persid`, as the refusal advised, read every household's
    person 1 as one mover jumping across the city): its values recur in separate runs of rows,
    and with a parent column (not a time / position column; each of its values one block of
    rows) each (parent, id) pair is one run whose times keep in order. None otherwise. CSV
    files (the sampled rows)."""
    import polars as pl

    from trajlm.data.readers._times import parse_time

    if not ids or path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return None
    c = ids[0]
    try:
        df = pl.read_csv(path, n_rows=ROW_KEY_SAMPLE, infer_schema=False, encoding="utf8-lossy",
                         truncate_ragged_lines=True)  # fmt: skip
    except Exception:  # the reader says what is wrong with the file
        return None
    if c not in df.columns or tcol not in df.columns:
        return None
    df = df.with_columns(_t=parse_time(pl.col(tcol), None, unit="ms"))
    p = nested_parent(df, c, [p for p in have if p != tcol and p not in used], "_t")
    return None if p is None else (p, c)


def nested_parent(df: Any, c: str, parents: list[str], t: str) -> str | None:
    """The column of `parents` that id column `c` of frame `df` is numbered again inside (see
    `nested_id`; time column `t`, any type that orders), else None. Files and frames."""
    import polars as pl

    if c not in df.columns or _runs(df[c]) <= df[c].n_unique():
        return None  # each value one run: not numbered again
    for p in parents:
        if p == c or p not in df.columns or df[p].null_count():
            continue  # (callers leave time / position columns out: heldout24's AVL `lon`)
        n = df[p].n_unique()
        if not 2 <= n < len(df) // MIN_BLOCK_ROWS or n != _runs(df[p]):
            continue  # a parent's values each one block of rows (households one after another)
        pair = pl.concat_str(pl.col(p).cast(pl.Utf8), pl.col(c).cast(pl.Utf8), separator="\0")
        one_run = df.select(((pair != pair.shift(1)).fill_null(True)).sum()).item()
        ordered = df.group_by(p, c).agg((pl.col(t).diff().drop_nulls() >= 0).all().alias("ok"))
        # a parent holding only one value of `c` each makes `c` its attribute (a trip's driver,
        # who drives other trips too), not a numbering inside it: `p` alone is the mover there
        inside = df.group_by(p).agg(pl.col(c).n_unique().alias("n"))["n"].max()
        if one_run == df.select(pair.n_unique()).item() and ordered["ok"].all() and inside > 1:
            return p
    return None


# Rows a value runs on average (or more) for a column to be read as the ids of blocks of rows:
# a speed or a heading changes on most rows and also changes wherever the time goes back.
MIN_BLOCK_ROWS = 5


def _changes_where_time_goes_back(df: object, c: str) -> bool:
    """Whether column `c` holds long runs of one value (MIN_BLOCK_ROWS rows on average) and
    changes at every row where the time goes back: a fleet's export listed trip by trip, each
    unit with trips on several days not in time order (heldout24's ambulance sheet: `Unit`,
    whose second trip comes before its first; read as one trajectory jumping between them)."""
    import polars as pl

    v = df[c].cast(pl.Utf8)  # type: ignore[index]
    change = (v != v.shift(1)).fill_null(True)
    back = (df["_t"].diff() < 0).fill_null(False)  # type: ignore[index]
    runs = int(change.sum())
    return len(v) >= MIN_BLOCK_ROWS * runs and bool((~back | change).all())


def _separates_repeated_times(df: object, c: str) -> bool:
    """Whether column `c` holds long runs of one value (MIN_BLOCK_ROWS rows on average) and the
    file's repeated times are all between its values, none within one: two vans on the road at
    once, each listed trip by trip out of order (badin24: read as one trajectory, 40 of 160 rows
    dropped as duplicate times and the two vans joined)."""
    import polars as pl

    v = df[c].cast(pl.Utf8)  # type: ignore[index]
    runs = int((v != v.shift(1)).fill_null(True).sum())
    t = df["_t"]  # type: ignore[index]
    if len(v) < MIN_BLOCK_ROWS * runs or t.null_count() or t.n_unique() == len(t):
        return False
    within = df.group_by(c).agg(pl.col("_t").is_duplicated().any().alias("d"))  # type: ignore[attr-defined]
    return not within["d"].any()
