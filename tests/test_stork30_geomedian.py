"""stork30: kNN continuation's neighbour vote when the neighbours split between staying and
leaving. A coordinate-wise median of "stay" and "fly off in several directions" answered
hundreds of metres to kilometres from both (heldout27's storks: 6 km at kNN's defaults); the
geometric median ("geomedian") minimises the mean Euclidean error (the ADE's loss) and stays."""

import numpy as np
import pytest

from trajlm.data.retrieval import AGGREGATES, RetrievalIndex, spatial_median

# absolute directions of the six neighbours that fly off (1 km per fix); four stay
FLY_DEG = (200, 240, 280, 300, 320, 60)


def _library() -> tuple[np.ndarray, np.ndarray]:
    """Ten train trips of 10 fixes: 4 standing, the 5th 1 m east (so every window's frame is
    the absolute one), then 5 fixes staying (4 trips) or flying off (6 trips)."""
    xy, keys = [], []
    for k, deg in enumerate((None,) * 4 + FLY_DEG):
        hist = np.array([[0.0, 0.0]] * 4 + [[1.0, 0.0]])
        d = (
            np.zeros(2)
            if deg is None
            else 1000 * np.array([np.cos(np.radians(deg)), np.sin(np.radians(deg))])
        )
        fut = hist[-1] + d * np.arange(1, 6)[:, None]
        xy.append(np.r_[hist, fut])
        keys += [k] * 10
    return np.concatenate(xy), np.array(keys)


def _ade_if_it_stays(aggregate: str) -> float:
    index = RetrievalIndex(history=5, horizon=5, n_neighbors=10, aggregate=aggregate)
    index.fit(*_library())
    query = np.array([[[0.0, 0.0]] * 4 + [[1.0, 0.0]]])  # standing, like the library's starts
    got = index.query(query, np.array([5]))
    return float(np.linalg.norm(got.continuation[0], axis=-1).mean())  # truth: it stays


def test_coordinate_median_answers_between_staying_and_leaving():
    # the failure geomedian fixes: y's median falls between the stayers and the flyers
    assert _ade_if_it_stays("median") > 300.0


def test_geometric_median_stays_with_the_tight_majority():
    assert "geomedian" in AGGREGATES
    assert _ade_if_it_stays("geomedian") < 1.0


def test_spatial_median_is_rotation_equivariant_and_exact_on_known_cases():
    rng = np.random.default_rng(0)
    p = rng.normal(size=(3, 7, 2)) * 100
    a = np.radians(37.0)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    np.testing.assert_allclose(spatial_median(p @ rot.T), spatial_median(p) @ rot.T, atol=0.1)
    # three points of an equilateral triangle: the centre; a point with a majority: that point
    tri = np.array([[[0.0, 0.0], [2.0, 0.0], [1.0, np.sqrt(3.0)]]])
    np.testing.assert_allclose(spatial_median(tri)[0], [1.0, 1 / np.sqrt(3.0)], atol=1e-3)
    many = np.array([[[5.0, 5.0]] * 3 + [[100.0, 0.0], [0.0, -300.0]]])
    np.testing.assert_allclose(spatial_median(many)[0], [5.0, 5.0], atol=1e-3)


@pytest.mark.parametrize("aggregate", AGGREGATES)
def test_every_aggregate_saves_and_loads(tmp_path, aggregate):
    index = RetrievalIndex(history=5, horizon=5, n_neighbors=10, aggregate=aggregate)
    index.fit(*_library())
    index.save(tmp_path / "i.npz")
    assert RetrievalIndex.load(tmp_path / "i.npz").aggregate == aggregate
