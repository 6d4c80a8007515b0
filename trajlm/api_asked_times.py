"""The times ``predict`` is asked for, as seconds after each trajectory's last fix: datetimes,
ISO strings or Unix seconds (one list, or per trajectory as a dict or an id / time frame),
``seconds_ahead``, a vehicle cut into pieces asked by its own id, sub-second parts kept (out of
api_inputs.py, review37; its names are importable from there as before)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.api_subsec import exact_last
from trajlm.data.coerce_epochs import unit_values
from trajlm.data.schema import SOURCE_ID, TrajlmInputError
from trajlm.data.times import time_column_seconds


def utc_seconds(values: Any, what: str) -> np.ndarray:
    """Datetimes / ISO strings / Unix seconds (scalar or sequence) -> (N,) float64 UTC seconds."""
    return seconds_and_kind(values, what)[0]


def seconds_and_kind(values: Any, what: str) -> tuple[np.ndarray, str]:
    """``utc_seconds`` and the times' kind ("epoch" for numbers; dates are read from 1900)."""
    if isinstance(values, str) or not hasattr(values, "__len__"):
        values = [values]  # one time for every row
    if np.asarray(values).dtype.kind == "M":  # numpy datetime64 of any unit (polars takes ms..ns)
        values = np.asarray(values).astype("datetime64[us]")
    try:
        s = values.alias(what) if isinstance(values, pl.Series) else pl.Series(what, values)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        raise TrajlmInputError(  # e.g. ISO text next to numbers (session 14, fuzz14)
            "times of mixed kinds; give all datetimes, all ISO strings or all Unix seconds",
            field=what) from None  # fmt: skip
    if len(s) == 0:
        raise ValueError(f"{what} is empty: give at least one time")
    if s.dtype.is_float() and not s.is_finite().all():
        raise TrajlmInputError("NaN / infinite time(s)", field=what)
    t, kind, _ = time_column_seconds(s.to_frame(), what)  # errors name the argument (field=what)
    if t.null_count():
        raise TrajlmInputError(f"{what}: missing time(s)", field=what)
    return t.to_numpy().astype(np.float64), kind


def asked_ahead(
    at_times: Any, seconds_ahead: Any, last: pl.DataFrame, traj_col: Any
) -> tuple[np.ndarray, np.ndarray | None, list[str] | None]:
    """The seconds after each trajectory's last point that ``predict`` is asked for: (B, m)
    ``req`` over the rows of ``last`` (traj_id, t), plus, when the times are given per
    trajectory (a dict or a two-column frame keyed by trajectory id), the (B, m) mask of the
    asked entries (shorter lists are padded with their last time) and the ids asked (``last``
    must then be restricted to them, in their order there). ``traj_col``: the id column's
    name, or the input's ``Layout``: then sub-second times (the input's fixes, the times
    asked) are kept: ``req`` from each trajectory's exact last fix, and the exact times asked
    recorded in ``layout.at_exact`` for the result (coerce.exact_times)."""
    asked = _asked_ahead(at_times, seconds_ahead, last, traj_col)
    if at_times is not None:  # zone-less times read as UTC: said, as a frame's (leftover34b)
        from trajlm.api_time_checks import zoneless_note

        zoneless_note(at_times, "at_times", None if isinstance(traj_col, str) else traj_col)
    return asked


def _asked_ahead(
    at_times: Any, seconds_ahead: Any, last: pl.DataFrame, traj_col: Any
) -> tuple[np.ndarray, np.ndarray | None, list[str] | None]:
    """``asked_ahead`` (see there), the times read."""
    layout = None if isinstance(traj_col, str) else traj_col
    traj_col = traj_col if layout is None else layout.traj_col
    if at_times is not None and layout is not None:
        at_times = unit_values(at_times, layout.epoch_unit, traj_col)  # by their own size (ms, s)
        return _asked_exact(at_times, last, traj_col, layout)
    what = "at_times" if at_times is not None else "seconds_ahead"
    values = at_times if at_times is not None else seconds_ahead
    per = _per_trajectory(values, last["traj_id"].to_list(), traj_col, what, layout)
    if per is None:
        if at_times is not None:
            return utc_seconds(at_times, what)[None, :] - last["t"].to_numpy()[:, None], None, None
        ahead = checked_seconds_ahead(seconds_ahead)
        if layout is not None:
            _record_exact_ahead(layout, last, last["traj_id"].to_list(), [ahead] * len(last))
        return np.broadcast_to(ahead[None, :], (len(last), len(ahead))), None, None
    t_last = dict(zip(last["traj_id"].to_list(), last["t"].to_numpy(), strict=True))
    ids = [i for i in last["traj_id"].to_list() if i in per]
    rows = [utc_seconds(per[i], what) - t_last[i] if at_times is not None else checked_seconds_ahead(per[i])
            for i in ids]  # fmt: skip
    if layout is not None and at_times is None:
        _record_exact_ahead(layout, last, ids, rows)
    m = max(len(r) for r in rows)
    req = np.stack([np.r_[r, np.full(m - len(r), r[-1])] for r in rows])
    valid = np.arange(m)[None, :] < np.array([len(r) for r in rows])[:, None]
    return req, valid, ids


