"""Text encodings of trajectories: round trips within the stated precision, the semantic one's
clauses, malformed text, and token counts under the real tokenizers (skipped without them)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.geometry import haversine
from trajlm.data.synthetic import generate_city
from trajlm.llm import weights
from trajlm.llm.text import ENCODINGS, encode, from_text, to_text, tokens_per_point


@pytest.fixture(scope="module")
def city() -> pl.DataFrame:
    return generate_city(n_trajectories=12, seed=4).points.select("traj_id", "t", "lat", "lon")


def _one(df: pl.DataFrame, i: int = 0) -> pl.DataFrame:
    return df.filter(pl.col("traj_id") == df["traj_id"].unique(maintain_order=True)[i])


@pytest.mark.parametrize("encoding,max_err_m", [("fixed", 0.79), ("delta", 0.8)])
def test_round_trip_within_precision(city, encoding, max_err_m):
    for tid in city["traj_id"].unique().to_list()[:6]:
        one = city.filter(pl.col("traj_id") == tid)
        back = from_text(encode(one["t"], one["lat"], one["lon"], encoding), encoding)
        assert back["t"].to_list() == one["t"].to_list()  # times exact
        err = haversine(one["lat"].to_numpy(), one["lon"].to_numpy(), back["lat"], back["lon"])
        assert err.max() <= max_err_m, (tid, err.max())


def test_delta_rounding_does_not_accumulate():
    # 2,000 steps of 0.4 m east: summing rounded steps would lose 0.4 m per step (800 m).
    n = 2000
    lat = np.full(n, 41.15)
    lon = -8.61 + np.arange(n) * 0.4 / (111_195 * np.cos(np.radians(41.15)))
    t = 1_700_000_000 + np.arange(n)
    back = from_text(encode(t, lat, lon, "delta"), "delta")
    assert haversine(lat, lon, back["lat"].to_numpy(), back["lon"].to_numpy()).max() < 0.8


def test_fixed_precision_is_the_stated_one(city):
    one = _one(city)
    for p, bound_m in ((3, 56.0), (5, 0.56)):
        back = from_text(encode(one["t"], one["lat"], one["lon"], "fixed", p), "fixed")
        err = haversine(one["lat"].to_numpy(), one["lon"].to_numpy(), back["lat"], back["lon"])
        assert err.max() <= bound_m * 1.5  # lat rounding <= 0.5e-p deg, lon the same or less
    coarse = encode(one["t"], one["lat"], one["lon"], "fixed", 3)
    assert len(coarse) < len(encode(one["t"], one["lat"], one["lon"], "fixed", 5))


def test_semantic_clauses_and_lossy_decode():
    # 60 s north at 10 m/s, stop 40 s, 30 s east at 10 m/s: one turn right, one stop.
    t = np.arange(0, 131, 10) + 1_710_748_800  # 2024-03-18 (a Monday) 08:00 UTC
    y = np.r_[np.arange(0, 61, 10) * 10.0, [600.0] * 4, 600 + np.zeros(3)]
    x = np.r_[np.zeros(7), np.zeros(4), np.arange(10, 31, 10) * 10.0]
    lat = 41.15 + y / 111_195
    lon = -8.61 + x / (111_195 * np.cos(np.radians(41.15)))
    text = encode(t, lat, lon, "semantic")
    assert text.startswith("starts 41.15000,-8.61000 at 2024-03-18T08:00:00Z (Mon); ")
    assert (
        "heads north 600 m at 36 km/h; stops 40 s; turns right; heads east 300 m at 36 km/h" in text
    )
    back = from_text(text, "semantic")
    assert len(back) == 4  # start + one point per leg end
    assert back["t"][-1] == t[-1]
    end = haversine(lat[-1:], lon[-1:], back["lat"][-1:].to_numpy(), back["lon"][-1:].to_numpy())
    assert end[0] < 15.0


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_malformed_text_names_the_part(encoding, city):
    one = _one(city)
    text = encode(one["t"][:4], one["lat"][:4], one["lon"][:4], encoding)
    broken = text.replace(",", ";", 3) if encoding != "semantic" else text.replace("heads", "hops")
    with pytest.raises(ValueError, match="part "):
        from_text(broken, encoding)
    with pytest.raises(ValueError, match="encoding must be one of"):
        from_text(text, "base64")


def test_to_text_one_row_per_trajectory(city):
    out = to_text(city, "delta")
    assert out["traj_id"].to_list() == city["traj_id"].unique(maintain_order=True).to_list()
    assert int(out["n_points"].sum()) == len(city)
    assert all(s.count(" | ") == n - 1 for s, n in zip(out["text"], out["n_points"], strict=True))


@pytest.mark.skipif(not weights.has_minilm(), reason="needs the llm extra (MiniLM weights)")
def test_tokens_per_point_minilm(city):
    tok = weights.minilm_tokenizer()
    costs = {e: tokens_per_point(city, e, tok) for e in ENCODINGS}
    assert costs["semantic"] < costs["delta"] < costs["fixed"], costs
    assert 5 < costs["fixed"] < 40
