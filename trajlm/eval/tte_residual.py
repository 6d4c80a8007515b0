"""Travel time as a learned correction to gradient boosting (issue 15, lever 3).

    log duration = log GB(od) + head(z(od))

``z`` are a few standardized features of the query (GB's own log prediction, log O-D distance
and, when a trained model is given, that model's log duration minus GB's). The head's last
layer starts at zero, so an unfitted or zero-step head predicts exactly what gradient boosting
predicts, and every change in the score is the correction's.

The head is trained on OUT-OF-FOLD GB predictions on the train split (k folds by trajectory:
each trip's base prediction comes from a GB fitted without that trip). GB's in-sample fit is
far tighter than its error on new trips (Porto: 12 % in-sample vs 32 % out-of-fold MAPE), so a
head trained on it would learn to trust GB; at predict time GB is the one fitted on all of
train. The default loss is L1 on log time: MAPE is a relative error, and the median of log
time is the median of time, which is what MAE rewards.

Only the protocol's query is read (origin, destination, departure time): the route is not an
input of the travel-time task (PROTOCOL.md, task 3).

Opt-in since session 7 (docs/travel-time.md): ``loss="mae+log"`` (MAE in minutes, relative to
the mean duration, plus ``log_weight`` times L1 on log time), ``n_bags`` averaged heads, and
``query_features`` (hour and bearing on circles, distances from the city centre;
``query_hour=False`` drops the hour, which a linear head extrapolates under a chronological
split).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import torch
from sklearn.base import BaseEstimator, clone

from trajlm.errors import UserError
from trajlm.eval import baselines as B

OD_COLUMNS = ("o_lat", "o_lon", "d_lat", "d_lon", "t_start")
LOSSES = ("l1", "l2", "metric", "mae+log")


def fold_ids(n: int, n_folds: int, seed: int = 0) -> np.ndarray:
    """(n,) fold of each row (one row per trajectory): a seeded permutation dealt round-robin,
    so fold sizes differ by at most one."""
    if n_folds < 2:
        raise UserError(f"n_folds={n_folds}: out-of-fold predictions need at least 2 folds")
    if n < n_folds:
        raise UserError(f"{n} training trips for n_folds={n_folds}: need at least one per fold")
    folds = np.empty(n, np.int64)
    folds[np.random.default_rng(seed).permutation(n)] = np.arange(n) % n_folds
    return folds


def out_of_fold(base: Any, od: pl.DataFrame, folds: np.ndarray) -> np.ndarray:
    """(N,) seconds: row i predicted by a clone of ``base`` fitted on every fold but i's."""
    pred = np.empty(len(od))
    for f in np.unique(folds):
        held = folds == f
        pred[held] = (
            clone(base).fit(od.filter(pl.Series(~held))).predict(od.filter(pl.Series(held)))
        )
    return pred


def checked_od(od: Any, need_duration: bool) -> pl.DataFrame:
    """An O-D table (make_tte_task / od_table) or a point table, checked; one clear error."""
    if not isinstance(od, pl.DataFrame):
        raise UserError(f"travel time input: expected a polars DataFrame, got {type(od).__name__}")
    if "distance_m" not in od.columns and {"traj_id", "t", "lat", "lon"} <= set(od.columns):
        od = B.od_table(od)  # a point table: one O-D row per trajectory
    need = (*OD_COLUMNS, "duration_s") if need_duration else OD_COLUMNS
    missing = [c for c in need if c not in od.columns]
    if missing:
        raise UserError(
            f"travel time input: missing column(s) {', '.join(missing)}",
            hint="give an O-D table (trajlm.eval.protocol.make_tte_task) or a point table",
        )
    if len(od) == 0:
        raise UserError("travel time input: no rows")
    if "distance_m" not in od.columns:
        od = B.od_features(od)
    bad = ~np.isfinite(od.select(B.TTE_FEATURES).to_numpy().astype(np.float64)).all(1)
    if bad.any():
        raise UserError(f"travel time input: row {int(np.flatnonzero(bad)[0])} has a NaN/inf "
                        "coordinate or time")  # fmt: skip
    return od


