"""POST /predict with a run whose prediction verdict is dead reckoning (session 26, fewval26).

Dead reckoning reads each history's reported speed and course (eval/dr_verdict.py). The server
parsed table rows into traj_id / t / lat / lon only and said the other keys were ignored, so a
dead-reckoning verdict never answered over HTTP: its fallback engine did, and the answer did not
say why (the line went to the server log). Here such a request keeps its rows' speed / course
keys (the names a store reads: motion_columns.SPEED_NAMES / COURSE_NAMES) as columns, and a query
without them gets the fallback line in every answer, as ``TrajLM.predict`` says it.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from trajlm.api_verdict import verdict_of
from trajlm.serve.output import EXTRA
from trajlm.serve.rows import IGNORED


def dr_verdict(model: Any, fallback: bool) -> dict | None:
    """The loaded run's prediction verdict where its engine is dead reckoning, else None (read
    without a word: TrajLM.predict says the verdict's lines inside the answer's call)."""
    v = (verdict_of(model) or {}).get("predict") if fallback else None
    if v is None:
        return None
    from trajlm.eval.dr_verdict import DR

    return v if v.get("engine") == DR else None


def with_reported_motion(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` (parsed with its rows' extra keys) with the reported speed and course keys as
    Float64 columns and the other keys dropped, said as ignored (rows.ignored_line)."""
    from trajlm.data.motion_columns import motion_columns

    if EXTRA not in df.columns:
        return df
    rows = [json.loads(x) if x else {} for x in df[EXTRA].to_list()]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    found = motion_columns(keys, sample=lambda k: [r.get(k) for r in rows[:10_000]])
    read = {found[0], found[2]} if found is not None else set()
    cols = [pl.Series(k, [number_or_none(r.get(k)) for r in rows], dtype=pl.Float64)
            for k in keys if k in read and k not in df.columns]  # fmt: skip
    IGNORED.set(tuple(sorted(str(k) for k in keys if k not in read)))
    return df.drop(EXTRA).with_columns(cols)


def reported_accuracy(columns: list[str]) -> str | None:
    """The column holding a phone's accuracy (``accuracy_m``, ``accuracy``, ...), or None."""
    from trajlm.data.clean_accuracy import estimate_column

    return estimate_column(columns, "accuracy_m")


def with_reported_accuracy(df: pl.DataFrame, keep_extra: bool) -> pl.DataFrame:
    """``df`` (parsed with its rows' extra keys) with a phone's accuracy key (``accuracy``,
    ``horizontalAccuracy``: the names ``trajlm.clean`` reads, clean_accuracy.estimate_column)
    as a Float64 column under its own key, so ``TrajLM.predict`` leaves out cell-tower fixes and
    allows each fix its accuracy in the stay rule, as for a frame (fix32: the key rode along
    unread). The other keys stay as extras where ``keep_extra``, else they are dropped and
    said as ignored (rows.ignored_line), as a parse without extras says them."""
    from trajlm.data.clean_accuracy import estimate_column
    from trajlm.serve.rows import extras_json

    if EXTRA not in df.columns:
        return df
    rows = [json.loads(x) if x else {} for x in df[EXTRA].to_list()]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    key = estimate_column(keys, "accuracy_m") if not reported_accuracy(df.columns) else None
    if key is not None:
        vals = [r.get(key) for r in rows]
        # the column keeps the client's key, so a warning names what they sent (fix33b: an
        # "accuracy": "good" was said as 'accuracy_m'); the API reads it as it reads a frame's
        if any(isinstance(v, str) for v in vals):  # text read by the API's rule: "5 m" in metres,
            # "good" said as unread (badin33: over HTTP such values were dropped without a word)
            col = pl.Series(str(key), [None if v is None else str(v) for v in vals], pl.Utf8)
        else:
            col = pl.Series(str(key), [number_or_none(v) for v in vals], dtype=pl.Float64)
        df = df.with_columns(col)
        rows = [{k: v for k, v in r.items() if k != key} for r in rows]
    if keep_extra:
        return df.with_columns(
            pl.Series(EXTRA, [extras_json(r) if r else None for r in rows], dtype=pl.Utf8)
        )
    IGNORED.set(tuple(sorted(str(k) for k in keys if k != key)))
    return df.drop(EXTRA)


def number_or_none(v: Any) -> float | None:
    """A row's speed / course value as the Python API casts a column: numbers and numeric text
    ("12", as a CSV export sends them; badin26: HTTP fell back where Python answered), else None
    (said: dead reckoning's no-usable-report line)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return None
    return None


def no_motion_lines(v: dict | None, df: pl.DataFrame, lines: list[str]) -> list[str]:
    """``lines`` with the fallback line where a dead-reckoning verdict met a query without
    speed / course (``TrajLM.predict`` says it once per loaded run; each answer says it)."""
    from trajlm.eval.dead_reckoning_reports import has_motion
    from trajlm.eval.dr_verdict import no_motion_line

    if v is None or has_motion(df):
        return lines
    line = no_motion_line(v)
    return lines if any(line in ln for ln in lines) else [*lines, line]