def _record_exact_ahead(layout: Any, last: pl.DataFrame, ids: list, rows: list) -> None:
    """seconds_ahead's result times, exact: each trajectory's exact last fix + the seconds
    asked (``layout.at_exact``; the positions are computed there already). Without it a
    sub-second input or a fractional request was labelled with the whole-second sum plus the
    last fix's fraction (1.6 s after 03.2 read 05.2, not 04.8; session 17)."""
    if layout.frac is None and not any(np.any(r % 1 != 0) for r in rows):
        return  # whole seconds everywhere: the integer times of before, bit for bit
    t_last = exact_last(last, layout)
    layout.at_exact = pl.DataFrame({
        "traj_id": [i for i, r in zip(ids, rows, strict=True) for _ in r],
        "step": [k + 1 for r in rows for k in range(len(r))],
        "t": np.concatenate([t_last[i] + r for i, r in zip(ids, rows, strict=True)]),
    }, schema_overrides={"step": pl.Int64, "t": pl.Float64})  # fmt: skip


def _exact_seconds(values: Any, what: str, layout: Any = None) -> np.ndarray:
    """``utc_seconds`` with the part below the second kept (datetimes, ISO text, Unix seconds).
    ``layout``: naive datetimes asked of a frame whose times carry a zone are refused
    (``naive_against_aware``)."""
    from trajlm.api_time_checks import asked_in_zone, missing_time, naive_against_aware
    from trajlm.data.times import sub_seconds

    missing_time(values, what)
    naive_against_aware(values, layout, what)
    t = asked_in_zone(values, utc_seconds(values, what), layout, what)
    if isinstance(values, str) or not hasattr(values, "__len__"):
        values = [values]
    if np.asarray(values).dtype.kind == "M":
        values = np.asarray(values).astype("datetime64[us]")
    s = values.alias(what) if isinstance(values, pl.Series) else pl.Series(what, values)
    sub = sub_seconds(s.to_frame(), what)
    return t if sub is None else t + sub.to_numpy()


def _asked_exact(at_times: Any, last: pl.DataFrame, traj_col: str, layout: Any):
    """``asked_ahead`` for at_times, sub-second parts kept (see there)."""
    what = "at_times"
    ids_all = last["traj_id"].to_list()
    t_exact = exact_last(last, layout)
    t_last = np.array([t_exact[i] for i in ids_all], np.float64)
    per = _per_trajectory(at_times, ids_all, traj_col, what, layout)
    if per is None and getattr(layout, "pieces", None) is not None:
        # one list of times for vehicles cut into pieces: a vehicle's earlier pieces ended
        # hours before (their answers were NaN beside a warning): asked of its last piece only
        per = _latest_pieces({k: at_times for k in layout.pieces[SOURCE_ID].unique()},
                             set(ids_all), layout.pieces)  # fmt: skip
        per = {k: v for k, v in per.items() if k in set(ids_all)}
    if per is None:
        asked = _exact_seconds(at_times, what, layout)
        rows, ids, out_ids = [asked] * len(ids_all), ids_all, None
        req = asked[None, :] - t_last[:, None]
    else:
        ids = out_ids = [i for i in ids_all if i in per]
        rows = [_exact_seconds(per[i], what, layout) for i in ids]
        tl = dict(zip(ids_all, t_last, strict=True))
        m = max(len(r) for r in rows)
        req = np.stack(
            [np.r_[r, np.full(m - len(r), r[-1])] - tl[i] for r, i in zip(rows, ids, strict=True)]
        )
    valid = None
    if per is not None:
        m = req.shape[1]
        valid = np.arange(m)[None, :] < np.array([len(r) for r in rows])[:, None]
    exact = layout.frac is not None or any(np.any(r % 1 != 0) for r in rows)
    if exact:
        layout.at_exact = pl.DataFrame({
            "traj_id": [i for i, r in zip(ids, rows, strict=True) for _ in r],
            "step": [k + 1 for r in rows for k in range(len(r))],
            "t": np.concatenate(rows).astype(np.float64),
        }, schema_overrides={"step": pl.Int64})  # fmt: skip
    else:  # whole seconds everywhere: the integer request of before, bit for bit
        req = np.rint(req)
    return req, valid, out_ids


