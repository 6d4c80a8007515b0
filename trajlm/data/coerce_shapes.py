"""Frame shapes ``coerce`` reads before it picks columns (session 18, pyuser18), so that a
DataFrame is read as a file with the same columns is (trajlm/data/readers):

- pandas -> Polars (a DatetimeIndex read as the time column);
- one column holding the point (struct, pair list, WKB / WKT / "lat,lon" text): split into
  lat / lon and packed back (trajlm/data/coerce_points.py, importable from here as before);
- one row per trajectory with list columns (times, lats, lons): exploded to one row per fix;
- (times: trajlm/data/coerce_epochs.py).

Hostile frames (badin18, docs/reliability.md): non-WKB bytes, non-point WKT / text / lists,
list columns of other lengths than the times' and Unix numbers in another unit than their
column's name are one line naming column and row; split coordinates are named after the
caller's column (`geometry.y`); hex WKB text (PostGIS) and shapely objects in pandas are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl

from trajlm.data.coerce_points import (  # noqa: F401  (importable from here, as before)
    one_item_points,
    pack_point,
    point_for_file,
    split_point,
)
from trajlm.data.column_names import LAT, LON, TIME, candidates
from trajlm.data.schema import TrajlmInputError


def pandas_frame(obj: Any, time_col: str | None) -> pl.DataFrame:
    """A pandas (or GeoPandas, positions already read) frame as Polars: a DatetimeIndex becomes
    the time column, NaN becomes null (a missing point). Other index levels stay where they
    are (a ``(trip_id, timestamp)`` MultiIndex is refused by coerce with the reset_index hint,
    tests/test_badapi_messages.py)."""
    import pandas as pd

    if isinstance(obj.index, pd.DatetimeIndex) and time_col not in obj.columns:
        obj = obj.reset_index(names=time_col or obj.index.name or "time")
    return from_pandas(obj)


def index_levels(obj: Any) -> list[str]:
    """The named levels of a pandas (Multi)Index, which hold columns a user may expect read."""
    index = getattr(obj, "index", None)
    names = [n for n in getattr(index, "names", []) if n is not None]
    return [str(n) for n in names if n not in obj.columns]


def from_pandas(obj: Any) -> pl.DataFrame:
    """pl.from_pandas, with a column Arrow cannot type (numbers and text mixed in an object
    column) named in one line instead of pyarrow's ArrowInvalid."""
    import pandas as pd

    if isinstance(obj.columns, pd.MultiIndex):  # badin34: was 'traj_col="(\'a\', \'traj_id\')"'
        raise TrajlmInputError(
            f"the columns are a MultiIndex of {obj.columns.nlevels} levels (e.g. "
            f"{obj.columns[0]!r}); trajlm reads one name a column",
            hint="flatten them first: df.columns = df.columns.get_level_values(-1), or "
            "['_'.join(map(str, c)) for c in df.columns]",
        )
    dup = obj.columns[obj.columns.duplicated()]
    if len(dup):  # else "mixes value types" below: obj[[col]] is then two columns
        raise TrajlmInputError(
            f"two columns are named {dup[0]!r}",
            field=str(dup[0]),
            hint="rename or drop one (df.loc[:, ~df.columns.duplicated()] keeps the first)",
        )
    obj = _shapely_as_wkb(obj)
    try:
        return pl.from_pandas(obj)
    except Exception as e:  # pyarrow.lib.ArrowInvalid / ArrowTypeError, polars errors
        for col in obj.columns:
            try:
                pl.from_pandas(obj[[col]])
            except Exception:
                kinds = sorted({type(v).__name__ for v in obj[col].head(1000)})
                raise TrajlmInputError(
                    f"column {col!r} mixes value types ({', '.join(kinds)})",
                    field=str(col),
                    hint="give one type per column (e.g. pd.to_numeric(..., errors='coerce'))",
                ) from e
        raise


def _shapely_as_wkb(obj: Any) -> Any:
    """A plain pandas column of shapely geometries (a frame that is no GeoDataFrame) as WKB
    bytes, read as any WKB point column (was "mixes value types (Point)")."""
    cols = [c for c in obj.columns if obj[c].dtype == object]
    geo = []
    for c in cols:
        first = obj[c].dropna().head(1).tolist()
        if first and type(first[0]).__module__.startswith("shapely"):
            geo.append(c)
    if not geo:
        return obj
    import shapely

    out = obj.copy()
    for c in geo:
        try:
            out[c] = [None if g is None else shapely.to_wkb(g) for g in obj[c].tolist()]
        except Exception:  # not all geometries: from_pandas names the column
            return obj
    return out


def explode_lists(df: pl.DataFrame, time_col: str | None) -> pl.DataFrame:
    """One row per trajectory with the times in a list column (and the positions in lists of
    the same lengths): one row per fix, the other columns repeated. Unchanged otherwise."""
    from trajlm.data.readers.layouts import epoch_unit_column

    tcol = time_col if time_col in df.columns else None
    if tcol is None:
        cols = [str(c) for c in df.columns]
        found = candidates(TIME, cols) or [c for c in cols if epoch_unit_column([c])]
        tcol = found[0] if len(found) == 1 else None
    if tcol is None or not isinstance(df.schema[tcol], pl.List):
        return df
    n = df[tcol].list.len()
    lists = [c for c, d in df.schema.items()
             if isinstance(d, pl.List) and (df[c].list.len() == n).all()]  # fmt: skip
    for c, d in df.schema.items():  # same length on some rows only: a row with values missing
        if not isinstance(d, pl.List) or c in lists:
            continue
        same = (df[c].list.len() == n).fill_null(False)
        if same.any() or candidates(LAT, [str(c)]) or candidates(LON, [str(c)]):
            i = int((~same).arg_true()[0])
            raise TrajlmInputError(
                f"row {i}: list column {c!r} has {df[c].list.len()[i]} values but the times "
                f"{tcol!r} have {n[i]}; each trajectory's lists give one value per fix",
                field=str(c),
                hint="fill the missing values with null, or give one row per fix",
            )
    return df.explode(lists)


@contextmanager
def komoot_start(cols: list, tcol: str, lon: str) -> Iterator[None]:
    """A "before 1990" refusal of a Komoot tour's `items` frame (lat, lng, alt, t) said as what
    is missing: `t` counts milliseconds from the tour's start `date`, a field of the tour, not
    of its items (heldout34b: told "elapsed seconds or another unit?", no word of `date`)."""
    try:
        yield
    except TrajlmInputError as e:
        komoot = tcol == "t" and lon == "lng" and {"lat", "lng", "t"} <= set(cols)
        if not komoot or "before 1990" not in str(e):
            raise
        raise TrajlmInputError(
            "a Komoot tour's coordinates `items` count t in milliseconds from the tour's "
            "start `date` (a field of the tour, not of its items), so these rows have no time",
            path=e.path,
            field=e.field,
            hint="add the start: df['t'] = pd.Timestamp(tour['date']) + pd.to_timedelta(df['t'], "
            "unit='ms'), or give the tour's JSON file, read with its start",
        ) from None
