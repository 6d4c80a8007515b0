"""The prediction verdict of a `trajlm train` run: which of the model, kNN continuation and
linear-3 answers ``TrajLM.predict`` (session 24, pverdict24).

Session 23 (heldout23) ended `trajlm train` with a val check of the kept model against kNN
continuation (fitted on the store's train split) and linear extrapolation over 3 points
(eval/knn_check.py), and ``TrajLM.predict`` only warned when the model was not better. The
other tasks already answer with their val winner (travel time / recovery: val_verdict.py; the
candidate selector: selector_verdict.py). This module turns the check into a verdict:

Rule (fixed before any verdict was read; the selector's "guarded" rule of select22): **the
model answers only where the paired bootstrap 95 % upper bound of its val 5-step ADE over the
better of kNN continuation and linear-3 is under 1; else that baseline answers.** Why guarded
rather than "the model unless a baseline is reliably better": the val trips are the ones the
model's selection read (the lowest val ADE of the validations), so the model's val number is
the optimistic one of the three; and where the two are level a baseline costs nothing to run,
carries no coverage risk, and was at least as good on every held-out kind session 23 scored.

What is saved (beside the weights, with the travel-time / recovery verdicts, by
``val_verdict.save_verdict``): the verdict under ``"predict"`` in ``val_verdict.json`` and, when
kNN answers, its train windows in ``val_verdict_knn.parquet`` (features, continuations and the
trajectory key of each window: numbers only, no pickle; written atomically, its SHA-1 in the
verdict, both tied to the weights' SHA-1). Answering needs no store: the index is rebuilt from
the table, the same windows the verdict scored.

Session 24 (pvbase24) widened the candidates to the strongest baselines of `trajlm eval`
(heldout24: on 4 of 8 held-out kinds the strongest test baseline was one the check did not
hold): constant velocity [time] and linear-3 [time, fit] (given the target times), and kNN
continuation / place-aware kNN with their neighbours tuned on val as the harness tunes them
(knn_check.candidates). A time-aware engine answers ``steps=k`` at the times the steps would
fall at if the trajectory kept its median sampling interval (robust to one odd gap; the answer's
``t`` column holds those times); ``trajlm eval`` gives it the true target times, as it gives
every [time] baseline. Verdicts saved before (three engines) read as they were.

Calls the baseline cannot answer stay with the model (the API says which, once): more steps
than kNN's horizon (5; since session 30 the reaching engine of lowest val error answers the
steps past it: verdict_reach.py), asked times (``at_times`` / ``seconds_ahead``), ``radii`` and ``draft``
(the model's own features), and trajectories whose last point lies outside the train windows'
bounding box grown by ``FAR_KM`` (another city: the train split says nothing of its streets).

Session 26 (uncert26): the check also saves each baseline's error spread on val ("spread":
eval/engine_spread.py), so an engine's answers carry ``std_m`` and answer ``radii`` with its own
circles; only a verdict without it leaves radii to the model.

Session 27 (scaleengine27): "kNN scaled [time]", kNN continuation shrunk per query by a scale
head fitted on the train split's time-ordered blocks (eval/scaled_knn_engine.py), challenges the
choice above: it answers only where the 95 % upper bound of its val ADE over the chosen engine's
is under 1 (the same guarded rule); its trees are saved beside kNN's windows (``SCALE_NAME``).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.retrieval import AGGREGATES, RetrievalIndex, last_point, traj_keys
from trajlm.errors import TrajlmInputError
from trajlm.eval import baselines as B

KNN = "kNN continuation"
PLACE_KNN = "kNN continuation (place-aware)"
TIME_AWARE = ("constant velocity [time]", "linear-3 [time, fit]")
DR = "dead reckoning [time]"  # where the store reports speed / course (eval/dr_verdict.py)
SCALED = "kNN scaled [time]"  # kNN x a scale head fitted on train (eval/scaled_knn_engine.py)
ENGINES = ("model", KNN, "linear-3", *TIME_AWARE, PLACE_KNN, DR, SCALED)
KNN_FAMILY = (KNN, PLACE_KNN, SCALED)  # engines that answer from the saved train windows
RULE = ("guarded: the model only where the paired bootstrap 95 % upper bound of its val ADE "
        "over the best baseline on val is under 1; else that baseline")  # fmt: skip
KNN_NAME = "val_verdict_knn.parquet"
# engines that answer any horizon (linear-3: up to the model's own MAX_STEPS); past a kNN-family
# engine's steps the one of lowest val ADE answers (eval/verdict_reach.py, session 30)
REACHING = ("model", "linear-3", *TIME_AWARE)
FAR_KM = 50.0  # beyond the train windows' box by this much: another place, the model answers


def decide(check: dict[str, Any], train: pl.DataFrame) -> dict[str, Any] | None:
    """The verdict from ``knn_check``'s result (None when it had nothing to compare)."""
    if not check:
        return None
    engine = "model" if check["val_vs_best_baseline"] == "better" else check["val_best_baseline"]
    baselines = check.get("val_ade_baselines_m") or {  # a check of session 23 / pverdict24
        KNN: check["val_ade_knn_m"],
        "linear-3": check["val_ade_linear3_m"],
    }
    scaled = check.get("val_scaled") or {}  # scaleengine27: the challenger of that choice
    if "val_ade_m" in scaled:
        baselines = {**baselines, SCALED: scaled["val_ade_m"]}
        engine = SCALED if scaled.get("answers") else engine
    lo, hi = check["val_ade_vs_best_baseline_ci"]
    box = [float(train["lat"].min()), float(train["lon"].min()),
           float(train["lat"].max()), float(train["lon"].max())]  # fmt: skip
    return (
        {
            "engine": engine,
            "rule": RULE,
            "val_ade_m": {"model": check["val_ade_model_m"], **baselines},
            "best_baseline": check["val_best_baseline"],
            "model_over_best": {"ratio": check["val_ade_vs_best_baseline"], "lo": lo, "hi": hi},
            "n_val_trips": check["val_baseline_trips"],
            "train_box": box,
        }
        | ({"small_val": check["val_small_rule"]} if check.get("val_small_rule") else {})
        | ({"spread": check["val_spread"]} if check.get("val_spread") else {})
        | ({"scaled_check": scaled} if scaled else {})
        | (
            {"scored_at": check["val_scored_at"], "interval_spread": check["val_interval_spread"]}
            if check.get("val_scored_at")
            else {}
        )  # irregular: at report times (irreg27)
    )  # each baseline's error spread on val: its answers' std_m and radii (uncert26)


