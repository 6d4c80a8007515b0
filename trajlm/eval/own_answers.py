"""Your own model's answers scored by the PROTOCOL harness (session 34, byo34).

A method that is not a trajlm model class (an LSTM, a Kalman filter, a published method) is
benchmarked in two steps: ``prediction_queries`` writes out the windows `trajlm eval --task
predict` scores (the inputs, and what must be answered: query id, k = 1..K, the target time;
the truth is never written), and ``AnswerModel`` plays the method's answers back to the harness,
so they are scored by the same metric code, beside every baseline, with the same paired CI.

The windows are ``make_prediction_task``'s on the scored split, exactly as ``run_eval`` builds
them (one per trajectory, or ``--windows``). A window's id is ``TRAJ@T``: its trajectory and the
Unix second of its last input fix (ties, from repeated timestamps, get ``#2``, ``#3``...), so
answers are matched by key, never by row order. Answers are refused whole, with one line naming
the file, row and field, when they miss a query, name one not asked, repeat one, hold a NaN or
a k outside 1..K: a partial file is never scored silently.

Recovery (``recovery_queries`` / ``RecoveryAnswerModel``) is the same with run_eval's masks: a
query per (mask, trajectory with a hidden point), ``MASK|TRAJ`` (``random-seed0``, ...,
``every-60s``, ...), its known fixes as inputs and one ask per hidden point.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.protocol_tasks import (
    PredictionTask,
    RecoveryTask,
)
from trajlm.errors import TrajlmInputError
from trajlm.eval.answer_queries import (  # noqa: F401  (importable from here, as before)
    asks_path,
    gap_ids,
    prediction_queries,
    recovery_queries,
    recovery_variants,
    scored_task,
    window_ids,
    write_table,
)

ANSWER_COLUMNS = ("query_id", "k", "lat", "lon")
ANSWER_SUFFIXES = (".csv", ".parquet")


# -------------------------------------------------------------------------------- answers


def _where(path: str, i: int, parquet: bool) -> str:
    """How a row is named: a CSV's line (the header is line 1), a table's row (from 1)."""
    return f"{path} row {i + 1}" if parquet else f"{path} line {i + 2}"


def read_answers(source: Any, label: str, local: bool = False) -> pl.DataFrame:
    """An answer table (a CSV / Parquet path, or a pandas / Polars frame) with query_id (text),
    k (integer), lat, lon (float) and ``_row`` (its row number); one line naming ``label``
    and the column when a column is missing or not of its kind. ``local``: a `--crs local`
    store's answers, x / y metres (columns x, y, as `data queries` writes its inputs; local37),
    read onto the plane's stand-in lat / lon (lat / lon columns: read as those, as before)."""
    parquet = False
    if isinstance(source, str | Path):
        path = Path(source)
        if path.suffix.lower() not in ANSWER_SUFFIXES:
            raise TrajlmInputError(
                f"{label} {path}: expected a .csv or .parquet file of query_id, k, lat, lon"
            )
        if not path.is_file():
            raise TrajlmInputError(f"{label} {path}: no such file")
        parquet = path.suffix.lower() == ".parquet"
        try:
            frame = (
                pl.read_parquet(path)
                if parquet
                else pl.read_csv(path, infer_schema=False)  # all text: checked column by column
            )
        except Exception as e:  # a file that is not CSV / Parquet: one line, not a traceback
            raise TrajlmInputError(f"{label} {path}: cannot be read ({type(e).__name__}: "
                                   f"{str(e).splitlines()[0] if str(e) else ''})") from None  # fmt: skip
    else:
        frame, parquet = _frame(source, label), True
    plane = local and {"x", "y"} <= set(frame.columns) and not {"lat", "lon"} & set(frame.columns)
    if plane:  # checked as numbers below, under the names given (x / y)
        frame = frame.rename({"y": "lat", "x": "lon"})
    missing = [c for c in ANSWER_COLUMNS if c not in frame.columns]
    if missing:
        raise TrajlmInputError(
            f"{label}: no column {', '.join(missing)} (has {', '.join(frame.columns) or 'none'})",
            hint="an answer file holds query_id, k (1..K), lat, lon: one row per ask of "
            "`trajlm data queries`",
        )
    frame = frame.select(ANSWER_COLUMNS).with_row_index("_row")

    def number(column: str, kind: Any) -> pl.Expr:  # text parsed, numbers cast (no round trip)
        text = frame.schema[column] == pl.String
        got = pl.col(column).str.strip_chars() if text else pl.col(column)
        return got.cast(kind, strict=False)

    out = frame.with_columns(
        pl.col("query_id").cast(pl.String),
        pl.when(number("k", pl.Float64) == number("k", pl.Float64).floor())  # 1.5 is no k
        .then(number("k", pl.Float64))
        .cast(pl.Int64, strict=False)
        .alias("k"),
        number("lat", pl.Float64),
        number("lon", pl.Float64),
    )
    shown = {"lat": "y", "lon": "x"} if plane else {}  # the user's names in the lines
    for column in ("query_id", "k", "lat", "lon"):
        bad = pl.col(column).is_null()
        if column in ("lat", "lon"):
            bad = bad | ~pl.col(column).is_finite()
        bad = out.filter(bad)
        if len(bad):
            i = int(bad["_row"][0])
            raw = frame[column][i]
            what = {"query_id": "an id", "k": "an integer"}.get(column, "a finite number")
            raise TrajlmInputError(
                f"{_where(label, i, parquet)} field {shown.get(column, column)}: {raw!r} is "
                f"not {what} "
                f"({len(bad)} such row{'s' if len(bad) > 1 else ''})",
                hint=None
                if column in ("query_id", "k")
                else "every ask needs a finite answer; a method that cannot answer a window "
                "must say where it would be (e.g. its last fix), never leave it blank",
            )
    if plane:
        from trajlm.data.geo import to_wgs84

        lat, lon = to_wgs84(out["lon"].to_numpy(), out["lat"].to_numpy(), "local")
        out = out.with_columns(lat=pl.Series(lat), lon=pl.Series(lon))
    return out.with_columns(pl.lit(parquet).alias("_parquet"))


