"""Recovery radii fitted on a training run's own val split (session 31, uncert31).

trajlm-small ships ``recover_radii.json`` (eval/recover_spread.py): split-conformal factors of
err / scale per (gap length, position in the gap) bin, fitted by study scripts
(scripts/uncert29/engine_cover.py, scripts/uncert30/recover50.py) on val answers of its shipped
recover path. A user's own run wrote none, so ``recover(radii=...)`` on it was refused in one
line. trainradii30 (eval/run_radii.py) did the same for prediction's radii.json.

``fit_run_recover_radii`` hides points of the first ``TRIPS`` val trips in the settings
trajlm-small's file was fitted on (random 50 % hidden, seed 0; one fix kept per 120, 600 and
1800 s), asks the run's shipped recover path (``TrajLM.recover``: the bridge or the infilling
heads, with the per-call check handing a call to interpolation where it wins, as a user's call
does) to fill them, and fits ``fit_recover_spread`` on the hidden points' errors with each val
trip as a group and each setting weighing the same (a bin needs ``MIN_N`` points from
``MIN_GROUPS`` trips, else the run's pooled factors), with trajlm-small's ``NOISE_FLOOR`` form.
Fewer than ``MIN_N`` scored hidden points or ``MIN_GROUPS`` trips: no file, said in one line (a
stale file is removed).

**Called by `trajlm train` (and ``TrajLM.fit``) at a run's end when val has at least
``MIN_VAL_TRIPS`` trips (session 33, uncert33).** Session 31 (uncert31) read fits of 2-3 val
trips on held-out test trips: 60-75 % inside the 90 % circle on three of four stores, so the fit
was left out of `trajlm train`. Session 32 (scripts/uncert32/slow.py trips) found, within one
store's val trips, that it needs about 40 trips. Session 33 (scripts/uncert33/own_radii.py, rule
pre-registered) read runs on Porto (97 val trips) and GeoLife (333) on held-out trips of their
kind: 91.4 / 91.1 % inside the 90 % circle, closer to the 50 / 90 / 95 levels on average than
trajlm-small's file; fits on 20 random val trips held 85-95 % in 20 / 17 of 20 draws there, 10
trips in 20 / 11. Below the
floor the run writes none, says why in one line and ``recover(radii=)`` is refused (as before).
docs/generalization.md "Session 33 (uncert33)". A user may still call it on a smaller val with
``min_trips=0``:

    from trajlm.eval.run_recover_radii import fit_run_recover_radii
    fit_run_recover_radii(TrajLM.from_pretrained(RUN), val_frame, RUN / "best", min_trips=0)

The file is written atomically beside the kept weights with their SHA-1 (``weights_sha1``):
``load_recover_spread`` ignores it, with one line, once the weights change.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.eval.metrics import haversine
from trajlm.eval.radii_regime import seconds
from trajlm.eval.recover_spread import (
    GAP_FEATURES,
    MIN_GROUPS,
    MIN_N,
    NOISE_FLOOR,
    RECOVER_RADII_FILE,
    calibrated_gap_s,
    fit_recover_spread,
    gap_features,
)
from trajlm.eval.weights_stamp import remove_stamped

TRIPS = 40  # val trips read: trajlm-small's first file read 40 a store (uncert28)
# val trips (of >= 3 fixes) a run needs before `trajlm train` fits its own file (uncert33: the
# smallest of 10 / 20 / 40 whose random draws held 85-95 % at 90 on held-out trips in >= 16 of 20)
MIN_VAL_TRIPS = 20
SETTINGS: tuple[tuple[str, dict], ...] = (
    ("random 50 %", {"mode": "random", "ratio": 0.5, "seed": 0}),
    ("every 120 s", {"mode": "downsample", "interval_s": 120.0}),
    ("every 600 s", {"mode": "downsample", "interval_s": 600.0}),
    ("every 1800 s", {"mode": "downsample", "interval_s": 1800.0}),
)
NOTE = "fitted on the run's own val split by fit_run_recover_radii (eval/run_recover_radii.py)"
FEATURES = GAP_FEATURES  # the columns recover_answers keeps per hidden point


def first_trips(val: pl.DataFrame, trips: int = TRIPS) -> pl.DataFrame:
    """(traj_id, t, lat, lon) of val's first ``trips`` trips of 3 or more fixes, time order."""
    df = val.select(pl.col("traj_id").cast(pl.String), "t", "lat", "lon").sort("traj_id", "t")
    n = df.group_by("traj_id", maintain_order=True).len().filter(pl.col("len") >= 3)
    return df.filter(pl.col("traj_id").is_in(n["traj_id"][:trips].implode()))


