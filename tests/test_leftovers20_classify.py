"""Session 20, leftovers20: ``ModelClassifier``'s bare arrays get their order (``ids``) and the
missing-class-column error names the caller's columns (analyst20 C1, C6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
import torch

import trajlm
from trajlm.errors import TrajlmInputError
from trajlm.model import ModelConfig


def _segments() -> pd.DataFrame:
    """Segments with integer ids whose text order differs from their number order (1, 10, 2),
    in the caller's names."""
    from trajlm.data.segments import CLASS_MAP, make_mode_segments
    from trajlm.data.synthetic import generate_city

    seg, _ = make_mode_segments(generate_city(n_trajectories=24, seed=3).points,
                                {**CLASS_MAP, "walk": "walk"})  # fmt: skip
    user = seg.to_pandas().rename(columns={"traj_id": "seg", "t": "fix_time", "label": "mode"})
    codes = {s: i + 1 for i, s in enumerate(user["seg"].unique())}
    return user.assign(seg=user["seg"].map(codes).astype("int64"))


def test_missing_class_column_names_the_callers_columns():
    user = _segments().drop(columns="mode")
    clf = trajlm.ModelClassifier(None, model_config=ModelConfig(d_model=16, n_layers=1,
                                 n_heads=2, max_len=16), mode="full", max_len=16, epochs=1)  # fmt: skip
    with pytest.raises(TrajlmInputError, match="no class column 'transport'") as e:
        clf.fit(user, label_col="transport", traj_col="seg", time_col="fix_time")
    msg = str(e.value)
    assert "'seg'" in msg and "'fix_time'" in msg and "'traj_id'" not in msg, msg
    with pytest.raises(TrajlmInputError, match="pass label_col="):  # default "label"
        clf.fit(user, traj_col="seg", time_col="fix_time")


def test_classify_rows_follow_ids_in_the_callers_type():
    torch.set_num_threads(1)
    user = _segments()
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16)
    clf = trajlm.ModelClassifier(None, model_config=cfg, mode="full", max_len=16, epochs=1)
    cols = {"traj_col": "seg", "time_col": "fix_time"}
    clf.fit(user, label_col="mode", **cols)
    ids = clf.ids(user, **cols)
    assert ids.dtype.kind == "i" and set(ids) == set(user["seg"])
    assert [str(i) for i in ids] == sorted(str(i) for i in set(user["seg"]))  # text order
    assert (clf.ids(pl.from_pandas(user), **cols) == ids).all()  # Polars: the same
    labels, proba = clf.classify(user, **cols), clf.predict_proba(user, **cols)
    assert len(labels) == len(ids) == len(proba)
    for k in (0, len(ids) // 2, len(ids) - 1):  # each row is its id's segment, alone
        one = user[user["seg"] == ids[k]]
        np.testing.assert_allclose(clf.predict_proba(one, **cols)[0], proba[k], atol=1e-5)
        assert clf.classify(one, **cols)[0] == labels[k]
