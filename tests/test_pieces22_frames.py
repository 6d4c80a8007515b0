"""pieces22: the evaluation embedders, ModelClassifier, the travel-time baselines, ``to_text``,
the viz plots, ``trajlm.ask`` and ``inject_anomalies`` read a vehicle's days as TrajLM does
(cut at ingest's gap rule; docs/api.md "Session 22 (pieces22)"). Each piece gets what the same
trip gets under its own name; a frame with a trip column reads as before. Each test failed
on main 9e2caae (the guard only at ``inject_anomalies(split_gaps=False)``, refused there)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from test_frames21 import fleet

import trajlm
from trajlm import viz
from trajlm.baselines import DistanceOverMeanSpeed, GradientBoostingTTE
from trajlm.llm.text import to_text
from trajlm.reason import inject_anomalies
from trajlm.tasks.classify import ModelClassifier
from trajlm.tasks.embed import ModelEmbedder

NAMES = sorted(f"VAN-0{v}_{p}" for v in (1, 2, 3) for p in range(6))  # fleet(): 18 trips


def _said(fn, *a, **k):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*a, **k)
    return out, [str(x.message) for x in w if "read as movers" in str(x.message)]


def _trips() -> pl.DataFrame:
    """fleet() as the canonical trips the API reads (traj_id = the pieces' names)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return trajlm.to_canonical(fleet(), split_gaps=True)


def test_embedder_and_classifier_read_a_vans_trips(trajlm_small):
    df = fleet()
    emb, said = _said(ModelEmbedder(trajlm_small.model).embed, df)
    assert emb.shape[0] == 18  # before: 3 vectors, one per van over 3 days
    np.testing.assert_allclose(emb, ModelEmbedder(trajlm_small.model).embed(_trips()), atol=1e-6)
    assert len(said) == 1 and "answers as arrays come one row per piece" in said[0]
    assert "join on" not in said[0]  # no frame comes back to join
    labelled = df.assign(mode=np.where(df["vehicle_id"] == "VAN-01", "bus", "car"))
    clf = ModelClassifier(trajlm_small.model, mode="frozen", epochs=1, n_points=16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(labelled, labelled, label_col="mode")
        got = clf.classify(labelled)
    assert clf.class_counts_ == {"bus": 6, "car": 12}  # trips, not vans ({bus: 1, car: 2})
    assert len(got) == 18 and list(ModelClassifier.ids(labelled)) == NAMES


def test_travel_time_baselines_fit_trips_not_days():
    df = fleet()
    got, said = _said(DistanceOverMeanSpeed().fit, df)
    want = DistanceOverMeanSpeed().fit(_trips())
    assert got.speed_mps_ == pytest.approx(want.speed_mps_) and len(said) == 1
    assert got.speed_mps_ > 1.0  # before: a van's 3 days as one O-D trip (~0.01 m/s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gb = GradientBoostingTTE().fit(df).predict(df)
    assert len(gb) == 18 and gb.max() < 3600  # 390-s legs, not 2-day "trips"


def test_to_text_encodes_each_trip():
    df = fleet()
    got, said = _said(to_text, df)
    assert got.columns == ["traj_id", "piece", "n_points", "text"] and got.height == 18
    assert len(said) == 1
    want = to_text(_trips())
    assert got["text"].to_list() == want["text"].to_list()
    assert got["traj_id"].unique().sort().to_list() == ["VAN-01", "VAN-02", "VAN-03"]


def test_plots_draw_trips_and_meet_the_predictions_piece_by_piece(trajlm_small):
    df = fleet()
    fig, _ = _said(viz.plot_trajectories, df, None)
    assert sum(len(ax.lines) for ax in fig.axes) == 18  # before: 3 lines across the nights
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = trajlm_small.predict(df, steps=2)
        fig = viz.plot_predictions(df, pred, None)
        one = df[df.vehicle_id == "VAN-02"].drop(columns="vehicle_id")  # no id: one mover
        solo = viz.plot_predictions(one, trajlm_small.predict(one, steps=2), None)
    drawn = [ax for ax in fig.axes if ax.lines]
    assert [ax.get_title() for ax in drawn] == NAMES[:6]
    assert all(len(ax.lines[0].get_xdata()) == 40 for ax in drawn)  # a piece's 40 fixes
    drawn = [ax for ax in solo.axes if ax.lines]
    assert [ax.get_title() for ax in drawn] == [str(i) for i in range(6)]
    assert all(len(ax.lines[0].get_xdata()) == 40 for ax in drawn)


def test_ask_counts_trips_and_keeps_the_vehicle():
    df = fleet()
    n, said = _said(trajlm.ask, "how many trips are there?", df)
    assert n.value == 18 and len(said) == 1  # before: 3
    assert "the questions' trips are these pieces" in said[0] and "join on" not in said[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mean = trajlm.ask("what is the average trip duration?", df).value
        per = trajlm.ask("how many trips per vehicle?", df)
    assert float(mean) == pytest.approx(390.0, abs=1)  # 40 fixes 10 s apart (was ~2 days)
    assert per.table is not None and sorted(per.table.to_pandas().iloc[:, -1]) == [6, 6, 6]


def test_inject_anomalies_labels_trips():
    df = fleet()
    (dirty, labels), said = _said(inject_anomalies, df, fraction=0.5, seed=0)
    assert list(labels.columns[:2]) == ["vehicle_id", "piece"] and len(labels) == 18
    assert len(dirty) >= len(df) and "piece" in dirty.columns and len(said) == 1
    whole = inject_anomalies(df, fraction=0.5, seed=0, split_gaps=False)[1]
    assert len(whole) == 3 and "piece" not in whole.columns


def test_a_trip_column_reads_as_before(trajlm_small):
    """Guard: a frame keyed by trips (`trip_id`) gives what it gave (no cut, no line), equal
    to split_gaps=False, in every entry point above."""
    trips = fleet().rename(columns={"vehicle_id": "trip_id"})
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", "naive|few|classes", UserWarning)
        assert ModelEmbedder(trajlm_small.model).embed(trips).shape[0] == 3
        text = to_text(trips)
        assert text.columns == ["traj_id", "n_points", "text"] and text.height == 3
        assert_frame_equal(text, to_text(trips, split_gaps=False))
        speed = DistanceOverMeanSpeed().fit(trips).speed_mps_
        assert speed == DistanceOverMeanSpeed().fit(trips, split_gaps=False).speed_mps_
        fig = viz.plot_trajectories(trips, None)
        assert sum(len(ax.lines) for ax in fig.axes) == 3
        assert trajlm.ask("how many trips are there?", trips).value == 3
        labels = inject_anomalies(trips, fraction=0.5, seed=0)[1]
        pd.testing.assert_frame_equal(
            labels, inject_anomalies(trips, fraction=0.5, seed=0, split_gaps=False)[1]
        )
        assert list(ModelClassifier.ids(trips)) == ["VAN-01", "VAN-02", "VAN-03"]
