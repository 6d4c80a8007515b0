"""tidy23 item 1: a vehicle with 11 or more trips lists its pieces in time order (``VAN-01_2``
before ``VAN-01_10``), not as their names sort as text, wherever they are named: TrajLM's
results, ``ModelClassifier.ids(df)`` and the arrays it indexes, the embedders, the travel-time
baselines' arrays and the HTTP answers. The ids themselves are unchanged; results in an order
of their own (anomaly scores, highest first) keep it. docs/api.md "Session 23 (tidy23)"."""

from __future__ import annotations

import math
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm import viz
from trajlm.baselines import DistanceOverMeanSpeed
from trajlm.data.coerce_pieces import pieces_back
from trajlm.llm.text import to_text
from trajlm.tasks.classify import ModelClassifier
from trajlm.tasks.embed import ModelEmbedder

T0 = 1773900000  # 2026-03-19T06:00:00Z
R = 6371008.8
DRIVES = 12  # pieces 0..11: '_10' and '_11' sort before '_2' as text


def van(vid: str = "VAN-01", drives: int = DRIVES, key: str = "vehicle_id") -> list[dict]:
    """A van's fixes: drive d has 8 + d fixes 15 s apart (longer each time), 2 h parked
    between drives (over ingest's 30-min gap: one piece per drive)."""
    rows, lat, lon, t0 = [], 41.15, -8.62, T0
    for d in range(drives):
        for i in range(8 + d):
            rows.append({key: vid, "t": t0 + 15 * i, "lat": lat, "lon": lon})
            h = 0.6 + 0.05 * i + d
            lat += 9.0 * 15 * math.cos(h) / R * 180 / math.pi
            lon += 9.0 * 15 * math.sin(h) / (R * math.cos(math.radians(lat))) * 180 / math.pi
        t0 += 15 * (8 + d) + 7200
    return rows