def reach_engine(v: dict[str, Any]) -> str:
    """The engine that answers where ``v``'s kNN-family engine cannot reach: of REACHING, the
    one of lowest val ADE in the verdict ("model" where it scored none; verdict_reach.py)."""
    val = v.get("val_ade_m") or {}
    scored = {e: float(val[e]) for e in REACHING if isinstance(val.get(e), int | float)}
    scored = {e: x for e, x in scored.items() if math.isfinite(x)}  # a NaN never wins (badin30)
    return min(scored, key=scored.__getitem__) if scored else "model"


# ----------------------------------------------------------------------- the saved kNN
def knn_params(knn: B.KNNContinuation) -> dict[str, Any]:
    """What rebuilds the fitted kNN from its table: its settings and plane (and the
    place-aware one's weights)."""
    p = knn.projection_
    out = {"history": knn.history, "horizon": knn.horizon, "n_neighbors": knn.n_neighbors,
           "aggregate": knn.aggregate, "projection": [float(p.lat0), float(p.lon0)],
           "n_windows": int(knn.n_windows_)}  # fmt: skip
    if hasattr(knn, "w_place"):
        out |= {"w_place": float(knn.w_place), "w_heading": float(knn.w_heading)}
    return out


def knn_table(knn: B.KNNContinuation) -> pl.DataFrame:
    """The fitted kNN's windows as a table of numbers: traj_key, f_0.. (features), c_0..
    (continuations, x and y of each step)."""
    ix = knn.index_
    conts = ix.continuations_.reshape(len(ix.continuations_), -1)
    cols = {"traj_key": ix.traj_keys_}
    cols |= {f"f_{i}": ix.features_[:, i] for i in range(ix.features_.shape[1])}
    cols |= {f"c_{i}": conts[:, i] for i in range(conts.shape[1])}
    return pl.DataFrame(cols)


