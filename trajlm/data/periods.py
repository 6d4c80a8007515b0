"""A match's periods (sports37): a column naming the half / period each fix belongs to
(`Period` in Metrica's and TRACAB's feeds as pitch_feeds writes them, `period` in Second
Spectrum-like long tables, `half`) is kept as the store's `period`, and each mover's track is cut
where it changes (clean_split.GapSplitter), so the halves are two trips even where half-time is
shorter than the gap rule (15 min under 30 min) or, as in Metrica's feed, the frames run on
through it with no gap at all. The cut is counted as `period_splits`; `ask` reads the column for
"first half" / "second half" (llm/sports_answers.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import polars as pl

PERIOD = "period"
PERIOD_NAMES = ("period", "period_id", "half", "match_period", "game_period")


def keep_period_column(
    paths: str | Path | Sequence[str | Path], format: str, columns: object
) -> tuple[object, str | None]:
    """csv / parquet: keep a column named like PERIOD_NAMES as the store's ``period`` unless the
    map keeps one already. Returns the map to read with and the column taken (None: none)."""
    from trajlm.data.column_names import normalised
    from trajlm.data.readers import ColumnMap
    from trajlm.data.readers.detect import read_header, rglob_follow

    cm = columns or ColumnMap()
    if format not in ("csv", "parquet") or PERIOD in cm.extra:  # type: ignore[attr-defined]
        return columns, None
    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    if first.is_dir():
        first = next(iter(rglob_follow(first, f"*.{format}")), first)
    have = read_header(first, format, cm.sep) if first.is_file() else None  # type: ignore[attr-defined]
    used = {cm.traj_id, *cm.time_columns(), cm.lat, cm.lon, *cm.extra.values()}  # type: ignore[attr-defined]
    by_name = {normalised(c): c for c in reversed(have or []) if c not in used}
    col = next((by_name[n] for n in PERIOD_NAMES if n in by_name), None)
    if col is None:
        return columns, None
    return dataclasses.replace(cm, extra={**cm.extra, PERIOD: col}), col  # type: ignore[attr-defined, type-var]


def period_changes(first_row: pl.Expr) -> pl.Expr:
    """True on a trajectory's fix whose period differs from the fix before it (not its first)."""
    step = pl.col(PERIOD).cast(pl.Utf8) != pl.col(PERIOD).cast(pl.Utf8).shift(1)
    return ~first_row.fill_null(True) & step.fill_null(False)
