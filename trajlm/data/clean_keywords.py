"""``trajlm.clean(df, split_at_stops=True)``: the cleaning options as keywords (session 32).

Why: a smartphone study's researcher reads `trajlm data ingest --split-at-stops` in the docs and
writes ``trajlm.clean(gps, split_at_stops=True)`` in the notebook; it was ``TypeError: coerce()
got an unexpected keyword argument 'split_at_stops'`` (an internal function's name), and the
one way in, ``CleanConfig(stop_min_s=600, max_gap_s=1800, gap_intervals=3)``, gave each piece a
new id in the caller's own id column (``P01_12``) and times on UTC instead of the phones'
offsets. Now the CLI's words (``split_at_stops``, ``stop_minutes``, ``stop_radius_m``,
``max_accuracy_m``, ``min_interval``) and every ``CleanConfig`` field are keywords of
``clean``, on top of ingest's default preset (its gap rule), and the answer is keyed as the
default call keys it: the caller's id, then ``piece`` (0, 1, ... in time order)."""

from __future__ import annotations

import dataclasses
import math
from numbers import Real
from typing import Any

import polars as pl

from trajlm.data.clean_split import STOP_MIN_S
from trajlm.data.schema import SOURCE_ID, TrajlmInputError

# the CLI's option words -> CleanConfig fields (seconds where the CLI says minutes)
CLI_WORDS = {"split_at_stops": "stop_min_s", "stop_minutes": "stop_min_s",
             "min_interval": "min_interval_s"}  # fmt: skip


def config_from_keywords(config: Any, columns: dict[str, Any], default: Any
                         ) -> tuple[Any, dict[str, Any], bool]:  # fmt: skip
    """(config, the column keywords left, whether cleaning keywords were given): the cleaning
    keywords of ``columns`` applied to ``default`` (ingest's default preset, a CleanConfig);
    ``config`` and keywords together are one line."""
    from trajlm._arguments import COLUMN_KEYWORDS, check_keywords

    fields = tuple(f.name for f in dataclasses.fields(default))
    check_keywords("trajlm.clean", columns, (*COLUMN_KEYWORDS, *CLI_WORDS, *fields))
    given = {k: columns[k] for k in columns if k in fields or k in CLI_WORDS}
    if not given:
        return config, columns, False
    rest = {k: v for k, v in columns.items() if k not in given}
    if config is not None:
        raise TrajlmInputError(f"trajlm.clean: give config= or cleaning keywords "
                               f"({', '.join(given)}), not both")  # fmt: skip
    out = dataclasses.replace(default)
    stops = given.pop("split_at_stops", None)
    if stops is not None and not isinstance(stops, bool):
        raise TrajlmInputError(f"split_at_stops must be True or False, got {stops!r}",
                               field="split_at_stops")  # fmt: skip
    _one_of_each(given, stops)
    minutes = given.pop("stop_minutes", None)
    if minutes is not None:
        out = dataclasses.replace(out, stop_min_s=_number("stop_minutes", minutes) * 60)
    elif stops:
        out = dataclasses.replace(out, stop_min_s=STOP_MIN_S)
    if stops is False:
        out = dataclasses.replace(out, stop_min_s=None)
    if "min_interval" in given:
        given["min_interval_s"] = given.pop("min_interval")
    try:
        out = dataclasses.replace(out, **given)
    except TypeError as e:  # (not reached: the names are the fields)
        raise TrajlmInputError(f"trajlm.clean: {e}") from None
    for name in ("stop_radius_m", "max_gap_s", "max_accuracy_m", "min_interval_s"):
        if (v := getattr(out, name)) is not None:
            _number(name, v)
    return out, rest, True


def _one_of_each(given: dict[str, Any], stops: bool | None) -> None:
    """One line where two keywords set one field (`stop_minutes` and `stop_min_s`,
    `min_interval` and `min_interval_s`, `split_at_stops=False` and a stop duration): before,
    one of them silently won."""
    for word, field in CLI_WORDS.items():
        if word != "split_at_stops" and given.get(word) is not None \
                and given.get(field) is not None:  # fmt: skip
            raise TrajlmInputError(f"trajlm.clean: {word}={given[word]!r} and "
                                   f"{field}={given[field]!r} set one thing: give one", field=word)  # fmt: skip
    if stops is False:
        for word in ("stop_minutes", "stop_min_s"):
            if given.get(word) is not None:
                raise TrajlmInputError(f"trajlm.clean: split_at_stops=False and {word}="
                                       f"{given[word]!r}: give one", field=word)  # fmt: skip


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) \
            or value < 0:  # fmt: skip
        raise TrajlmInputError(f"{name} must be a number >= 0, got {value!r}", field=name)
    return float(value)


def as_pieces(out: pl.DataFrame, layout: Any) -> pl.DataFrame:
    """``out`` (canonical, cut by the config's own rule: ids ``P01_12`` beside SOURCE_ID) with
    ``layout.pieces`` set, so ``from_canonical`` gives the caller's id and ``piece`` back, and
    the text times each mover's own UTC offset (coerce_out keys them by the caller's id).
    Pieces are numbered in time order, by each piece's first fix (review32: the order was read
    from the `_12` suffix the split gives an id, a naming convention used as data)."""
    from trajlm.data.coerce_pieces import PIECE

    if SOURCE_ID not in out.columns or getattr(layout, "pieces", None) is not None:
        return out
    pieces = (
        out.group_by("traj_id", maintain_order=True)
        .agg(pl.col(SOURCE_ID).first(), pl.col("t").min().alias("__first"))
        .sort(SOURCE_ID, "__first", maintain_order=True)
        .with_columns(pl.int_range(pl.len()).over(SOURCE_ID).cast(pl.Int64).alias(PIECE))
        .drop("__first")
    )
    layout.pieces = pieces
    return out.drop(SOURCE_ID)