def check_saved_table(path: Path, sha1: str | None, missing: str, changed: str) -> None:
    """One line when a verdict's saved table is missing, or not the bytes the verdict was
    scored with (its SHA-1 in val_verdict.json): the prediction and travel-time verdicts."""
    if not path.is_file():
        raise TrajlmInputError(f"{path}: missing ({missing}")
    if hashlib.sha1(path.read_bytes()).hexdigest() != sha1:
        raise TrajlmInputError(f"{path}: changed since the val verdict was saved; {changed}")


def load_knn(directory: Path, verdict: dict[str, Any]) -> tuple[RetrievalIndex, LocalProjection]:
    """The verdict's kNN index and plane, rebuilt from its saved table (checked by SHA-1)."""
    path = Path(directory) / KNN_NAME
    knn = verdict.get("knn") or {}
    check_saved_table(path, knn.get("table_sha1"),
                      missing="the val verdict beside it names kNN fitted on it); train again, or "
                      "delete val_verdict.json's \"predict\"", changed="train again to save a new one")  # fmt: skip
    t = pl.read_parquet(path)
    h, hz = int(knn["history"]), int(knn["horizon"])
    n_feats = 2 * (h - 1) + (4 if verdict.get("engine") == PLACE_KNN else 0)
    want = [f"f_{i}" for i in range(n_feats)] + [f"c_{i}" for i in range(2 * hz)]
    if missing := [c for c in want if c not in t.columns]:  # history / horizon edited (badin24)
        raise TrajlmInputError(f"{path}: has no column {missing[0]!r} that the verdict's kNN "
                               f"(history {h}, horizon {hz}) reads; train again to save a new one")  # fmt: skip
    if len(t) == 0 or not np.isfinite(t.select(want).to_numpy()).all():
        raise TrajlmInputError(f"{path}: no windows, or NaN / infinite values in them; train "
                               "again to save a new one")  # fmt: skip
    settings = {"history": h, "horizon": hz, "n_neighbors": int(knn["n_neighbors"]),
                "aggregate": str(knn["aggregate"])}  # fmt: skip
    if verdict.get("engine") == PLACE_KNN:  # its features end with place and heading
        ix = PlaceRetrievalIndex(**settings, w_place=float(knn["w_place"]),
                                 w_heading=float(knn["w_heading"]))  # fmt: skip
    else:
        ix = RetrievalIndex(**settings)
    feats = t.select(want[:n_feats]).to_numpy()
    conts = t.select(want[n_feats:]).to_numpy().reshape(len(t), hz, 2)
    ix._set(np.ascontiguousarray(feats), conts, t["traj_key"].to_numpy())
    lat0, lon0 = knn["projection"]
    return ix, LocalProjection(float(lat0), float(lon0))


