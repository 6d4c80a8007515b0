"""A saved candidate selector through the user-facing surfaces (trajlm/api_selector.py):
``TrajLM.from_pretrained(SELECTOR_DIR).predict(df, steps=k)`` on pandas and Polars frames gives
the selector's own positions in the caller's layout, every other task (and k > horizon) is one
UserError line, and `trajlm predict --model SELECTOR_DIR` writes the same points."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from test_selector_predictor import TINY, _moved, said
from typer.testing import CliRunner

import trajlm
from trajlm.api_selector import SelectorTrajLM
from trajlm.cli import app
from trajlm.data.ingest import synth_store
from trajlm.data.store import read_store
from trajlm.errors import UserError
from trajlm.eval.candidate_selector import SelectorConfig
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import CandidateSelectorPredictor

pd = pytest.importorskip("pandas")
runner = CliRunner()


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """(store, test split, selector, its folder): a 1-epoch selector, gate opened, saved."""
    root = tmp_path_factory.mktemp("apisel")
    synth_store(root / "s", n_trajectories=40, seed=2)
    parts = split_tables(read_store(root / "s"))
    sel = CandidateSelectorPredictor(**TINY, selector=SelectorConfig(max_epochs=1))
    sel = _moved(sel.fit(parts["train"], parts["val"], seed=0))  # predictions leave the kNN
    sel.save(root / "sel")
    return root / "s", parts["test"], sel, root / "sel"


def test_from_pretrained_predicts_pandas_and_polars_as_the_selector(saved):
    _, test, sel, folder = saved
    model = trajlm.TrajLM.from_pretrained(folder)
    assert isinstance(model, SelectorTrajLM) and model.tasks == ["predict"]
    ref = sel.predict(test, steps=3)  # the selector's own frame path
    n = test["traj_id"].n_unique()

    got = model.predict(test, steps=3)  # Polars in -> Polars out
    assert isinstance(got, pl.DataFrame)
    cols = ["traj_id", "step", "t", "lat", "lon", "std_m", "source_traj_id", "engine"]  # select22
    cols.insert(1, "user_id")  # the store's owner beside each trip (leftover32)
    assert got.columns == cols and len(got) == 3 * n
    assert np.allclose(got.select("lat", "lon").to_numpy(), ref.select("lat", "lon").to_numpy())
    assert (got["std_m"] > 0).any() and got["step"].to_list()[:3] == [1, 2, 3]  # uncert27
    last = test.group_by("traj_id").agg(pl.col("t").max().alias("last"))
    assert got.join(last, on="traj_id").select((pl.col("t") > pl.col("last")).all()).item()

    trips = test.to_pandas().rename(columns={"traj_id": "trip", "lat": "y", "lon": "x"})
    trips["when"] = pd.to_datetime(trips.pop("t"), unit="s", utc=True)
    frame = model.predict(trips, traj_col="trip", time_col="when", lat_col="y", lon_col="x")
    assert isinstance(frame, pd.DataFrame) and {"trip", "when", "y", "x"} <= set(frame.columns)
    assert len(frame) == 5 * n and str(frame["when"].dtype).startswith("datetime64")
    five = sel.predict(test, steps=5)
    assert np.allclose(frame[["y", "x"]].to_numpy(), five.select("lat", "lon").to_numpy())


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda m, df: m.predict(df, steps=6), "steps=6.*steps <= 5"),
        (lambda m, df: m.predict(df, steps=0), "integer >= 1"),
        (lambda m, df: m.predict(df, seconds_ahead=[30]), "seconds_ahead.*only predicts"),
        (lambda m, df: m.recover(df), "recover.*candidate selector"),
        (lambda m, df: m.travel_time([(41.15, -8.61)], [(41.16, -8.6)], 0), "travel_time"),
        (lambda m, df: m.embed(df), "embed.*k <= 5"),
        (lambda m, df: m.classify(df), "classify.*only predicts"),
    ],
)
def test_what_a_selector_cannot_do_is_one_user_error_line(saved, call, match):
    _, test, _, folder = saved
    model = trajlm.TrajLM.from_pretrained(folder)
    with pytest.raises(UserError, match=match) as e:
        call(model, test)
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="CPU"):
        trajlm.TrajLM.from_pretrained(folder, quantize="int8")


def test_cli_predict_with_a_selector_folder_writes_its_points(saved, tmp_path):
    store, test, sel, folder = saved
    out = tmp_path / "pred.csv"
    args = ["predict", "--model", str(folder), "--input", str(store), "--limit", "4"]
    r = runner.invoke(app, [*args, "--steps", "4", "--out", str(out)])
    assert r.exit_code == 0, r.output
    pred = pl.read_csv(out)
    assert len(pred) == 16 and pred["step"].max() == 4
    first = test.filter(pl.col("traj_id").is_in(pred["traj_id"].cast(str).unique().implode()))
    ref = sel.predict(first, steps=4)
    assert np.allclose(pred.select("lat", "lon").to_numpy(), ref.select("lat", "lon").to_numpy())
    r = runner.invoke(app, [*args, "--seconds-ahead", "30", "--out", str(tmp_path / "b.csv")])
    assert r.exit_code == 2 and "candidate selector: it takes --steps" in said(r)
    assert not (tmp_path / "b.csv").exists()
