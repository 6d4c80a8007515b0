"""Radii fitted on a training run's own val split (session 30, trainradii30).

trajlm-small ships ``radii.json`` (eval/radii_bins.py): conformal factors radius / std_m per
horizon x relative-std bin, fitted by study scripts on val answers of Porto, GeoLife and seeded
movers. A user's own `trajlm train` run had none, so ``predict(radii=...)`` on it used session
21's pooled factors (eval/spread_radii.RADIUS_FACTORS), measured on trajlm-small's answers, not
on this model's nor on this store's movers.

At the end of `trajlm train` (and ``TrajLM.fit``, the same body) ``fit_run_radii`` asks the kept
model (``fallback=False``: the model's own answers, which are the ones radii.json sizes) for 5
steps on every window of the val trips (``make_prediction_task(windows=WINDOWS)``: 20-fix
histories, stride 5 fixes, up to 50 a trip, as the verdict's engine spreads read them), and
fits ``fit_radii_bins`` on err / std_m with each val trip as a group (a bin needs ``MIN_N``
answers from ``MIN_GROUPS`` trips, else it keeps the run's pooled factor). With fewer than
``MIN_N`` finite answers or ``MIN_GROUPS`` trips nothing is written and the pooled factors
stay (the bins' own floor: below it no bin could pass, and a pooled quantile of fewer than 100
answers is not worth replacing a measured one).

The file is written atomically beside the kept weights with their SHA-1 (``weights_sha1``):
``load_radii_bins`` ignores it, with one line, once the weights change (a resumed run that
kept other weights and was stopped before its end).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.eval import metrics as M
from trajlm.eval.engine_spread import WINDOWS, history_frame
from trajlm.eval.radii_bins import (
    MIN_GROUPS,
    MIN_N,
    RADII_FILE,
    RadiiBins,
    fit_radii_bins,
    regime,
    relative_std,
    seconds,
)
from trajlm.eval.spread_radii import RADIUS_FACTORS
from trajlm.eval.weights_stamp import remove_stamped

LEVELS = (50, 90, 95)
NOTE = "fitted on the run's own val split at the end of trajlm train (eval/run_radii.py)"


def val_answers(lm: Any, val: pl.DataFrame, windows: int = WINDOWS) -> pl.DataFrame:
    """One row per answer of ``lm.predict(history, steps=5, fallback=False)`` on every window
    of ``val``'s trips: trip, step, seconds ahead ``a``, err (m), std (the answer's std_m),
    the history's mean ``speed`` and r = err / std (NaN where either is not finite)."""
    task = make_prediction_task(val, windows=windows)
    n = len(task.lengths)
    empty = {"trip": pl.String, "step": pl.Int64, "a": pl.Float64, "err": pl.Float64,
             "std": pl.Float64, "speed": pl.Float64, "r": pl.Float64}  # fmt: skip
    if n == 0:
        return pl.DataFrame(schema=empty)
    hist = history_frame(task)
    with warnings.catch_warnings():  # coverage / kNN notes: the user sees them when predicting
        warnings.simplefilter("ignore")
        pred = lm.predict(hist, steps=task.target_t.shape[1], fallback=False)
    pred = pred.with_columns(pl.col("traj_id").cast(pl.String)).sort("traj_id", "step")
    ids = hist["traj_id"].unique(maintain_order=True).to_list()
    row = {tid: i for i, tid in enumerate(ids)}
    b = np.array([row[t] for t in pred["traj_id"].to_list()])
    s = pred["step"].to_numpy() - 1
    keep = s < task.target_latlon.shape[1]
    b, s, pred = b[keep], s[keep], pred.filter(pl.Series(keep))
    guess = np.stack([pred["lat"].to_numpy(), pred["lon"].to_numpy()], -1)
    err = M.point_errors(guess[:, None, :], task.target_latlon[b, s][:, None, :])[:, 0]
    reg = regime(hist)
    last = dict(zip(reg["traj_id"].to_list(), reg["t_last"].to_list(), strict=True))
    speed = dict(zip(reg["traj_id"].to_list(), reg["speed"].to_list(), strict=True))
    tids = pred["traj_id"].to_list()
    std = pred["std_m"].cast(pl.Float64).to_numpy()
    ratio = np.where(np.isfinite(err) & np.isfinite(std) & (std > 0), err / std, np.nan)
    return pl.DataFrame({
        "trip": pl.Series([task.traj_ids[row[t]] for t in tids], dtype=pl.String),
        "step": s + 1,
        "a": seconds(pred["t"]).to_numpy() - np.array([last[t] for t in tids], np.float64),
        "err": err, "std": std,
        "speed": np.array([speed[t] for t in tids], np.float64),
        "r": ratio,
    })  # fmt: skip


def fit_from_answers(rows: pl.DataFrame) -> tuple[RadiiBins | None, str]:
    """The run's radii from ``val_answers`` rows, or None with the reason (too few answers or
    trips: the bins' own floor, ``MIN_N`` answers from ``MIN_GROUPS`` trips)."""
    ok = rows.filter(pl.col("r").is_finite() & pl.col("a").is_finite() & (pl.col("a") > 0))
    trips = ok["trip"].n_unique()
    if ok.height < MIN_N or trips < MIN_GROUPS:
        return None, (
            f"val has {ok.height} scored answer(s) on {trips} trip(s), fewer than the {MIN_N} "
            f"answers on {MIN_GROUPS} trips a fit needs"
        )
    bins = fit_radii_bins(
        ok["r"].to_numpy(), np.ones(ok.height), ok["trip"].to_numpy(), ok["a"].to_numpy(),
        relative_std(ok["std"], ok["speed"], ok["a"]), LEVELS,
        note=f"{NOTE}: {ok.height} answers on {trips} val trips",
    )  # fmt: skip
    own = sum(1 for _ in bins.factors)
    return bins, f"{ok.height} val answers on {trips} trips, {own} of {len(bins.counts)} bins"


def save_run_radii(bins: RadiiBins, directory: str | Path) -> Path:
    """``bins`` as ``directory/radii.json`` (atomically), stamped with the SHA-1 of the weights
    beside it (``load_radii_bins`` ignores the file once they change)."""
    from trajlm.eval.weights_stamp import save_stamped

    return save_stamped(bins.to_json(), Path(directory) / RADII_FILE)


def fit_run_radii(lm: Any, val: pl.DataFrame, directory: str | Path) -> dict[str, Any]:
    """Fit and save the run's radii (module doc) beside the kept weights in ``directory``;
    where val is too small, remove a stale radii.json there (an earlier fit of other weights)
    and keep the pooled factors. Returns {"radii": one line for the run summary, "radii_s":
    seconds}."""
    start = time.perf_counter()
    bins, why = fit_from_answers(val_answers(lm, val))
    if bins is None:
        remove_stamped(Path(directory) / RADII_FILE)
        f = RADIUS_FACTORS
        line = f"kept the pooled factors (r50 = {f[50]}, r90 = {f[90]} x std_m): {why}"
    else:
        path = save_run_radii(bins, directory)
        f = {lv: round(bins.pooled[lv], 2) for lv in (50, 90)}
        line = f"fitted on {why} (pooled r50 = {f[50]}, r90 = {f[90]} x std_m): wrote {path}"
    return {"radii": line, "radii_s": round(time.perf_counter() - start, 1)}


__all__ = ["fit_from_answers", "fit_run_radii", "save_run_radii", "val_answers"]
