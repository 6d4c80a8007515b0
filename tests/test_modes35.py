"""Issue 15, session 35 (modes35): the self-training pieces and pseudo-label rules of
scripts/modes35/selftrain.py on synthetic tracks."""

from __future__ import annotations

import numpy as np
import polars as pl
from helpers import load_script

st = load_script("modes35", "selftrain.py")


def _points(traj: str, labels: list[str | None], user: str = "u0", t0: int = 0) -> pl.DataFrame:
    n = len(labels)
    return pl.DataFrame(
        {"traj_id": traj, "t": t0 + 15 * np.arange(n, dtype=np.int64),
         "lat": 39.9 + 1e-4 * np.arange(n), "lon": np.full(n, 116.3), "user_id": user,
         "label": pl.Series(labels, dtype=pl.Utf8), "source_traj_id": f"raw_{traj}"}
    )  # fmt: skip


def test_pieces_are_unlabelled_runs_before_the_users_cutoff_and_long_runs_are_cut() -> None:
    # u0: 12 unlabelled, 5 labelled, 4 unlabelled (too short), 3 labelled, 320 unlabelled;
    # u1 has no val / test segment, so all of its unlabelled points count
    a = _points("a", [None] * 12 + ["bus"] * 5 + [None] * 4 + ["car"] * 3 + [None] * 320)
    b = _points("b", [None] * 30, user="u1")
    cutoff = pl.DataFrame({"user_id": ["u0"], "cutoff": [15 * 300]})  # cuts the long run at 300
    pieces = st.unlabelled_pieces(pl.concat([a, b]), cutoff)
    sizes = pieces.group_by("traj_id").agg(pl.len(), pl.col("user_id").first()).sort("traj_id")
    assert pieces["label"].is_null().all()
    assert pieces.filter(pl.col("user_id") == "u0")["t"].max() < 15 * 300  # nothing after cutoff
    u0 = sorted(sizes.filter(pl.col("user_id") == "u0")["len"].to_list())
    # the 12-run; the 4-run dropped; the long run keeps t < 4500: 300 - 24 = 276 points -> 2
    # equal pieces of <= 150
    assert u0 == [12, 138, 138]
    assert sizes.filter(pl.col("user_id") == "u1")["len"].to_list() == [30]
    # no piece crosses a labelled point: each piece's points are consecutive fixes
    gaps = pieces.sort(["traj_id", "t"]).group_by("traj_id").agg(pl.col("t").diff().max())
    assert (gaps["t"] == 15).all()


def test_trip_majority_keeps_the_trips_most_common_label_and_ties() -> None:
    mask = np.array([True, True, True, True, True, False])
    yu = np.array(["bus", "bus", "car", "bike", "car", "bike"])
    trips = np.array(["t1", "t1", "t1", "t2", "t2", "t2"])
    kept = st.trip_majority(mask, yu, trips)
    assert kept.tolist() == [True, True, False, True, True, False]  # t2: a tie keeps both


def test_class_matched_takes_the_k_most_confident_of_each_class() -> None:
    classes = np.array(["bike", "bus"])
    y = np.array(["bike", "bus", "bus"])  # k: bike 1, bus 2
    p = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.3, 0.7], [0.45, 0.55]])
    kept = st.class_matched(y, classes)(p)
    assert kept.tolist() == [True, False, True, True, False]


def test_self_training_without_kept_pieces_is_plain_gb() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = np.where(X[:, 0] > 0, "bus", "bike")
    Xu, Xq = rng.normal(size=(40, 3)), rng.normal(size=(20, 3))
    classes = np.array(["bike", "bus"])
    mask, _, fit_score = st.self_train(X, y, Xu, 0, classes, tau=1.01)
    assert not mask.any()
    np.testing.assert_allclose(fit_score(Xq), st._proba(X, y, Xq, 0, classes))
    mask, yu, fit_score = st.self_train(X, y, Xu, 0, classes, tau=0.5)
    assert mask.all() and set(yu) <= set(classes)
    assert not np.allclose(fit_score(Xq), st._proba(X, y, Xq, 0, classes))


def test_nearest_labelled_lines_up_with_the_piece_table_and_respects_the_gap() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "scripts" / "modes35"))
    explore = load_script("modes35", "explore.py")
    # trip a: a bike leg then 20 unlabelled points right after it (gap 15 s);
    # trip b: 20 unlabelled points, then a 400 s pause, then a bus leg (gap > 300 s: no label);
    # trip c: a car leg, then unlabelled points
    a = _points("a", ["bike"] * 12 + [None] * 20)
    b = pl.concat([_points("b", [None] * 20), _points("b", ["bus"] * 12, t0=15 * 19 + 400)])
    c = _points("c", ["car"] * 12 + [None] * 15)
    store = pl.concat([c, b, a])  # shuffled trips: the output must follow the piece table
    pieces = st.unlabelled_pieces(store, pl.DataFrame(schema={"user_id": pl.Utf8,
                                                             "cutoff": pl.Int64}))  # fmt: skip
    table = st.piece_table(pieces)
    train = store.filter(pl.col("label").is_not_null()).with_columns(
        pl.concat_str("traj_id", pl.lit("#1")).alias("traj_id")
    )
    near = explore.nearest_labelled(table, pieces, train)
    by_trip = dict(zip(table["trip"].to_list(), near.tolist(), strict=True))
    assert by_trip == {"raw_a": "bike", "raw_b": None, "raw_c": "car"}
