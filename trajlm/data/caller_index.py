"""The caller's pandas index on results that carry the caller's rows (``recover``, ``clean``,
``check_validity``), as a pandas / scikit-learn user expects of a row-wise transform.

The canonical tables are Polars, which has no index: such results came back with a fresh
``RangeIndex`` (0, 1, ...), in trajectory and time order, so a frame indexed by event id, or
filtered from a bigger one, could not be joined back on its index (session 26, newuser26). Each
row's position rides along in a private column and the index is rebuilt from it; rows a
result adds (``recover(every=...)``) have no label of their own and get a missing one (``<NA>``
in a nullable / object index). A frame on the default 0..n-1 index is left as it was.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

POSITION = "__trajlm_caller_position"


def tag_positions(data: Any) -> tuple[Any, Any]:
    """(``data`` with each row's position in column POSITION, its index) for a pandas frame
    (GeoDataFrames too) on an index other than 0..n-1; (``data``, None) otherwise."""
    pd = sys.modules.get("pandas")  # a pandas frame has loaded pandas; else no import (0.3 s)
    if pd is None or not isinstance(data, pd.DataFrame) or POSITION in data.columns:
        return data, None
    index = data.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return data, None
    tagged = data.copy(deep=False)
    tagged[POSITION] = np.arange(len(data))
    return tagged, index


def index_back(result: Any, index: Any) -> Any:
    """``result`` (a pandas frame carrying POSITION) on the caller's index labels, POSITION
    dropped; unchanged when ``index`` is None or the column is not there."""
    if index is None:  # tag_positions found no pandas index to keep
        return result
    import pandas as pd

    if not isinstance(result, pd.DataFrame) or POSITION not in result.columns:
        return result
    pos = pd.to_numeric(result[POSITION], errors="coerce").to_numpy(dtype=np.float64)
    result = result.drop(columns=POSITION)
    known = np.isfinite(pos)
    if known.all():
        result.index = index.take(pos.astype(np.int64))
        return result
    labels = np.empty(len(pos), dtype=object)
    labels[known] = np.asarray(index, dtype=object)[pos[known].astype(np.int64)]
    labels[~known] = pd.NA
    result.index = pd.Index(labels, name=index.name)
    return result


__all__ = ["POSITION", "index_back", "tag_positions"]