def _od_xy(od: pl.DataFrame, lat0: float) -> np.ndarray:
    """(N, 4) origin and destination in metres (equirectangular about lat0; neighbours only)."""
    ky, kx = 111_195.0, 111_195.0 * np.cos(np.radians(lat0))
    cols = [od[c].to_numpy().astype(np.float64) for c in ("o_lat", "o_lon", "d_lat", "d_lon")]
    return np.stack([cols[0] * ky, cols[1] * kx, cols[2] * ky, cols[3] * kx], 1)


class ResidualHead(torch.nn.Module):
    """z (N, F) -> (N,) correction to log seconds; the output layer starts at zero.

    ``hidden=0`` is a linear head."""

    def __init__(self, n_features: int, hidden: int = 16) -> None:
        super().__init__()
        layers: list[torch.nn.Module] = []
        if hidden:
            layers += [torch.nn.Linear(n_features, hidden), torch.nn.Tanh()]
        self.out = torch.nn.Linear(hidden or n_features, 1)
        torch.nn.init.zeros_(self.out.weight)  # correction 0 at init: exactly the base
        torch.nn.init.zeros_(self.out.bias)
        self.body = torch.nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.out(self.body(z)).squeeze(-1)  # (N,)


class ResidualTTE(BaseEstimator):
    """Gradient boosting's travel time times exp(a learned correction); sklearn-like.

    ``fit(train_df)`` takes the train split (an O-D table with ``duration_s`` or a point table);
    ``predict(od)`` returns (N,) seconds. ``model``: optionally anything with
    ``travel_time(od) -> seconds`` (e.g. ``trajlm.tasks.travel_time.ModelTravelTime``); its log
    ratio to GB becomes a head input. ``steps=0`` keeps the head at zero: exactly GB.
    """

    name = "gradient boosting + residual"

    def __init__(
        self,
        base: Any = None,
        model: Any = None,
        n_folds: int = 5,
        hidden: int = 16,
        steps: int = 300,
        lr: float = 1e-2,
        weight_decay: float = 1e-2,
        loss: str = "l1",
        n_neighbors: int = 0,
        random_state: int = 0,
        # session 7 (MAE below GB too): the "mae+log" loss's weight on L1 in log space, and
        # n_bags heads (each on its own fold split and init) whose corrections are averaged
        log_weight: float = 1.0,
        n_bags: int = 1,
        query_features: bool = False,
        query_hour: bool = True,
        # session 8: columns of the O-D table the head also reads as they are (the retrieval
        # features of trajlm.eval.tte_retrieval), and the bags' median instead of their mean
        extra_features: tuple[str, ...] = (),
        bag_median: bool = False,
    ) -> None:
        self.base, self.model, self.n_folds, self.hidden = base, model, n_folds, hidden
        self.n_neighbors = n_neighbors
        self.steps, self.lr, self.weight_decay, self.loss = steps, lr, weight_decay, loss
        self.random_state = random_state
        self.log_weight, self.n_bags = log_weight, n_bags
        self.query_features, self.query_hour = query_features, query_hour
        self.extra_features, self.bag_median = extra_features, bag_median

    # ------------------------------------------------------------------ features
    def _features(self, od: pl.DataFrame, base_s: np.ndarray, train: bool = False) -> np.ndarray:
        """(N, F) raw head inputs: log base seconds, log1p distance[, log model / base][, the
        neighbours' log speed]. ``train``: the rows are the training trips (neighbours from
        other folds only)."""
        cols = [np.log(base_s), np.log1p(od["distance_m"].to_numpy().astype(np.float64))]
        if self.model is not None:
            model_s = np.maximum(np.asarray(self.model.travel_time(od), np.float64), 1.0)
            cols.append(np.log(model_s) - np.log(base_s))
        if self.n_neighbors:
            cols.append(self._neighbour_speed(od, train))
        if self.query_features:
            cols += list(self._query_features(od).T)
        if self.extra_features:
            missing = [c for c in self.extra_features if c not in od.columns]
            if missing:
                raise UserError(f"ResidualTTE: the O-D table lacks {', '.join(missing)}",
                                hint="add them with tte_retrieval.RetrievalFeatures.transform")  # fmt: skip
            cols += list(od.select(self.extra_features).to_numpy().astype(np.float64).T)
        return np.stack(cols, 1)

    def _query_features(self, od: pl.DataFrame) -> np.ndarray:
        """(N, 6) route-free query features GB is not given as such: the hour on a circle, the
        O-D bearing on a circle, and the log distance of origin and of destination from the
        train trips' median origin (the city centre, roughly). ``query_hour=False`` drops the
        hour (N, 4): under a chronological split a linear head extrapolates it to hours that
        train never saw (Porto: train 0-8 h UTC, val 7-8 h, test 8-9 h)."""
        o = _od_xy(od, self.lat0_)
        hour = 2 * np.pi * (od["t_start"].to_numpy() % 86400) / 86400
        bearing = np.arctan2(o[:, 2] - o[:, 0], o[:, 3] - o[:, 1])  # (dy, dx) on the ground
        r_o = np.log1p(np.hypot(*(o[:, :2] - self.centre_).T))
        r_d = np.log1p(np.hypot(*(o[:, 2:] - self.centre_).T))
        cols = [np.sin(hour), np.cos(hour)] * self.query_hour
        return np.stack([*cols, np.sin(bearing), np.cos(bearing), r_o, r_d], 1)

    def _neighbour_speed(self, od: pl.DataFrame, train: bool) -> np.ndarray:
        """(N,) median log O-D speed (m/s) of the n_neighbors train trips nearest in (origin,
        destination) metres. A training trip's neighbours come from the other folds, so its
        own duration (and its fold's) never enters its feature."""
        from sklearn.neighbors import NearestNeighbors

        q, k = _od_xy(od, self.lat0_), self.n_neighbors
        if not train:
            _, idx = NearestNeighbors(n_neighbors=k).fit(self.nn_xy_).kneighbors(q)
            return np.median(self.nn_speed_[idx], 1)
        out = np.empty(len(od))
        for f in np.unique(self.folds_):
            held = self.folds_ == f
            nn = NearestNeighbors(n_neighbors=k).fit(self.nn_xy_[~held])
            _, idx = nn.kneighbors(q[held])
            out[held] = np.median(self.nn_speed_[~held][idx], 1)
        return out

    def _z(self, x: np.ndarray) -> torch.Tensor:
        return torch.as_tensor((x - self.mu_) / self.sd_, dtype=torch.float32)

    # ----------------------------------------------------------------------- fit
    def fit(self, train_df: pl.DataFrame) -> ResidualTTE:
        if self.loss not in LOSSES:
            raise UserError(f"loss={self.loss!r}: expected one of {', '.join(LOSSES)}")
        if self.steps < 0 or self.hidden < 0 or self.n_bags < 1 or self.log_weight < 0:
            raise UserError(f"steps={self.steps}, hidden={self.hidden}, n_bags={self.n_bags}, "
                            f"log_weight={self.log_weight}: steps, hidden and log_weight must "
                            "be >= 0, n_bags >= 1")  # fmt: skip
        od = checked_od(train_df, need_duration=True).filter(pl.col("duration_s") > 0)
        base = self.base if self.base is not None else B.GradientBoostingTTE()
        if self.n_neighbors:
            if self.n_neighbors >= len(od) * (self.n_folds - 1) // self.n_folds:
                raise UserError(f"n_neighbors={self.n_neighbors}: more than a fold's complement "
                                f"of {len(od)} training trips")  # fmt: skip
            self.lat0_ = float(od["o_lat"].mean())
            self.nn_xy_ = _od_xy(od, self.lat0_)
            y_s = od["duration_s"].to_numpy().astype(np.float64)
            self.nn_speed_ = np.log1p(od["distance_m"].to_numpy()) - np.log(y_s)
        if self.query_features:
            self.lat0_ = float(od["o_lat"].mean())
            self.centre_ = np.median(_od_xy(od, self.lat0_)[:, :2], 0)
        self.y_ = torch.tensor(od["duration_s"].to_numpy(), dtype=torch.float32)  # a copy
        self.bags_, self.train_loss_ = [], []
        for b in range(self.n_bags):  # bag 0 is the single-head recipe, seed for seed
            seed = self.random_state + 1000 * b
            self.folds_ = fold_ids(len(od), self.n_folds, seed)
            oof = out_of_fold(base, od, self.folds_)
            x = self._features(od, oof, train=True)
            self.mu_, self.sd_ = x.mean(0), np.maximum(x.std(0), 1e-6)
            target = torch.as_tensor(np.log(od["duration_s"].to_numpy()) - np.log(oof),
                                     dtype=torch.float32)  # fmt: skip
            torch.manual_seed(seed)
            self.head_ = ResidualHead(x.shape[1], self.hidden)
            self.train_loss_.append(self._train(self._z(x), target))
            self.bags_.append((self.mu_, self.sd_, self.head_))
        if self.n_bags == 1:
            self.train_loss_ = self.train_loss_[0]
        self.base_ = clone(base).fit(od)  # the one that predicts: fitted on all of train
        return self

    def _train(self, z: torch.Tensor, target: torch.Tensor) -> list[float]:
        """Full-batch AdamW on the head (a few hundred rows to a few thousand: no batching)."""
        if self.steps == 0:  # the head stays at zero (and torch.optim's first import is slow)
            return []
        opt = torch.optim.AdamW(self.head_.parameters(), lr=self.lr,
                                weight_decay=self.weight_decay)  # fmt: skip
        losses = []
        for _ in range(self.steps):
            r = self.head_(z) - target  # log(prediction / truth)
            if self.loss == "l1":
                loss = r.abs().mean()
            elif self.loss == "l2":
                loss = r.square().mean()
            elif self.loss == "metric":  # MAPE + MAE / mean duration, the two scores, as is
                ape = (r.exp() - 1).abs()  # |p - y| / y
                loss = ape.mean() + (ape * self.y_).sum() / self.y_.sum()
            else:  # "mae+log": MAE / mean duration + log_weight * L1 on log time
                mae = ((r.exp() - 1).abs() * self.y_).sum() / self.y_.sum()  # sum|p - y| / sum y
                loss = mae + self.log_weight * r.abs().mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
        return losses

    # ------------------------------------------------------------------- predict
    def predict_parts(self, od: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(base seconds (N,), log correction (N,)): the prediction is base * exp(correction)."""
        if not hasattr(self, "head_"):
            raise UserError("ResidualTTE: call fit(train_df) before predict")
        od = checked_od(od, need_duration=False)
        base_s = self.base_.predict(od)
        x = self._features(od, base_s)
        cs = []
        with torch.no_grad():
            for mu, sd, head in self.bags_:
                z = torch.as_tensor((x - mu) / sd, dtype=torch.float32)
                cs.append(head(z).double().numpy())
        # the bags' mean (or median) log correction
        c = np.median(cs, 0) if self.bag_median else np.mean(cs, 0)
        return base_s, c

    def predict(self, od: pl.DataFrame) -> np.ndarray:
        """(N,) seconds."""
        base_s, c = self.predict_parts(od)
        return base_s * np.exp(c)

    def travel_time(self, od: pl.DataFrame) -> np.ndarray:
        """The harness's TaskModel surface (``trajlm eval`` / ``run_eval(models=...)``)."""
        return self.predict(od)

    def feature_names(self) -> list[str]:
        """The head's inputs, in order (they are standardized on train before the head)."""
        names = ["log GB", "log distance"] + ["log model / GB"] * (self.model is not None)
        names += ["neighbours' log speed"] * bool(self.n_neighbors)
        if self.query_features:
            names += ["sin hour", "cos hour"] * self.query_hour
            names += ["sin bearing", "cos bearing", "log r origin", "log r destination"]
        return names + list(self.extra_features)

    def num_params(self) -> int:
        return sum(p.numel() for _, _, h in self.bags_ for p in h.parameters())