def load_index(directory: Path, verdict: dict[str, Any]) -> tuple[Any, LocalProjection]:
    """``load_knn``'s index, wrapped with the saved scale head where the engine is SCALED
    (eval/scaled_knn_engine.py): what ``baseline_xy`` takes as ``index``."""
    index, proj = load_knn(directory, verdict)
    if verdict.get("engine") == SCALED:
        from trajlm.eval.scaled_knn_engine import SCALE_NAME, load_scaled

        path = Path(directory) / SCALE_NAME
        check_saved_table(path, verdict["scale"].get("table_sha1"),
                          missing="the val verdict beside it names the scale head saved there); "
                          "train again", changed="train again to save a new one")  # fmt: skip
        index = load_scaled(path, float(verdict["scale"]["baseline"]),
                            VerdictBaseline(KNN, index), int(index.horizon))  # fmt: skip
    return index, proj


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and bool(np.isfinite(x))


def _count(x: Any, low: int) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= low


def _degrees(lat: Any, lon: Any) -> bool:
    return _number(lat) and _number(lon) and abs(lat) <= 90 and abs(lon) <= 180


def check_predict_fields(v: Any) -> bool:
    """A saved "predict" verdict has what its readers use (a hand-edited one: False). The box
    and the plane are degrees (badin24: a NaN, boolean or inverted box sent every trajectory to
    the model with a line blaming the queries; [-500, -500, 500, 500] turned the far guard off;
    a missing or NaN plane, a history the table does not hold were tracebacks)."""
    ok = isinstance(v, dict) and v.get("engine") in ENGINES
    ok = ok and _count(v.get("n_val_trips"), 0) and isinstance(v.get("val_ade_m"), dict)
    ok = ok and isinstance(v.get("small_val", ""), str)  # smallval25's line, where it acted
    ok = ok and isinstance(v.get("spread", {}), dict)  # uncert26: an engine's own is checked
    ok = ok and isinstance(v.get("scaled_check", {}), dict)  # scaleengine27's val numbers
    box = v.get("train_box") if ok else None
    ok = (
        ok and isinstance(box, list) and len(box) == 4 and _degrees(*box[:2]) and _degrees(*box[2:])
    )
    ok = ok and box[0] <= box[2] and box[1] <= box[3]
    if ok and v["engine"] in KNN_FAMILY:
        k = v.get("knn")
        ok = isinstance(k, dict) and _count(k.get("history"), 2) and _count(k.get("horizon"), 1)
        ok = ok and _count(k.get("n_neighbors"), 1)
        ok = ok and k.get("aggregate") in AGGREGATES and isinstance(k.get("table_sha1"), str)
        plane = k.get("projection") if ok else None
        ok = ok and isinstance(plane, list) and len(plane) == 2 and _degrees(*plane)
        # the plane is the train windows' own (their centre): one elsewhere measures them bent
        ok = ok and box[0] - 1 <= plane[0] <= box[2] + 1 and box[1] - 1 <= plane[1] <= box[3] + 1
        if ok and v["engine"] == PLACE_KNN:
            ok = all(_number(k.get(f)) for f in ("w_place", "w_heading"))
        if ok and v["engine"] == SCALED:
            from trajlm.eval.scaled_knn_engine import scale_fields_ok

            ok = scale_fields_ok(v)
    return bool(ok)


# ----------------------------------------------------------------------- answering
def baseline_xy(engine: str, index: RetrievalIndex | None, xy: np.ndarray, lengths: np.ndarray,
                k: int, t: np.ndarray, t_future: np.ndarray, keys: np.ndarray) -> np.ndarray:  # fmt: skip
    """(N, k, 2) metres: the baseline's next k points. kNN never reads a window of the query's
    own trajectory (``keys``: its trajectory keys) and holds train windows only; histories
    shorter than its 5 points continue at constant velocity (as KNNContinuation)."""
    fixed = {"linear-3": B.LinearExtrapolation(3), TIME_AWARE[0]: B.ConstantVelocity(use_time=True),
             TIME_AWARE[1]: B.LinearExtrapolation(3, "fit", True)}  # fmt: skip
    if engine in fixed:
        return fixed[engine].predict(xy, lengths, k, t, t_future)
    if engine == SCALED:  # ``index``: the ScaledKNN load_index built (it reads the asked times)
        return index.predict(xy, lengths, k, t, t_future, keys)
    out = B.ConstantVelocity()._extrapolate(xy, lengths, k, None, None)
    got = index.query(xy, lengths, k, exclude=keys)
    ok = got.found
    out[ok] = last_point(xy[ok], lengths[ok])[:, None] + got.continuation[ok]
    return out


