"""Session 21, leftovers21: ``TrajLM.travel_time`` warns of a departure at an hour / weekday the
model never saw, as ``predict`` does (README: the Python API warns outside the training
coverage), by cov20's rules: silent for a model that hides an unseen clock (context "motion",
or "auto" with context dropout) and for hours a fixed-rate feed steps over."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import torch
from helpers import STATS

import trajlm
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.coverage import CoverageWarning, trip_warnings

MONDAY = 1_709_510_400  # 2024-03-04 00:00 UTC
COV = {
    "bbox": {"min_lat": 41.10, "min_lon": -8.70, "max_lat": 41.20, "max_lon": -8.55},
    "xy_box_m": [-7000.0, -6000.0, 7000.0, 6000.0],
    "hour_hist": [100] * 8 + [0] * 16,  # trained 00-07 UTC
    "weekday_hist": [100] * 5 + [0] * 2,  # on weekdays only
    "clock_shift_prob": 0.0,
    "traj_speed_mps": {"p1": 0.1, "p5": 0.2, "p50": 8.0, "p95": 60.0, "p99": 80.0},
    "dt_s": {"p1": 1.0, "p5": 2.0, "p50": 15.0, "p95": 60.0, "p99": 120.0},
    "speed_mps": {"p1": 0.1, "p5": 0.5, "p50": 8.0, "p95": 40.0, "p99": 60.0},
}
SIX_HOURLY = {
    **COV,
    "hour_hist": [500 if h % 6 == 0 else 0 for h in range(24)],
    "dt_s": {k: 21600.0 for k in ("p1", "p5", "p50", "p95", "p99")},
}
ORIG, DEST = [(41.15, -8.61)], [(41.158, -8.59)]


def tiny(path: Path, cov: dict = COV, **kw) -> trajlm.TrajLM:
    torch.manual_seed(0)
    cfg = dict(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=dict(STATS), coverage=cov)
    TrajectoryModel(ModelConfig(**{**cfg, "infill_heads": True, **kw})).save_pretrained(path)
    return trajlm.TrajLM.from_pretrained(path, threads=1)


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> trajlm.TrajLM:
    return tiny(tmp_path_factory.mktemp("lo21") / "full", context="full")


def said(m: trajlm.TrajLM, depart, o=ORIG, d=DEST) -> list[str]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m.travel_time(o, d, depart=depart)
    return [str(x.message) for x in w if issubclass(x.category, CoverageWarning)]


def test_departure_at_an_unseen_hour_warns_as_predict_does(full):
    lines = said(full, MONDAY + 15 * 3600)  # 15 UTC: trained 00-07
    assert len(lines) == 1, lines
    assert "hour of day 15 UTC never seen in training (trained on 00-07)" in lines[0]
    assert "100% of departures" in lines[0]
    assert not said(full, MONDAY + 3 * 3600)  # 03 UTC: seen


def test_departure_on_an_unseen_weekday_warns(full):
    lines = said(full, MONDAY + 5 * 86400 + 3600)  # Saturday 01 UTC
    assert len(lines) == 1 and "weekday Sat never seen" in lines[0], lines


def test_many_trips_warn_once_when_clearly_more_than_training(full):
    n = 20
    departs = [MONDAY + 3600 * (16 if i < 10 else 2) for i in range(n)]  # half at 16 UTC
    lines = said(full, departs, ORIG * n, DEST * n)
    assert len(lines) == 1 and "50% of departures" in lines[0], lines


def test_no_hour_line_for_a_model_that_hides_an_unseen_clock(tmp_path):
    for name, kw in (("motion", {"context": "motion"}),
                     ("auto", {"context": "auto", "context_dropout": 0.3})):  # fmt: skip
        m = tiny(tmp_path / name, **kw)
        assert not said(m, MONDAY + 15 * 3600), name


def test_no_hour_line_between_a_fixed_rate_feeds_hours(tmp_path):
    m = tiny(tmp_path / "six", cov=SIX_HOURLY, context="full")
    assert not said(m, MONDAY + 3 * 3600)  # between 00 and 06: stepped over


def test_place_and_hour_both_named(full):
    lines = trip_warnings(full.model, [(48.85, 2.35)], [(48.86, 2.36)], [MONDAY + 15 * 3600])
    assert len(lines) == 2 and lines[0].startswith("hour of day"), lines
    assert "origins and destinations" in lines[1]