def setting_answers(lm: Any, df: pl.DataFrame) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(setting, known, err m) per setting of ``SETTINGS``: ``lm.recover`` of ``df``'s rows
    with the setting's points hidden, one call each. A setting whose answer has another row
    count than its input is left out with one warning naming it."""
    ll = df.select("lat", "lon").to_numpy().astype(np.float64)
    got = []
    for name, kw in SETTINGS:
        known = make_recovery_task(df, **kw).known
        if known.all():
            continue
        hidden = pl.Series(~known)
        inp = df.with_columns(lat=pl.when(hidden).then(None).otherwise(pl.col("lat")),
                              lon=pl.when(hidden).then(None).otherwise(pl.col("lon")))  # fmt: skip
        # coverage / verdict notes: the user sees them when recovering, not when fitting
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = lm.recover(inp)
        if out.height != df.height:  # no row-by-row error to score (review31: it was silent)
            warnings.warn(f"recovery radii fit: setting {name!r} left out: recover answered "
                          f"{out.height} rows for {df.height}", stacklevel=3)  # fmt: skip
            continue
        got.append((name, known, haversine(out["lat"].to_numpy(), out["lon"].to_numpy(),
                                           ll[:, 0], ll[:, 1])))  # fmt: skip
    return got


def recover_answers(lm: Any, val: pl.DataFrame, trips: int = TRIPS) -> pl.DataFrame:
    """One row per hidden val point of each setting (module doc): trip, setting, err (m) of
    ``lm.recover``'s answer, and the point's ``gap_features`` read as the answers will read them
    (steps past the calibrated gap left out: ``recover_spread.step_limit_s``). A setting whose
    answer has another row count than its input is left out with one warning naming it."""
    df = first_trips(val, trips)
    schema = {"trip": pl.String, "setting": pl.String, "err": pl.Float64,
              **dict.fromkeys(FEATURES, pl.Float64)}  # fmt: skip
    if not df.height:
        return pl.DataFrame(schema=schema)
    t = seconds(df["t"]).to_numpy()
    ll = df.select("lat", "lon").to_numpy().astype(np.float64)
    groups = df["traj_id"].rank("dense").to_numpy()
    answered = [(name, known, err, gap_features(t, ll, known, groups)["gap_s"])
                for name, known, err in setting_answers(lm, df)]  # fmt: skip
    scored = [g[~k & np.isfinite(e) & np.isfinite(g)] for _, k, e, g in answered]
    if not sum(len(g) for g in scored):
        return pl.DataFrame(schema=schema)
    # the fit keeps this as max_gap_s; answers then leave out known steps past it: so do its rows
    limit = calibrated_gap_s(np.concatenate(scored))
    parts = []
    for name, known, err, _ in answered:
        f, h = gap_features(t, ll, known, groups, limit), ~known
        parts.append(pl.DataFrame({"trip": df["traj_id"].to_numpy()[h], "setting": name,
                                   "err": err[h], **{k: f[k][h] for k in FEATURES}},
                                  schema=schema))  # fmt: skip
    return pl.concat(parts)


def fit_from_recover_answers(rows: pl.DataFrame) -> tuple[dict | None, str]:
    """The run's recovery spread from ``recover_answers`` rows, or None with the reason (too
    few points or trips: the bins' own floor, ``MIN_N`` points from ``MIN_GROUPS`` trips)."""
    ok = rows.filter(pl.col("err").is_finite() & pl.col("scale").is_finite())
    trips = ok["trip"].n_unique()
    if ok.height < MIN_N or trips < MIN_GROUPS:
        return None, (
            f"val has {ok.height} scored hidden point(s) on {trips} trip(s), fewer than the "
            f"{MIN_N} points on {MIN_GROUPS} trips a fit needs"
        )
    w = (1.0 / ok.select(pl.len().over("setting")).to_series()).to_numpy()  # settings equal
    feats = {k: ok[k].to_numpy() for k in FEATURES}
    spread = fit_recover_spread(ok["err"].to_numpy(), feats, w, ok["trip"].to_numpy(),
                                note=f"{NOTE}: {ok.height} hidden points on {trips} val trips",
                                noise_floor=NOISE_FLOOR)  # fmt: skip
    nb = len(spread["bins"])
    return spread, f"{ok.height} hidden val points on {trips} trips, {nb} bins of their own"


def save_run_recover_radii(spread: dict, directory: str | Path) -> Path:
    """``spread`` as ``directory/recover_radii.json`` (atomically), stamped with the SHA-1 of
    the weights beside it (``load_recover_spread`` ignores the file once they change)."""
    from trajlm.eval.weights_stamp import save_stamped

    return save_stamped(spread, Path(directory) / RECOVER_RADII_FILE)


def val_trips(val: pl.DataFrame) -> int:
    """Val trips a fit can hide points in (3 or more fixes; ``recover_answers`` reads these)."""
    if not val.height:
        return 0
    return int((val.group_by("traj_id").len()["len"] >= 3).sum())


def fit_run_recover_radii(lm: Any, val: pl.DataFrame, directory: str | Path,
                          min_trips: int = MIN_VAL_TRIPS) -> dict[str, Any]:  # fmt: skip
    """Fit and save the run's recovery radii (module doc) beside the kept weights in
    ``directory``; where val has fewer than ``min_trips`` trips or too few hidden points,
    remove a stale file there and write none. Returns {"recover_radii": one line for the run
    summary, "recover_radii_s": seconds}."""
    start = time.perf_counter()
    n = val_trips(val)
    if n < min_trips:
        remove_stamped(Path(directory) / RECOVER_RADII_FILE)
        line = (f"none fitted, recover(radii=) is refused for this run: val has {n} trip(s) of 3 "
                f"or more fixes, fewer than the {min_trips} a run's own recovery radii need to "
                "hold on other trips (session 33)")  # fmt: skip
        return {"recover_radii": line, "recover_radii_s": round(time.perf_counter() - start, 1)}
    spread, why = fit_from_recover_answers(recover_answers(lm, val))
    if spread is None:
        remove_stamped(Path(directory) / RECOVER_RADII_FILE)
        line = f"none fitted, recover(radii=) is refused for this run: {why}"
    else:
        path = save_run_recover_radii(spread, directory)
        f = spread["pooled"]["factors"]
        line = (f"fitted on {why} (pooled r50 = {f['50']:.2f}, r90 = {f['90']:.2f} x the gap's "
                f"scale): wrote {path}")  # fmt: skip
    return {"recover_radii": line, "recover_radii_s": round(time.perf_counter() - start, 1)}


__all__ = ["MIN_VAL_TRIPS", "first_trips", "fit_from_recover_answers", "fit_run_recover_radii",
           "recover_answers", "save_run_recover_radii", "setting_answers", "val_trips"]  # fmt: skip
