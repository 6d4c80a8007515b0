"""MAE-targeted travel-time bases (issue 15, session 9; docs/travel-time.md).

The protocol's gradient boosting fits squared error on log duration: its prediction is the
conditional geometric mean, which MAPE likes. MAE is minimised by the conditional *median* in
seconds and is dominated by the long trips; ``GradientBoostingMAE`` is the same model (same
features, trees, learning rate) with scikit-learn's ``loss="absolute_error"``, on log or raw
seconds (leaf values are medians either way; the splits differ).
"""

from __future__ import annotations

from trajlm.eval import baselines as B


class GradientBoostingMAE(B.GradientBoostingTTE):
    """``GradientBoostingTTE`` with HistGradientBoostingRegressor(loss="absolute_error")."""

    name = "gradient boosting (absolute error)"

    def __init__(self, max_iter: int = 200, learning_rate: float = 0.05, log_target: bool = True,
                 random_state: int = 0) -> None:  # fmt: skip
        super().__init__(max_iter, learning_rate, log_target, random_state)

    def _make(self):
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(
            loss="absolute_error", max_iter=self.max_iter, learning_rate=self.learning_rate,
            random_state=self.random_state,
        )  # fmt: skip