MAX_AHEAD_S = 365 * 86_400.0  # far beyond any rollout (NaN + a warning past its reach)


def checked_seconds_ahead(seconds_ahead: Any) -> np.ndarray:
    items = np.asarray(seconds_ahead, dtype=object).reshape(-1).tolist()
    try:  # badin25: [True] was read as 1 s; ["x"] / [timedelta]: numpy's lines, no field named
        if any(isinstance(v, (bool, np.bool_)) for v in items):
            raise TypeError
        ahead = np.array([np.nan if v is None else float(v) for v in items], np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"seconds_ahead must be numbers of seconds (e.g. [30, 60]), got "
                         f"{items[:5]!r}") from None  # fmt: skip
    if ahead.size == 0 or not np.all(np.isfinite(ahead)) or np.any(ahead <= 0):
        raise ValueError(
            f"seconds_ahead must be finite numbers > 0 (after each trajectory's last "
            f"point), got {[float(a) for a in ahead[:5]]}"  # nan, not np.float64(nan)
        )
    if np.any(ahead > MAX_AHEAD_S):  # 1e300 overflowed the output times (fuzz14)
        raise ValueError(
            f"seconds_ahead must be at most {MAX_AHEAD_S:.0f} s (a year), got {ahead.max():g}"
        )
    return ahead


def _per_trajectory(
    values: Any, ids: list[str], traj_col: str, what: str, layout: Any = None
) -> dict | None:
    """{trajectory id (as trajlm reads it, a string): its times} from a dict or a frame of
    (trajectory id, time) rows; None for one list of times for every trajectory. A vehicle cut
    into pieces (``layout.pieces``, coerce_pieces.py) is asked by its own id: its last piece."""
    if isinstance(values, dict):
        have = set(ids)
        per = {id_key_text(k, have): v for k, v in values.items()}
    elif hasattr(values, "columns") and not hasattr(values, "geometry"):
        df = values if isinstance(values, pl.DataFrame) else pl.from_pandas(values)
        key = next((c for c in (traj_col, "traj_id") if c in df.columns), None)
        others = [c for c in df.columns if c != key]
        if key is None or len(others) != 1:
            raise TrajlmInputError(
                f"{what} as a frame: give two columns, the trajectory id ({traj_col!r}) and "
                f"the times; got {df.columns}", field=what)  # fmt: skip
        df = df.with_columns(pl.col(key).cast(pl.Utf8))
        per = {k: g[others[0]] for (k,), g in df.group_by(key, maintain_order=True)}
    else:
        return None
    per = _latest_pieces(per, set(ids), getattr(layout, "pieces", None), what)
    known = set(ids)
    unknown = [k for k in per if k not in known]
    if unknown:
        raise TrajlmInputError(
            f"{what}: {len(unknown)} trajectory id(s) not in the data, e.g. {unknown[0]!r}",
            field=what, hint=f"key the times by the values of the id column {traj_col!r}")  # fmt: skip
    if not per or any(len(np.atleast_1d(np.asarray(v, dtype=object))) == 0 for v in per.values()):
        raise ValueError(f"{what}: give at least one time per trajectory listed")
    return per


def _latest_pieces(
    per: dict, ids: set[str], pieces: pl.DataFrame | None, what: str = "at_times"
) -> dict:
    """``per`` with a vehicle's own id (not a piece id) re-keyed to its last piece."""
    if pieces is None:
        return per
    last = pieces.sort("piece").group_by(SOURCE_ID, maintain_order=True).last()
    latest = dict(zip(last[SOURCE_ID].to_list(), last["traj_id"].to_list(), strict=True))
    out: dict = {}
    named: dict = {}
    for k, v in per.items():
        # a vehicle's own id first (vehicle 'X_1' is not piece 1 of vehicle 'X'), then a piece id
        key = latest[k] if k in latest else k
        if key in out:  # badin21: {"A": [60], "A_1": [30]} kept one of them without a word
            raise TrajlmInputError(
                f"{what}: keys {named[key]!r} and {k!r} both ask trajectory {key!r} (a vehicle's own id "
                "asks its last piece); give one of them, or both times under one key",
                field=what,
            )
        out[key], named[key] = v, k
    return out


def id_key_text(key: Any, ids: set[str]) -> str:
    """A per-trajectory dict's key as trajlm's text id: True -> "true" (as Polars writes a
    boolean id), and a number matched by value (1 for the float id "1.0", 2.0 for "2")."""
    if isinstance(key, bool | np.bool_):
        return str(bool(key)).lower()
    text = str(key)
    if text in ids or not isinstance(key, int | float | np.integer | np.floating):
        return text
    value = float(key)
    tries = [repr(value)] + ([str(int(value))] if value.is_integer() else [])
    return next((t for t in tries if t in ids), text)
