"""A run's val verdict, saved beside its weights (session 22, tte22).

A checkpoint can lose to a plain baseline on a user's store: a multi-task run's travel time to
gradient boosting (held-out AIS, 1.18x GB), the bridge recovery to Akima / PCHIP / linear
interpolation (docs/recovery.md "Session 21"). The call check of the recovery cannot see that
loss on a small call (20 trips: too few known points to judge), and the API has no store to
check travel time against. So the check is made once, on the store's val split, and saved:

    trajlm eval --data STORE --model RUN --task tte --save-verdict      (or --task recover)

writes ``val_verdict.json`` (and, when a baseline answers travel time, the train O-D table it
is refitted from, ``val_verdict_od.parquet``) into the weights directory that
``TrajLM.from_pretrained(RUN)`` loads. Both are written atomically and hold no pickle: JSON,
and a Parquet table of numbers. The verdict names the weights it judged (SHA-1 of
``model.safetensors``); other weights ignore it, in one line.

``TrajLM.travel_time`` then answers with the engine of lowest val MAE (the model, or distance /
mean speed, linear regression, gradient boosting refitted from the saved table);
``TrajLM.recover`` answers a call whose own backtest is smaller than the verdict's with the
verdict's engine (the model, or Akima / PCHIP / linear), a larger call by its own call check.
``fallback=False`` (Python), ``"fallback": false`` (HTTP) keep the model's answer.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.longitude import mean_lon
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.store_label import store_label
from trajlm.errors import TrajlmInputError
from trajlm.eval import metrics as M
from trajlm.eval.predict_verdict import KNN_NAME, check_predict_fields, check_saved_table
from trajlm.eval.protocol import make_tte_task
from trajlm.eval.saved_kind import VERDICT_NAME
from trajlm.eval.scaled_knn_engine import SCALE_NAME
from trajlm.eval.travel_time_fallback import ValCheckedTTE
from trajlm.eval.tte_baselines import (
    DistanceOverMeanSpeed,
    GradientBoostingTTE,
    LinearRegressionTTE,
)
from trajlm.model.weights import atomic_write
from trajlm.tasks.fallback_gap import gap_table, table_ok
from trajlm.tasks.fallback_recover import INTERPS, interpolate

OD_NAME = "val_verdict_od.parquet"
FORMAT = 1
TTE_ENGINES = ("model", "distance / mean speed", "linear regression", "gradient boosting")
RECOVER_ENGINES = ("model", *INTERPS)
MAX_OD_ROWS = 200_000  # the saved train O-D table (a few MB); sampled, seeded, above that
REC_TRIPS, REC_POINTS = 100, 300  # the recovery verdict: val trips, fixes each (the first)


class VerdictWarning(UserWarning):
    """A saved val verdict that does not apply (other weights), or none saved (one line)."""


def weights_sha1(directory: Path) -> str:
    """SHA-1 of ``directory/model.safetensors`` (the weights a verdict judged)."""
    h = hashlib.sha1()
    with open(Path(directory) / "model.safetensors", "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _baseline(name: str) -> Any:
    return {"distance / mean speed": DistanceOverMeanSpeed, "linear regression":
            LinearRegressionTTE, "gradient boosting": GradientBoostingTTE}[name]()  # fmt: skip


# ------------------------------------------------------------------------------ compute
def tte_verdict(model_tte: Any, train: pl.DataFrame, val: pl.DataFrame,
                seed: int = 0, tz: str | float | None = None) -> tuple[dict, pl.DataFrame]:  # fmt: skip
    """The travel-time verdict (ValCheckedTTE on val, baselines fitted on train) and the train
    O-D table the baselines were fitted on (at most MAX_OD_ROWS trips, seeded). ``tz``: the
    regressors' clock (the store's zone), kept in the verdict for ``fitted_baseline``."""
    od = make_tte_task(train)
    if len(od) > MAX_OD_ROWS:
        od = od.sample(MAX_OD_ROWS, seed=seed)
    if not len(od):
        raise TrajlmInputError("the store's train split has no trip of positive duration: no "
                               "travel-time baseline to check the model against")  # fmt: skip
    chk = ValCheckedTTE(model_tte, tz=tz).fit(od, val)
    v = {"engine": chk.chosen_, "val_mae_s": chk.val_mae_s_,
         "n_val_trips": len(make_tte_task(val)), "n_train_trips": len(od)}  # fmt: skip
    return (v | {"tz": tz} if tz is not None else v), od


def _recover_errors(model: Any, task: Any) -> dict[str, float]:
    """Pooled mean error (m) on the hidden fixes of: the guarded bridge without its call check
    ("model") and each interpolation."""
    from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer

    hidden = ~task.known
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # coverage lines: the verdict is what is said
        rec = BridgeRecoverer(model, **{**BRIDGE_DEFAULT, "check": "off"}).recover(task)
    out = {"model": float(M.point_errors(rec[hidden], task.latlon[hidden]).mean())}
    return out | {k: float(e.mean()) for k, e in interpolation_errors(task).items()}


def interpolation_errors(task: Any) -> dict[str, np.ndarray]:
    """Each interpolation's error (m) at every hidden fix of a recovery task, interpolated in
    a plane centred on the known fixes (also scripts/tte22_measure.py's, per point)."""
    hidden, ll = ~task.known, task.latlon
    proj = LocalProjection(float(ll[task.known, 0].mean()), mean_lon(ll[task.known, 1]))
    xy = np.zeros_like(ll)
    xy[task.known] = np.stack(proj.forward(ll[task.known, 0], ll[task.known, 1]), 1)
    out = {}
    for kind in INTERPS:
        p = interpolate(kind, xy, task.t, task.known, task.groups)
        lat, lon = proj.inverse(p[hidden, 0], p[hidden, 1])
        out[kind] = M.point_errors(np.stack([lat, lon], 1), ll[hidden])
    return out


def recover_verdict(model: Any, val: pl.DataFrame, seed: int = 0,
                    train: pl.DataFrame | None = None) -> dict:  # fmt: skip
    """The recovery verdict: on up to REC_TRIPS val trips (their first REC_POINTS fixes, seeded
    choice), half the interior fixes hidden (seeded, as the harness's "random 50 %"); the
    engine of lowest pooled error, the model only when strictly below every interpolation.
    With ``train`` (session 28): also each interpolation's error by gap length on its trips
    ("by_gap", tasks/fallback_gap.py), which picks a fallback call's interpolation per gap."""
    ids = val["traj_id"].unique(maintain_order=True)
    if len(ids) > REC_TRIPS:
        ids = ids.sample(REC_TRIPS, seed=seed)
    sub = (val.filter(pl.col("traj_id").is_in(ids.implode())).sort("traj_id", "t")
           .group_by("traj_id", maintain_order=True).head(REC_POINTS))  # fmt: skip
    task = make_recovery_task(sub, "random", seed=seed)
    n = int((~task.known).sum())
    if n == 0:
        raise TrajlmInputError("the store's val split has no trip of 3 or more fixes: nothing to "
                               "hide, so no recovery verdict")  # fmt: skip
    err = _recover_errors(model, task)
    best = min(INTERPS, key=lambda k: err[k])
    engine = "model" if err["model"] < err[best] else best
    out = {"engine": engine, "val_mae_m": err, "n_hidden": n,
           "n_val_trips": int(task.groups.max()) + 1,
           "scheme": f"random 50 % of interior fixes, seed {seed}"}  # fmt: skip
    if train is not None and len(train):
        out["by_gap"] = gap_table(train, seed=seed)
    return out


# --------------------------------------------------------------------------- save / load
def save_verdict(directory: Path, verdicts: dict[str, dict], od: pl.DataFrame | None,
                 store: str, knn: pl.DataFrame | None = None,
                 scale: pl.DataFrame | None = None) -> Path:  # fmt: skip
    """Merge ``verdicts`` ({"travel_time": ..., "recover": ..., "predict": ...}) into
    directory/VERDICT_NAME (atomically; the O-D table / kNN windows first, so a verdict on disk
    always finds its table; ``knn``: the prediction verdict's, eval/predict_verdict.py;
    ``scale``: its scale head's trees, eval/scaled_knn_engine.py)."""
    d = Path(directory)
    path = d / VERDICT_NAME
    sha = weights_sha1(d)
    old = read_verdict(d, quiet=True) or {}
    doc = {"format": FORMAT, "weights_sha1": sha, "store": store_label(store),
           **{k: v for k, v in old.items() if k in ("travel_time", "recover", "predict")}}  # fmt: skip
    if od is not None:
        cols = ["o_lat", "o_lon", "d_lat", "d_lon", "t_start", "duration_s"]
        table = od.select(cols)
        atomic_write(d / OD_NAME, lambda tmp: table.write_parquet(tmp))
        verdicts["travel_time"]["od_sha1"] = hashlib.sha1((d / OD_NAME).read_bytes()).hexdigest()
    if knn is not None:
        atomic_write(d / KNN_NAME, lambda tmp: knn.write_parquet(tmp))
        verdicts["predict"]["knn"]["table_sha1"] = hashlib.sha1(
            (d / KNN_NAME).read_bytes()
        ).hexdigest()
    if scale is not None:
        atomic_write(d / SCALE_NAME, lambda tmp: scale.write_parquet(tmp))
        verdicts["predict"]["scale"]["table_sha1"] = hashlib.sha1(
            (d / SCALE_NAME).read_bytes()
        ).hexdigest()
    doc.update(verdicts)
    text = json.dumps(doc, indent=1)
    atomic_write(path, lambda tmp: Path(tmp).write_text(text + "\n"))
    return path


# the fields each verdict's readers use (a hand-edited file missing one was a KeyError
# traceback inside recover: badin22): name -> (whole count, {engine: MAE} table)
NEEDS = {"travel_time": ("n_val_trips", "val_mae_s"), "recover": ("n_hidden", "val_mae_m")}


def _fields_ok(v: dict, need: tuple[str, str]) -> bool:
    n, table = v.get(need[0]), v.get(need[1])
    return (
        isinstance(n, int)
        and not isinstance(n, bool)
        and n >= 0
        and isinstance(table, dict)
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in table.values())
    )


