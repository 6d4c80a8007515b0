"""A selector fitted on a basin-scale store (hurricanes: windows thousands of km from the
centre) does not warn "outside the training coverage" for its own store's test trips; it
still warns for input far beyond its pools (session 21, blend21: the warning's radius was a
fixed 50 km, so every storm of the held-out hurricanes set was said to be outside)."""

from __future__ import annotations

import warnings

import polars as pl
import pytest

from trajlm.api_selector import SelectorTrajLM, pool_reach_km
from trajlm.data.ingest import synth_store
from trajlm.data.store import read_store
from trajlm.eval.candidate_selector import SelectorConfig
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import CandidateSelectorPredictor
from trajlm.model.coverage import CoverageWarning

TINY = {"top_k": 3, "max_train_windows": 1500, "max_val_windows": 400,
        "place_grid": {"w_place": (0.1,), "w_heading": (100.0,), "n_neighbors": (5,)}}  # fmt: skip


@pytest.fixture(scope="module")
def basin(tmp_path_factory):
    """(selector, test frame): the synthetic city stretched 60x about its centre (a few
    hundred km across), a 1-epoch selector on its train split."""
    root = tmp_path_factory.mktemp("basin")
    synth_store(root / "s", n_trajectories=40, seed=2)
    df = read_store(root / "s")
    lat0, lon0 = df["lat"].mean(), df["lon"].mean()
    df = df.with_columns(
        lat=lat0 + (pl.col("lat") - lat0) * 60, lon=lon0 + (pl.col("lon") - lon0) * 60
    )
    parts = split_tables(df)
    sel = CandidateSelectorPredictor(**TINY, selector=SelectorConfig(max_epochs=1))
    sel.fit(parts["train"], parts["val"], seed=0)
    test = parts["test"].select("traj_id", "t", "lat", "lon")
    return sel, test


def test_own_store_input_is_inside_the_pools_reach(basin):
    sel, test = basin
    model = SelectorTrajLM(sel)
    assert model.reach_km == pool_reach_km(sel) > 100  # a city stretched past 50 km
    with warnings.catch_warnings():
        warnings.simplefilter("error", CoverageWarning)  # fails before the fix: 50 km radius
        out = model.predict(test, steps=3)
    assert len(out) == 3 * test["traj_id"].n_unique()


def test_input_far_beyond_the_pools_still_warns(basin):
    sel, test = basin
    far = test.with_columns(lon=pl.col("lon") + 40.0)
    with pytest.warns(CoverageWarning, match="whose train windows reach"):
        SelectorTrajLM(sel).predict(far, steps=3)
