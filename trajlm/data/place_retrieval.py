"""Place-aware retrieval: nearest train windows by shape AND by where they are and head.

``RetrievalIndex`` matches a history in the object's own frame (shape and speed) and ignores
place; for road traffic the road at this place decides where a vehicle goes next. This index
appends the absolute last history point (metres in the store's projection, times
``w_place``) and the heading of the last displacement (cos, sin, times ``w_heading`` metres)
to the own-frame features, so a neighbour must be similar in shape and also nearby and heading
the same way: with ``w_place = 0.1`` a window 1 km away costs as much as 100 m of shape
difference, with ``w_heading = 100`` an opposite heading costs 200 m.

Everything else (the leak guard ``exclude``, the train-only library, the median vote of
continuations in the query's frame) is ``RetrievalIndex``'s. Not saved (``save`` refuses):
``RetrievalIndex.load`` would read it back without its place weights.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from trajlm.data.retrieval import RetrievalIndex, TrainWindows, last_point


class PlaceRetrievalIndex(RetrievalIndex):
    """``RetrievalIndex`` whose features also hold place and heading; see the module docstring."""

    def __init__(
        self,
        history: int = 5,
        horizon: int = 5,
        n_neighbors: int = 10,
        aggregate: str = "median",
        max_windows: int = 300_000,
        random_state: int = 0,
        w_place: float = 0.1,
        w_heading: float = 100.0,
    ) -> None:
        super().__init__(history, horizon, n_neighbors, aggregate, max_windows, random_state)
        if w_place < 0 or w_heading < 0:
            raise ValueError(f"need w_place, w_heading >= 0, got {w_place}, {w_heading}")
        self.w_place, self.w_heading = float(w_place), float(w_heading)

    def features(self, hist: np.ndarray, lengths: np.ndarray):
        """Own-frame history ++ w_place * last point ++ w_heading * (cos, sin) heading:
        (N, 2 * (history - 1) + 4), cos, sin."""
        shape, c, s = super().features(hist, lengths)
        place = self.w_place * last_point(hist, np.asarray(lengths))  # (N, 2) metres
        head = self.w_heading * np.stack([c, s], axis=1)  # (N, 2)
        return np.concatenate([shape, place, head], axis=1), c, s

    def _window_features(self, windows: TrainWindows) -> np.ndarray:
        """``features`` of cut windows: the same numbers, without cutting them again (one cut
        serves every weight pair of a grid search, scale34)."""
        place = self.w_place * windows.origins  # the history's last point, (M, 2) metres
        head = self.w_heading * np.stack([windows.c, windows.s], axis=1)
        return np.concatenate([windows.shape, place, head], axis=1)

    def save(self, path: str | Path) -> None:
        raise NotImplementedError("PlaceRetrievalIndex is not saved; rebuild it from the store")