def read_verdict(directory: Path | None, quiet: bool = False) -> dict | None:
    """The saved verdict of these weights, or None (none saved; or saved for other weights:
    one VerdictWarning line unless ``quiet``). A damaged file: one TrajlmInputError line."""
    if directory is None or not (Path(directory) / VERDICT_NAME).is_file():
        return None
    path = Path(directory) / VERDICT_NAME
    try:
        doc = json.loads(path.read_text())
        ok = isinstance(doc, dict) and doc.get("format") == FORMAT
        ok = ok and all(doc.get(k, {}).get("engine") in eng for k, eng in
                        (("travel_time", TTE_ENGINES), ("recover", RECOVER_ENGINES)) if k in doc)  # fmt: skip
        ok = ok and all(_fields_ok(doc[k], need) for k, need in NEEDS.items() if k in doc)
        ok = ok and ("by_gap" not in doc.get("recover", {}) or table_ok(doc["recover"]["by_gap"]))
        ok = ok and ("predict" not in doc or check_predict_fields(doc["predict"]))
    except (OSError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise TrajlmInputError(f"{path}: not a val verdict this trajlm reads; delete it, or save "
                               "it again with trajlm eval --save-verdict")  # fmt: skip
    if doc.get("weights_sha1") != weights_sha1(Path(directory)):
        if not quiet:
            warnings.warn(f"{path} judged other weights (model.safetensors changed since): "
                          "ignored; save it again with trajlm eval --save-verdict",
                          VerdictWarning, stacklevel=4)  # fmt: skip
        return None
    return doc


def fitted_baseline(directory: Path, verdict: dict) -> Any:
    """The travel-time baseline the verdict chose, refitted on the saved train O-D table (the
    same table, the same seeds: the estimator the verdict scored)."""
    path = Path(directory) / OD_NAME
    check_saved_table(path, verdict.get("od_sha1"),
                      missing="the val verdict beside it names a baseline fitted on it); save the "
                      "verdict again with --save-verdict",
                      changed="save the verdict again with trajlm eval --save-verdict")  # fmt: skip
    from trajlm.eval.tte_baselines import od_features

    est = _baseline(verdict["engine"])
    if verdict.get("tz") is not None and hasattr(est, "tz"):  # the clock it was scored on
        est.tz = verdict["tz"]
    return est.fit(od_features(pl.read_parquet(path)))


def carry_verdict(source: Path | None, directory: Path) -> str | None:
    """Copy the val verdict of the weights loaded from ``source`` (``val_verdict.json`` and its
    tables) into ``directory`` when the weights written there are those weights, byte for byte
    (``save_pretrained`` of a float32 model): the re-loaded model then answers with the engine
    the run's val check chose, as the run did. Before session 26 (newuser26) a saved and
    re-loaded fleet run answered with its raw model where the run answered with place-aware
    kNN. Returns a line to say when a verdict exists but judged other weights (an int8 save):
    it is not carried; None otherwise. A verdict left in ``directory`` by an earlier save of
    other weights is removed (it would be ignored, with a warning, at every load)."""
    names = (VERDICT_NAME, OD_NAME, KNN_NAME, SCALE_NAME)
    doc = read_verdict(source, quiet=True) if source is not None else None
    same = doc is not None and doc.get("weights_sha1") == weights_sha1(directory)
    for name in names:
        src, dst = Path(source or directory) / name, Path(directory) / name
        if same and src.is_file():
            atomic_write(dst, lambda tmp, src=src: Path(tmp).write_bytes(src.read_bytes()))
        elif dst.is_file() and dst != src:
            dst.unlink()
    if doc is not None and not same:
        return (
            f"the val verdict of {source} judged its float32 weights, not these: not "
            f"saved with them ({directory} answers with its own model)"
        )
    return None


def verdict_line(task: str, verdict: dict) -> str:
    """One line: what answers this task and why (val numbers)."""
    if task == "travel_time":
        v = {k: round(s / 60, 2) for k, s in verdict["val_mae_s"].items()}
        return (f"travel time: {verdict['engine']} answers (val MAE by engine, min, on "
                f"{verdict['n_val_trips']} trips: {v})")  # fmt: skip
    v = {k: round(m, 1) for k, m in verdict["val_mae_m"].items()}
    gaps = verdict.get("by_gap")
    saved = f"; interpolation errors by gap length on {gaps['n_trips']} train trips" if gaps else ""
    return (f"recover: {verdict['engine']} answers calls smaller than the val check "
            f"({verdict['n_hidden']} hidden fixes; val MAE by engine, m: {v}{saved})")  # fmt: skip


__all__ = ["OD_NAME", "RECOVER_ENGINES", "TTE_ENGINES", "VERDICT_NAME", "VerdictWarning",
           "carry_verdict", "fitted_baseline", "read_verdict", "recover_verdict", "save_verdict", "tte_verdict",
           "verdict_line", "weights_sha1"]  # fmt: skip