def _frame(source: Any, label: str) -> pl.DataFrame:
    """A pandas or Polars frame as Polars; anything else refused naming ``label``."""
    if isinstance(source, pl.LazyFrame):  # as the model calls take one (badin36)
        source = source.collect()
    if isinstance(source, pl.DataFrame):
        return source
    if type(source).__module__.split(".")[0] in ("pandas", "geopandas"):
        twice = source.columns[source.columns.duplicated()]
        if len(twice):  # before: polars' "non-unique ... column names" (badin36)
            raise TrajlmInputError(f"{label}: two columns are named {twice[0]!r}; rename or "
                                   "drop one (df.loc[:, ~df.columns.duplicated()] keeps the "
                                   "first)", field=str(twice[0]))  # fmt: skip
        named = [n for n in source.index.names if n is not None and n not in source.columns]
        # query_id / k in the index (df.set_index(["query_id", "k"])) were dropped (badin36)
        return pl.from_pandas(source.reset_index(drop=not named))
    raise TrajlmInputError(
        f"{label}: expected a .csv / .parquet path or a pandas / Polars frame of query_id, k, "
        f"lat, lon, got {type(source).__name__}"
    )


# eval's own options: the split is --score-on here (it was said "--split", data queries'
# option; badin34b); trajlm.score rewords it with its keywords (api_answers._KEYWORDS)
FOREIGN_ID_HINT = (
    "answer the queries `trajlm data queries --split S` wrote for this store with the same "
    "--task, --windows and --seeds, and score them with --score-on S"
)


def match_answers(
    answers: pl.DataFrame, ids: list[str], ks: int | np.ndarray, label: str, what: str = "window"
) -> np.ndarray:
    """(sum of ks, 2) lat/lon of ``answers`` for the queries ``ids`` (in their order, each
    asking k = 1..its ks; an int: every query the same), flat; one line naming the first bad
    row when a row repeats an ask, names a query not asked, has a k the query does not ask or a
    lat/lon off the globe, or when an ask has no answer."""
    parquet = bool(answers["_parquet"][0]) if len(answers) else False
    where = lambda i: _where(label, int(i), parquet)  # noqa: E731
    ks = np.broadcast_to(np.asarray(ks, np.int64), (len(ids),))
    globe = answers.filter((pl.col("lat").abs() > 90) | (pl.col("lon").abs() > 180))
    if len(globe):
        r = globe.row(0, named=True)
        raise TrajlmInputError(f"{where(r['_row'])} field lat/lon: ({r['lat']}, {r['lon']}) is not "
                               "a position (lat in -90..90, lon in -180..180 degrees)")  # fmt: skip
    twice = answers.filter(pl.struct("query_id", "k").is_duplicated())
    if len(twice):
        r = twice.row(0, named=True)
        raise TrajlmInputError(f"{where(twice['_row'][1])} field query_id: query {r['query_id']!r} "
                               f"k={r['k']} is answered twice ({len(twice)} rows repeat an ask)")  # fmt: skip
    asked = pl.DataFrame({"query_id": pl.Series(ids, dtype=pl.String), "_n": ks,
                          "_first": np.cumsum(ks) - ks})  # fmt: skip
    got = answers.join(asked, on="query_id", how="left", maintain_order="left")
    foreign = got.filter(pl.col("_n").is_null())
    if len(foreign):
        raise TrajlmInputError(
            f"{where(foreign['_row'][0])} field query_id: {foreign['query_id'][0]!r} is no {what} "
            f"of this split ({foreign['query_id'].n_unique()} such ids)",
            hint=FOREIGN_ID_HINT,
        )
    off = got.filter((pl.col("k") < 1) | (pl.col("k") > pl.col("_n")))
    if len(off):
        r = off.row(0, named=True)
        raise TrajlmInputError(f"{where(r['_row'])} field k: {r['k']} is outside 1..{r['_n']} "
                               f"(query {r['query_id']!r} asks k = 1..{r['_n']})")  # fmt: skip
    want = int(ks.sum())
    if len(got) < want:
        have = set(zip(got["query_id"].to_list(), got["k"].to_list(), strict=True))
        gaps = [(q, j) for q, n in zip(ids, ks.tolist(), strict=True)
                for j in range(1, n + 1) if (q, j) not in have]  # fmt: skip
        q, j = gaps[0]
        raise TrajlmInputError(
            f"{label}: {len(gaps)} of {want} asks have no answer (first: query {q!r} k={j}); "
            "a partial file is not scored",
            hint="answer every ask of the queries (a method without an answer may repeat its "
            f"last fix), so every method is scored on the same {what}s",
        )
    out = np.empty((want, 2))
    at = (got["_first"] + got["k"] - 1).to_numpy()
    out[at, 0], out[at, 1] = got["lat"].to_numpy(), got["lon"].to_numpy()
    return out


