"""badapi items 15 and 18: messages that named the wrong problem, and silent overwrites.
Duplicate column names ("mixes value types (str)" before), a pandas (Multi)Index holding the
id / time (now: call df.reset_index()), check_validity's bookkeeping column in "the columns
are [...]", a user column `recovered` replaced without a word, a 3 MB HTTP traj_id echoed on
every answer row. docs/reliability.md, "Session 13 (badfix)"."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from reliability_helpers import PORTO_T0, two_porto_trips

import trajlm
from trajlm.baselines import LinearInterpolation
from trajlm.errors import TrajlmInputError

T0 = PORTO_T0


_g = two_porto_trips


def test_duplicate_column_names_are_named():
    g = _g()
    with pytest.raises(TrajlmInputError, match="two columns are named 'latitude'"):
        trajlm.to_canonical(pd.concat([g, g[["latitude"]]], axis=1))


@pytest.mark.parametrize("index", [["trip_id", "timestamp"], ["trip_id"]])
def test_an_index_holding_the_id_says_reset_index(index):
    with pytest.raises(TrajlmInputError, match=r"the index holds .*'trip_id'.*df.reset_index\(\)"):
        trajlm.to_canonical(_g().set_index(index))


def test_check_validity_lists_only_the_users_columns():
    with pytest.raises(TrajlmInputError, match="among the columns") as e:
        trajlm.check_validity(_g().drop(columns="trip_id"), split_gaps=False)
    # without split_gaps=False a frame without an id is one mover's fixes, as TrajLM reads it
    assert "__validity_row" not in str(e.value)


def test_a_users_recovered_column_is_replaced_with_a_warning():
    g = _g().assign(recovered="no")
    g.loc[3, ["latitude", "longitude"]] = np.nan
    with pytest.warns(UserWarning, match="column 'recovered' .* is replaced"):
        out = LinearInterpolation().predict(g)
    assert bool(out["recovered"].iloc[3]) and out["recovered"].dtype == bool
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a flag from an earlier call is replaced quietly
        LinearInterpolation().predict(out.assign(latitude=g.latitude, longitude=g.longitude))


def test_http_refuses_a_huge_traj_id():
    from trajlm.serve.formats import Limits, parse_trajectories

    MAX_ID_CHARS = Limits().max_id_chars
    rows = [{"traj_id": "x" * (MAX_ID_CHARS + 1), "t": T0 + 15 * i, "lat": 41.15, "lon": -8.61}
            for i in range(3)]  # fmt: skip
    with pytest.raises(TrajlmInputError, match="characters; the limit is 256"):
        parse_trajectories(rows, Limits())
    rows = [{**r, "traj_id": "x" * MAX_ID_CHARS} for r in rows]
    df, _ = parse_trajectories(rows, Limits(), validate=False)
    assert df["traj_id"][0] == "x" * MAX_ID_CHARS


def test_embed_warns_for_a_single_point_trajectory():
    import torch
    from helpers import STATS

    from trajlm.api import CoverageWarning
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16, stats=STATS)
    model = trajlm.TrajLM(TrajectoryModel(cfg), threads=1)
    g = _g()
    with pytest.warns(UserWarning, match=r"1 trajectories have a single point \(e.g. 'T2'\)"):
        out = model.embed(pd.concat([g, g.iloc[[0]].assign(trip_id="T2")], ignore_index=True))
    assert len(out) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", category=CoverageWarning)
        model.embed(g)