def _quiet(fn, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


def fleet() -> pd.DataFrame:
    return pd.DataFrame(van("VAN-01") + van("VAN-02", drives=3))


WANT = [("VAN-01", p) for p in range(DRIVES)] + [("VAN-02", p) for p in range(3)]


def test_ids_list_pieces_in_time_order():
    got = list(ModelClassifier.ids(fleet()))
    assert got == [f"{v}_{p}" for v, p in WANT]  # before: VAN-01_0, VAN-01_1, VAN-01_10, ...
    one = pd.DataFrame(van()).drop(columns="vehicle_id")  # no id: one mover, pieces '0'..'11'
    assert list(_quiet(ModelClassifier.ids, one)) == [str(p) for p in range(DRIVES)]
    # a trip column is no vehicle: its ids stay in their text order, as documented
    trips = pd.DataFrame(van(key="traj_id"))
    assert list(ModelClassifier.ids(trips)) == ["VAN-01"]


def test_frames_without_a_model_come_in_piece_order():
    got = _quiet(to_text, fleet())
    assert list(zip(got["traj_id"], got["piece"], strict=True)) == WANT
    assert got["n_points"].to_list() == [8 + p for p in range(DRIVES)] + [8, 9, 10]


def test_travel_time_arrays_in_piece_order():
    df = fleet()
    speed = _quiet(DistanceOverMeanSpeed().fit, df)
    got = _quiet(speed.predict, df)
    # drive d is longer than drive d - 1 on one heading: durations grow piece by piece
    assert len(got) == DRIVES + 3
    assert np.all(np.diff(got[:DRIVES]) > 0), got[:DRIVES]  # before: _10, _11 came third, fourth


def test_pieces_back_keeps_a_ranked_order_and_other_orders():
    names = [f"V_{p}" for p in range(DRIVES)]
    layout = SimpleNamespace(
        traj_col="vehicle_id",
        pieces=pl.DataFrame(
            {"traj_id": names, "source_traj_id": ["V"] * DRIVES, "piece": list(range(DRIVES))}
        ),  # fmt: skip
    )
    by_text = pl.DataFrame({"traj_id": sorted(names), "x": range(DRIVES)})
    back = pieces_back(by_text, layout)
    assert back["piece"].to_list() == list(range(DRIVES))
    assert back["x"].to_list() == [0, 1, *range(4, DRIVES), 2, 3]  # rows moved, not relabelled
    ranked = by_text.reverse()
    assert pieces_back(ranked, layout, ranked=True)["piece"].to_list() == [
        int(n.split("_")[1]) for n in reversed(sorted(names))
    ]
    shuffled = by_text[[5, 0, 11, 3, 1, 2, 4, 6, 7, 8, 9, 10]]  # not in the ids' order: kept
    assert pieces_back(shuffled, layout)["x"].to_list() == shuffled["x"].to_list()


def test_trajlm_results_and_embedder_arrays_in_piece_order(trajlm_small):
    df = fleet()
    pred = _quiet(trajlm_small.predict, df, steps=2)
    keys = list(dict.fromkeys(zip(pred["vehicle_id"], pred["piece"], strict=True)))
    assert keys == WANT
    emb = _quiet(trajlm_small.embed, df)
    assert list(zip(emb["vehicle_id"], emb["piece"], strict=True)) == WANT
    z = _quiet(ModelEmbedder(trajlm_small.model).embed, df)
    np.testing.assert_allclose(z, emb.filter(like="emb_").to_numpy(), atol=1e-5)
    # each row is its own piece's vector: piece 10 embedded alone (before: piece 2's was there)
    trips = _quiet(trajlm.to_canonical, df, split_gaps=True)
    alone = ModelEmbedder(trajlm_small.model).embed(trips.filter(pl.col("traj_id") == "VAN-01_10"))
    np.testing.assert_allclose(z[10], alone[0], atol=1e-5)
    fig = _quiet(viz.plot_predictions, df, pred, None, max_panels=15)
    assert [ax.get_title() for ax in fig.axes if ax.lines] == [f"{v}_{p}" for v, p in WANT]
    one = df[df.vehicle_id == "VAN-01"].drop(columns="vehicle_id")  # no id: piece is the id
    assert _quiet(trajlm_small.embed, one)["piece"].to_list() == list(range(DRIVES))


def test_http_answers_in_piece_order(trajlm_small):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    rows = van("VAN-01") + van("VAN-02", drives=3)
    with TestClient(create_app(trajlm_small)) as c:
        r = c.post("/predict", json={"trajectories": rows, "steps": 1})
        assert r.status_code == 200, r.text
        pts = r.json()["points"]
        assert [(p["traj_id"], p["piece"]) for p in pts] == WANT
        geo = c.post("/predict", json={"trajectories": rows, "steps": 1, "output": "geojson"})
        ids = [f["id"] for f in geo.json()["points"]["features"]]
        assert ids == [f"{v}_{p}" for v, p in WANT]
        emb = c.post("/embed", json={"trajectories": rows}).json()["embeddings"]
        assert [(e["traj_id"], e["piece"]) for e in emb] == WANT


def test_warning_says_time_order():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        ModelClassifier.ids(fleet())
        DistanceOverMeanSpeed().fit(fleet())
    said = [str(w.message) for w in seen if "read as movers" in str(w.message)]
    assert said and "in time order within each" in said[-1] and "sorted as text" not in said[-1]


# ---------------------------------------------------------------- item 2: the cut said once


def _cut_lines(fn, *a, **k) -> list[str]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        fn(*a, **k)
    return [str(w.message) for w in seen if "read as movers" in str(w.message)]


def test_classifier_fit_says_the_cut_once(trajlm_small):
    df = fleet().assign(mode=lambda d: np.where(d.vehicle_id == "VAN-01", "bus", "car"))
    clf = ModelClassifier(trajlm_small.model, mode="frozen", epochs=1, n_points=16)
    said = _cut_lines(clf.fit, df, df, label_col="mode")
    assert len(said) == 1, said  # before: 2 (train's line, then val's)
    assert said[0].startswith("train and val: 'vehicle_id' is read as movers")
    assert "train 2 vehicle_id value(s) -> 15 trajectories (13 cut(s)), val 2 vehicle_id" in said[0]
    assert len(_cut_lines(clf.fit, df, label_col="mode")) == 1  # train alone: its own line
    assert len(_cut_lines(clf.classify, df)) == 1


def test_joined_cut_lines_joins_only_the_same_reading():
    from trajlm.data.pieces_said import joined_cut_lines

    def line(src: str, col: str, n: int) -> str:
        return (f"{src}: {col!r} is read as movers, cut at gaps over 30 min, as `trajlm data "
                f"ingest` cuts files: 1 {col} value(s) -> {n} trajectories ({n - 1} cut(s)); "
                f"results carry {col!r} as given")  # fmt: skip

    a, b, c = line("train", "vehicle_id", 3), line("val", "vehicle_id", 2), line("val", "mmsi", 4)
    assert joined_cut_lines([a, "other", b]) == [
        "train and val: 'vehicle_id' is read as movers, cut at gaps over 30 min, as `trajlm data "
        "ingest` cuts files: train 1 vehicle_id value(s) -> 3 trajectories (2 cut(s)), val 1 "
        "vehicle_id value(s) -> 2 trajectories (1 cut(s)); results carry 'vehicle_id' as given",
        "other",
    ]
    assert joined_cut_lines([a, c]) == [a, c]  # another column: two readings, two lines
