"""The candidate selector's own ``predict(df)`` (the estimator's frame path) answers the
``std_m`` that ``TrajLM.predict`` does (session 28, uncert28; it was NaN after session 27)."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
from test_api_selector import saved  # noqa: F401 (the module's fixture: a tiny saved selector)
from test_uncert27 import _first, _without_spread

import trajlm
from trajlm.eval.selector_predictor import CandidateSelectorPredictor


def test_the_estimators_predict_gives_the_apis_std_m(saved):  # noqa: F811
    store, test, sel, folder = saved
    sub = _first(test)
    api = trajlm.TrajLM.from_pretrained(folder).predict(sub, steps=3)
    est = CandidateSelectorPredictor.load(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a folder with a spread: nothing to say
        got = est.predict(sub, steps=3)
    assert got.columns[:6] == ["traj_id", "step", "t", "lat", "lon", "std_m"]
    assert got["std_m"].is_finite().sum() >= 9
    np.testing.assert_allclose(got["std_m"].to_numpy(), api["std_m"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(got["lat"].to_numpy(), api["lat"].to_numpy(), rtol=1e-12)
    # the caller's kind comes back (pandas in, pandas out) with the same numbers
    pd_got = est.predict(sub.to_pandas(), steps=3)
    np.testing.assert_allclose(pd_got["std_m"].to_numpy(), api["std_m"].to_numpy(), rtol=1e-12)


def test_an_old_folders_estimator_says_nan_once(saved, tmp_path):  # noqa: F811
    store, test, sel, folder = saved
    est = CandidateSelectorPredictor.load(_without_spread(folder, tmp_path))
    sub = _first(test, 2)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        a, b = est.predict(sub, steps=2), est.predict(sub, steps=2)
    lines = [str(w.message) for w in said if "session 27" in str(w.message)]
    assert len(lines) == 1 and "\n" not in lines[0] and said[0].filename == __file__
    assert a["std_m"].is_nan().all() and b["std_m"].is_nan().all()
    assert isinstance(a, pl.DataFrame)