class VerdictBaseline:
    """The baseline a prediction verdict chose, at the array level of the baselines'
    ``predict(xy, lengths, k, t, t_future)`` (plus ``keys``: the queries' trajectory keys)."""

    def __init__(self, engine: str, index: RetrievalIndex | None = None) -> None:
        self.engine, self.index = engine, index
        self.display_name = engine  # badin26: the single-point line said 'VerdictBaseline'

    def predict(self, xy: np.ndarray, lengths: np.ndarray, k: int, t: np.ndarray,
                t_future: np.ndarray, keys: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
        return baseline_xy(self.engine, self.index, xy, lengths, k, t, t_future, keys)


class ValCheckedPredictor:
    """``trajlm eval --task predict``'s "MODEL (val-checked: ENGINE)" row: the verdict's engine
    answers each test history (the harness's ``predict_next``); a dead-reckoning verdict's row
    is eval/dr_verdict.DRValChecked (it reads the test table's speed / course)."""

    def __init__(self, model_predictor: Any, verdict: dict, index: Any = None,
                 projection: LocalProjection | None = None) -> None:  # fmt: skip
        self.model, self.verdict = model_predictor, verdict
        self.index, self.projection = index, projection
        self.name = (
            f"{model_predictor.name} (val-checked: {verdict['engine']}{saved_knn_words(verdict)})"
        )

    def predict_next(self, task: Any) -> np.ndarray:
        engine, k = self.verdict["engine"], task.target_t.shape[1]
        h, alt = k, "model"
        if self.index is not None and k > self.index.horizon:  # past kNN's steps: as the API
            h, alt = int(self.index.horizon), reach_engine(self.verdict)  # (leftover30)
        if engine == "model" or (h < k and alt == "model"):
            return self.model.predict_next(task)
        proj = self.projection or LocalProjection(
            float(task.hist_latlon[..., 0].mean()), float(task.hist_latlon[..., 1].mean())
        )
        t0 = task.hist_t[:, :1]
        keys = traj_keys(np.asarray(task.traj_ids))
        xy = baseline_xy(engine, self.index, task.xy(proj), task.lengths, h,
                         task.hist_t - t0, task.target_t[:, :h] - t0, keys)  # fmt: skip
        if h < k:  # the later steps: the reaching engine of lowest val error (verdict_reach)
            later = baseline_xy(alt, None, task.xy(proj), task.lengths, k, task.hist_t - t0,
                                task.target_t - t0, keys)  # fmt: skip
            xy = np.concatenate([xy, later[:, h:]], axis=1)
        return np.stack(proj.inverse(xy[..., 0], xy[..., 1]), axis=-1)


def saved_knn_words(v: dict) -> str:
    """ ", 10 neighbours, 5-point histories": the settings of a kNN-family verdict's saved index
    ("" for other engines). The val-checked row's name says them (api29): `trajlm eval`'s kNN
    rows are tuned on the scored store's val, the run's saved kNN at train (at its defaults
    where val was too small), so one engine answered at two settings under one name (heldout28:
    1.72 vs 1.27 m on a harvester's store)."""
    knn = v.get("knn") if v.get("engine") in KNN_FAMILY else None
    if not isinstance(knn, dict) or not all(
        _count(knn.get(f), 1) for f in ("n_neighbors", "history")
    ):
        return ""
    return f", {knn['n_neighbors']} neighbours, {knn['history']}-point histories"


def _num(x: float) -> str:
    """Three significant digits, no exponent: 0.877, 1.10, 21.6, 80."""
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def val_words(ratio: float, lo: float, hi: float, baseline: str, n_trips: int) -> str:
    """What val showed, as numbers (no "level" where the interval is only wide): "the model was
    21.6x linear-3 [time, fit]'s error on val (7 trips: CI 3.1-80)"."""
    spans = lo <= 1 <= hi
    tail = "; val cannot tell them apart" if spans and hi / max(lo, 1e-9) > 2 else ""
    return (f"the model was {_num(ratio)}x {baseline}'s error on val ({n_trips} trips: "
            f"CI {_num(lo)}-{_num(hi)}{tail})")  # fmt: skip


def verdict_line(v: dict) -> str:
    """One line: what answers prediction and why (val numbers)."""
    if v.get("unchecked"):  # too few val trips to check: kNN at its defaults (folds25)
        return unchecked_line(v)
    r, mae = v["model_over_best"], {k: round(m, 1) for k, m in v["val_ade_m"].items()}
    words = val_words(r["ratio"], r["lo"], r["hi"], v["best_baseline"], v["n_val_trips"])
    small = f"{v['small_val']}; " if v.get("small_val") else ""  # smallval25: the rule acted
    from trajlm.eval.report_times import scored_at_words

    return (f"predict: {small}{words}; {v['engine']} answers (rule: the model only where the CI "
            f"is under 1; val 5-step ADE{scored_at_words(v)} by engine, m: {mae}){scaled_words(v)}")  # fmt: skip


def short_verdict_line(v: dict, details: str) -> str:
    """One readable line for every `trajlm predict` call (newuser31 #19: ``verdict_line`` ran
    to ~900 characters, every engine's val ADE, on each call): who answers and the one number
    that chose it; ``details`` names where the rest is (the run's saved verdict)."""
    if v.get("unchecked"):
        return unchecked_line(v)
    r, engine = v["model_over_best"], v["engine"]
    ci = f"{v['n_val_trips']} val trips, CI {_num(r['lo'])}-{_num(r['hi'])}"
    why = f"the model was {_num(r['ratio'])}x {v['best_baseline']}'s error on val ({ci})"
    return f"predict: {engine} answers: {why}; the rule and every engine's val error: {details}"


def scaled_words(v: dict) -> str:
    """What the scaled engine's check showed (scaleengine27), or why it was not fitted."""
    sc = v.get("scaled_check")
    if not isinstance(sc, dict) or not sc:
        return ""
    if all(_number(sc.get(x)) for x in ("ratio", "lo", "hi")):
        return (f"; {SCALED} was {_num(sc['ratio'])}x {sc['vs']}'s error on val (CI "
                f"{_num(sc['lo'])}-{_num(sc['hi'])}; it answers only where the CI is under 1)")  # fmt: skip
    return f"; {SCALED} not fitted: {sc.get('skipped')}"


def unchecked_line(v: dict[str, Any]) -> str:
    """One line: what answers prediction and why, for a verdict ``unchecked_verdict`` made."""
    return (f"predict: the kept model was not checked against the baselines ({v['unchecked']}); "
            f"{v['engine']} at its default settings answers instead (folds25: 0.97x the "
            "unchecked model's error on average over 1-2 val trip draws, not a significant "
            "gain; fallback=False / --no-fallback: the model answers); its std_m is NaN, with "
            "no val spread measured either")  # fmt: skip


__all__ = ["DR", "ENGINES", "KNN_FAMILY", "SCALED", "load_index", "check_saved_table", "FAR_KM", "KNN", "KNN_NAME", "PLACE_KNN", "REACHING", "RULE", "TIME_AWARE", "reach_engine", "ValCheckedPredictor", "VerdictBaseline", "baseline_xy",
           "check_predict_fields", "decide", "knn_params", "knn_table", "load_knn", "saved_knn_words",
           "short_verdict_line", "unchecked_line", "val_words", "verdict_line"]  # fmt: skip
