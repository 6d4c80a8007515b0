"""pieces22: a route-recovery model's and a candidate selector's frame paths cut a vehicle's
fixes into trips at ingest's gap rule, as TrajLM does (docs/api.md "Session 22 (pieces22)").
A van frame is built from the synthetic city's test trips: two trips per van, the second
starting 12 h after the first ended (a night). Each piece must get exactly what the same
trip gets when keyed by its own `traj_id`; `traj_id` frames answer as before
(`split_gaps=False`, frame-equal)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.data.ingest import synth_store
from trajlm.data.store import read_store
from trajlm.eval.candidate_selector import SelectorConfig
from trajlm.eval.protocol import split_tables
from trajlm.eval.route_recovery_predictor import RouteRecoveryPredictor
from trajlm.eval.selector_predictor import CandidateSelectorPredictor

SEL = {"top_k": 3, "max_train_windows": 1500, "max_val_windows": 400,
       "place_grid": {"w_place": (0.1,), "w_heading": (100.0,), "n_neighbors": (5,)}}  # fmt: skip
REC = {"intervals": (120.0,), "val_mask_seeds": (0,), "long_gap_grid": (30.0, float("inf"))}
NIGHT_S = 12 * 3600
pytestmark = pytest.mark.slow  # fits a route-recovery model and a selector (~15 s)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """(trips, vans, recovery dir, selector dir): 4 test trips as 2 vans x 2 trips, and a
    tiny route-recovery model and selector fitted on the synthetic city, saved."""
    root = tmp_path_factory.mktemp("pieces22")
    synth_store(root / "s", n_trajectories=60, seed=1)
    parts = split_tables(read_store(root / "s"))
    rec = RouteRecoveryPredictor(**REC, selector=SelectorConfig(max_epochs=2))
    rec.fit(parts["train"], parts["val"], seed=0).save(root / "rec")
    sel = CandidateSelectorPredictor(**SEL, selector=SelectorConfig(max_epochs=2))
    sel.fit(parts["train"], parts["val"], seed=0).save(root / "sel")
    test = parts["test"].select("traj_id", "t", "lat", "lon").sort("traj_id", "t")
    ids = test["traj_id"].unique(maintain_order=True).to_list()[:4]
    frames, end = [], 0
    for i, tid in enumerate(ids):  # trips 0, 1 -> VAN-A; 2, 3 -> VAN-B; a night between
        one = test.filter(pl.col("traj_id") == tid).to_pandas()
        one["t"] = one["t"] - one["t"].iloc[0] + (end + NIGHT_S if i % 2 else 1_770_000_000)
        end = int(one["t"].iloc[-1])
        one["vehicle_id"] = "VAN-A" if i < 2 else "VAN-B"
        frames.append(one)
    trips = pd.concat(frames, ignore_index=True)
    vans = trips[["vehicle_id", "t", "lat", "lon"]]
    return trips[["traj_id", "t", "lat", "lon"]], vans, root / "rec", root / "sel"


def _hidden(df: pd.DataFrame) -> pd.DataFrame:
    """Every third fix of each trip (column `_trip`) hidden, never a trip's first or last two
    (recovery needs both ends)."""
    out = df.copy()
    n = out.groupby("_trip").cumcount()
    size = out.groupby("_trip")["t"].transform("size")
    hide = (n % 3 == 1) & (n > 1) & (n < size - 2)
    out.loc[hide, ["lat", "lon"]] = np.nan
    return out.drop(columns="_trip")


def test_selector_predicts_each_piece_as_its_trip(models):
    trips, vans, _, sel_dir = models
    model = trajlm.TrajLM.from_pretrained(sel_dir)
    with pytest.warns(UserWarning, match="read as movers"):
        got = model.predict(vans, steps=2)
    want = model.predict(trips, steps=2)
    assert list(got.columns[:2]) == ["vehicle_id", "piece"] and len(got) == 8  # 4 trips x 2
    np.testing.assert_allclose(got[["lat", "lon"]].to_numpy(), want[["lat", "lon"]].to_numpy())
    np.testing.assert_array_equal(got["t"].to_numpy(), want["t"].to_numpy())
    assert got.groupby("vehicle_id")["piece"].unique().map(sorted).tolist() == [[0, 1], [0, 1]]
    # Polars with integer ids: integers stay integers, pieces as well
    ints = pl.from_pandas(vans).with_columns(pl.col("vehicle_id").replace_strict(
        {"VAN-A": 7, "VAN-B": 9}, return_dtype=pl.Int64))  # fmt: skip
    with pytest.warns(UserWarning, match="read as movers"):
        pgot = model.predict(ints, steps=2)
    assert isinstance(pgot, pl.DataFrame) and pgot.height == 8
    assert pgot["vehicle_id"].dtype == pl.Int64 and "piece" in pgot.columns


def test_selector_reads_traj_id_and_split_gaps_false_as_before(models):
    trips, vans, _, sel_dir = models
    model = trajlm.TrajLM.from_pretrained(sel_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no cut line for a trip column
        got = model.predict(trips, steps=2)
    pd.testing.assert_frame_equal(got, model.predict(trips, steps=2, split_gaps=False))
    whole = model.predict(vans, steps=2, split_gaps=False)  # one trajectory per van, as before
    assert len(whole) == 4 and "piece" not in whole.columns


def test_route_recovery_fills_each_piece_as_its_trip(models):
    trips, vans, rec_dir, _ = models
    model = trajlm.TrajLM.from_pretrained(rec_dir)
    trip_of = trips["traj_id"]
    hv = _hidden(vans.assign(_trip=trip_of))
    ht = _hidden(trips.assign(_trip=trip_of))
    with pytest.warns(UserWarning, match="read as movers"):
        got = model.recover(hv)
    want = model.recover(ht)
    assert list(got.columns) == ["vehicle_id", "t", "lat", "lon", "piece", "recovered"]
    assert len(got) == len(hv) and got["recovered"].sum() == hv["lat"].isna().sum() > 0
    np.testing.assert_allclose(got[["lat", "lon"]].to_numpy(), want[["lat", "lon"]].to_numpy())
    # the predictor's own frame path reads the same pieces
    direct = RouteRecoveryPredictor.load(rec_dir)
    with pytest.warns(UserWarning, match="read as movers"):
        np.testing.assert_allclose(direct.recover(hv)[["lat", "lon"]].to_numpy(),
                                   got[["lat", "lon"]].to_numpy())  # fmt: skip


def test_route_recovery_does_not_fill_across_a_night(models):
    """A van's first fix of the morning hidden: left empty with one line naming the piece (as
    TrajLM.recover; leftover32: it refused the call), not a fill from the evening before;
    split_gaps=False still fills across the night."""
    _, vans, rec_dir, _ = models
    model = trajlm.TrajLM.from_pretrained(rec_dir)
    hv = vans.copy()
    first_b = hv.index[(hv["vehicle_id"] == "VAN-A") & (hv["t"] > hv["t"].iloc[0] + NIGHT_S)][0]
    hv.loc[first_b, ["lat", "lon"]] = np.nan
    for rec in (model, RouteRecoveryPredictor.load(rec_dir)):
        with pytest.warns(UserWarning, match="read as movers"):
            with pytest.warns(UserWarning, match=r"1 row .* of 1 trajectory \('VAN-A_1'\) left em"):
                out = rec.recover(hv)
        assert np.isnan(out.loc[first_b, "lat"]) and not out.loc[first_b, "recovered"]
        assert not out["recovered"].any()  # nothing else was hidden
    whole = model.recover(hv, split_gaps=False)
    assert bool(whole.loc[first_b, "recovered"]) and "piece" not in whole.columns


def test_route_recovery_reads_traj_id_as_before(models):
    trips, _, rec_dir, _ = models
    model = trajlm.TrajLM.from_pretrained(rec_dir)
    ht = _hidden(trips.assign(_trip=trips["traj_id"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = model.recover(ht)
    pd.testing.assert_frame_equal(got, model.recover(ht, split_gaps=False))