class AnswerModel:
    """A ``TaskModel`` whose ``predict_next`` plays back an answer table (checked against the
    windows it is asked: the same ids, every ask answered once)."""

    # the asks give each answer's time (t): --at-report-times scores the file as it stands
    answers_at_asked_times = True

    def __init__(self, answers: pl.DataFrame, name: str, label: str) -> None:
        self.answers, self.name, self.label = answers, name, label

    def predict_next(self, task: PredictionTask) -> np.ndarray:
        k = task.target_t.shape[1]
        got = match_answers(self.answers, window_ids(task), k, self.label).reshape(-1, k, 2)
        _say_far(got, task, self.label)
        return got


FAR_ANSWER_KM = 1000.0  # no k-step answer of a window lies this far from its last input fix


def _say_far(got: np.ndarray, task: PredictionTask, label: str) -> None:
    """One warning when the answers lie a median FAR_ANSWER_KM+ from their windows' last input
    fixes (lat / lon exchanged was scored as a 7,509 km MAE, unsaid; badin34b)."""
    import warnings

    from trajlm.data.geometry import haversine

    last = task.hist_latlon[np.arange(len(got)), np.asarray(task.lengths) - 1]
    off = haversine(got[..., 0], got[..., 1], last[:, None, 0], last[:, None, 1])
    if len(got) and float(np.median(off)) > FAR_ANSWER_KM * 1000.0:
        warnings.warn(f"{label}: the answers lie a median {np.median(off) / 1000:,.0f} km from "
                      "their windows' last input fix: latitude and longitude exchanged, or "
                      "answers to another store's queries?", stacklevel=2)  # fmt: skip


class RecoveryAnswerModel:
    """A ``TaskModel`` whose ``recover`` plays back an answer table: the hidden points of the
    task it is asked (found among ``recovery``: the trajectory ids and named tasks of
    ``recovery_variants``) filled from the answers, the known ones kept."""

    def __init__(self, answers: pl.DataFrame, name: str, label: str, recovery: tuple) -> None:
        self.answers, self.name, self.label, self.recovery = answers, name, label, recovery

    def recover(self, task: RecoveryTask) -> np.ndarray:
        trajs, variants = self.recovery
        name = next((n for n, v in variants if v.setting == task.setting and
                     np.array_equal(v.known, task.known)), None)  # fmt: skip
        if name is None:
            raise TrajlmInputError(f"{self.label}: the harness asked a recovery task that "
                                   "`trajlm data queries --task recover` did not write")  # fmt: skip
        ids, ks = gap_ids(name, task, trajs)
        mine = self.answers.filter(pl.col("query_id").is_in(ids))
        out = task.latlon.copy()
        out[~task.known] = match_answers(mine, ids, ks, self.label, "gap query")
        return out


def answer_names(sources: list[Any], names: list[str]) -> list[str]:
    """The table's row name per answer source: its own name (one per source, or one source),
    else "NAME: FILE" (the file's stem; default NAME "answers"; frames are numbered)."""
    if len(names) == len(sources):
        return list(names)
    base = names[0] if names else "answers"
    stems = [Path(s).stem if isinstance(s, str | Path) else f"frame {i + 1}"
             for i, s in enumerate(sources)]  # fmt: skip
    if len(set(stems)) < len(stems):  # the same stem twice (two folders): numbered instead
        stems = [f"{i + 1}" for i in range(len(sources))]
    return [f"{base}: {s}" for s in stems]
