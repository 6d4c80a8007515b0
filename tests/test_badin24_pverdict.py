"""Session 24 (badin24): hand-edited prediction verdicts (pverdict24's val_verdict.json "predict" and
val_verdict_knn.parquet) are one line naming the file, never a traceback or a silent answer
(docs/reliability.md "Session 24 (badin24)")."""

from __future__ import annotations

import copy
import hashlib

import numpy as np
import polars as pl
import pytest

from trajlm.errors import TrajlmInputError
from trajlm.eval.predict_verdict import KNN_NAME, check_predict_fields, load_knn

BOX = [-23.567, -46.654, -23.533, -46.606]  # a train split's box (bike deliveries, Sao Paulo)
GOOD = {"engine": "kNN continuation", "val_ade_m": {"model": 64.0, "kNN continuation": 57.1, "linear-3": 61.8},
        "n_val_trips": 30, "train_box": BOX,
        "knn": {"history": 5, "horizon": 5, "n_neighbors": 10, "aggregate": "median",
                "projection": [-23.55, -46.63], "n_windows": 40, "table_sha1": "x"}}  # fmt: skip


def _edited(path: tuple, value) -> dict:
    v = copy.deepcopy(GOOD)
    at = v
    for k in path[:-1]:
        at = at[k]
    if value is KeyError:
        del at[path[-1]]
    else:
        at[path[-1]] = value
    return v


def test_the_saved_shape_is_read():
    assert check_predict_fields(GOOD)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (
            ("train_box",),
            [float("nan"), -46.6, -23.5, -46.6],
        ),  # every query "far": the model, a line blaming them
        (("train_box",), [True, True, True, True]),
        (("train_box",), [-500, -500, 500, 500]),  # the far guard off
        (("train_box",), [BOX[2], BOX[3], BOX[0], BOX[1]]),  # inverted
        (("knn", "history"), 0),  # was "need history >= 2 ..." naming no file
        (("knn", "history"), True),
        (("knn", "horizon"), 0),  # was the model answering "steps=5 (kNN stores 0)"
        (("knn", "n_neighbors"), 0),
        (("knn", "projection"), KeyError),  # was a KeyError traceback
        (("knn", "projection"), [float("nan"), 0.0]),  # was sklearn's "Input X contains NaN"
        (("knn", "projection"), [50.0, 8.0]),  # another plane than the windows': accepted silently
        (("n_val_trips",), True),
    ],
)
def test_an_edited_verdict_is_not_read(path, value):
    assert not check_predict_fields(_edited(path, value))


def _table(tmp_path, n: int = 40, nan: bool = False) -> dict:
    rng = np.random.default_rng(0)
    cols = {"traj_key": np.arange(n) // 4}
    cols |= {f"f_{i}": rng.normal(size=n) for i in range(8)}
    cols |= {f"c_{i}": rng.normal(size=n) for i in range(10)}
    if nan:
        cols["f_3"][5] = np.nan
    pl.DataFrame(cols).write_parquet(tmp_path / KNN_NAME)
    v = copy.deepcopy(GOOD)
    v["knn"]["table_sha1"] = hashlib.sha1((tmp_path / KNN_NAME).read_bytes()).hexdigest()
    return v


def test_the_saved_table_is_rebuilt(tmp_path):
    ix, proj = load_knn(tmp_path, _table(tmp_path))
    assert ix.history == 5 and proj.lat0 == pytest.approx(-23.55)


@pytest.mark.parametrize(("field", "value"), [("history", 1000), ("horizon", 50)])
def test_a_history_or_horizon_the_table_does_not_hold_is_one_line(tmp_path, field, value):
    v = _table(tmp_path)
    v["knn"][field] = value
    with pytest.raises(TrajlmInputError, match=f"{KNN_NAME}: has no column"):
        load_knn(tmp_path, v)  # was polars' ColumnNotFoundError


def test_nan_windows_are_one_line(tmp_path):
    with pytest.raises(TrajlmInputError, match="NaN / infinite values"):
        load_knn(tmp_path, _table(tmp_path, nan=True))  # was sklearn's ValueError
