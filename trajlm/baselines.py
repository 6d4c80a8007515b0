"""The baselines as scikit-learn estimators (``clone``, ``get_params``, grid search work).

    trajlm.baselines.ConstantVelocity().predict(df, steps=5)        # same layout as TrajLM
    trajlm.baselines.KNNContinuation(n_neighbors=20).fit(train).predict(df, steps=5)
    trajlm.baselines.LinearInterpolation().predict(df_with_gaps)     # same layout as recover

Prediction and recovery baselines take any frame ``trajlm.data.coerce`` reads; the evaluation
harness calls the same objects with arrays (see trajlm/eval/baselines.py).
"""

from trajlm.eval.baselines import (
    ConstantVelocity,
    CubicSplineInterpolation,
    DistanceOverMeanSpeed,
    GapSwitchedInterpolation,
    GradientBoostingTTE,
    KNNContinuation,
    LinearExtrapolation,
    LinearInterpolation,
    LinearRegressionTTE,
)

__all__ = [
    "ConstantVelocity",
    "CubicSplineInterpolation",
    "DistanceOverMeanSpeed",
    "GapSwitchedInterpolation",
    "GradientBoostingTTE",
    "KNNContinuation",
    "LinearExtrapolation",
    "LinearInterpolation",
    "LinearRegressionTTE",
]
