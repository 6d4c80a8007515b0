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


def test_http_radii_are_the_models_answer_as_in_python(tmp_path):
    """With a prediction verdict, radii make the model answer (its val-calibrated spread); HTTP answered with the
    verdict's baseline and put the model's radii around the baseline's points."""
    pytest.importorskip("fastapi")
    import shutil
    from pathlib import Path

    from fastapi.testclient import TestClient

    from trajlm.api import TrajLM
    from trajlm.eval.val_verdict import save_verdict
    from trajlm.serve import ServeSettings, create_app

    small = Path(__file__).resolve().parents[1] / "trajlm" / "checkpoints" / "trajlm-small"
    if not (small / "model.safetensors").is_file():
        pytest.skip("trajlm-small's weights are not built")
    run = tmp_path / "run"
    shutil.copytree(small, run)
    v = {**_edited(("engine",), "linear-3"), "train_box": [41.0, -8.8, 41.3, -8.5]}
    v.pop("knn")
    save_verdict(run, {"predict": v}, None, "store")
    rows = [
        {"traj_id": "a", "t": 1_710_750_600 + 15 * i, "lat": 41.15 + 1e-4 * i, "lon": -8.61}
        for i in range(12)
    ]
    m = TrajLM.from_pretrained(run)
    want = m.predict(pl.DataFrame(rows), steps=3, radii=[50, 90])
    with TestClient(create_app(m, ServeSettings())) as c:
        got = c.post(
            "/predict",
            json={"trajectories": rows, "steps": 3, "radii": [50, 90], "output": "table"},
        ).json()
        plain = c.post(
            "/predict", json={"trajectories": rows, "steps": 3, "output": "table"}
        ).json()
    assert plain["engine"] == "linear-3"  # the verdict answers a call without radii
    assert got["engine"] == "model" and want["engine"].to_list() == ["model"] * 3
    assert [p["lat"] for p in got["points"]] == pytest.approx(want["lat"].to_list())
    assert [p["r90_m"] for p in got["points"]] == pytest.approx(want["r90_m"].to_list())
