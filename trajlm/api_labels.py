"""A pandas frame's index labels carried through a call, so that its errors name the caller's
rows ("first at index label 532", not the position 517; newuser27). Apart from api_inputs so
that calls with no model (``trajlm.divert``) read a frame without loading torch (review35)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl

from trajlm.data.schema import LINE, TrajlmInputError


@contextmanager
def index_labels(data: Any) -> Iterator[Any]:
    """A pandas frame whose index is not just its row positions (filtered, or set by the user)
    -> a copy carrying each row's integer index label in column LINE, so that the validation's
    errors name it ("first at index label 532", not the position 517); a position ("at row
    N") in an error about the caller's rows gets its label too. Other inputs pass unchanged."""
    pd = sys.modules.get("pandas")  # a pandas frame has loaded pandas; else no import (0.3 s)
    if pd is None or not isinstance(data, pd.DataFrame) or LINE in data.columns or (
        isinstance(data.index, pd.RangeIndex) and data.index.start == 0 and data.index.step == 1
    ):  # fmt: skip
        yield data
        return
    index = data.index
    labelled = pd.api.types.is_integer_dtype(index) and not isinstance(index, pd.MultiIndex)
    try:
        yield data.assign(**{LINE: index.to_numpy()}) if labelled else data
    except TrajlmInputError as e:
        text = str(e).replace("first at file line ", "first at index label ")

        def label(m: re.Match) -> str:
            i = int(m.group(1))
            return f"{m.group(0)} (index label {index[i]!r})" if i < len(index) else m.group(0)

        e.args = (re.sub(r"\bat row (\d+)", label, text),)
        raise


def drop_labels(df: pl.DataFrame) -> pl.DataFrame:
    """The table without index_labels' column (results that carry the input's rows)."""
    return df.drop(LINE, strict=False)
