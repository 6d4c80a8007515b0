"""``TrajLM.predict`` answers with the run's prediction verdict (session 24, pverdict24; the
verdict and its rule: trajlm/eval/predict_verdict.py, saved by `trajlm train`).

Where the verdict chose a baseline (kNN continuation, place-aware kNN, linear-3, constant
velocity [time] or linear-3 [time, fit]; session 24, pvbase24), ``predict(df, steps=k)`` answers each
trajectory with that baseline, and every answer names its engine in an ``engine`` column
(also ``TrajLM.last_engine``); a time-aware engine answers asked times too
(``time_aware_asked``: the harness gives it the target times), and since session 25
(smallval25) so do the others, interpolated (api_verdict_asked.py). Calls the baseline cannot
answer stay with the model and say so once per loaded run: ``radii``, ``draft`` and
trajectories far from the train windows (another place); more steps than kNN stores (5): the
engine of lowest val error that reaches that far (session 30, eval/verdict_reach.py).
``fallback=False`` is the model's own answer, as before the verdict (no ``engine`` column).
A run without a prediction verdict (trained before session 24, the package's checkpoints)
answers as before. Since session 26 (uncert26) the engine's rows carry ``std_m`` (and the asked
radii) from its own error spread on val (``engine_spread``); radii then stay with the engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.api_verdict import verdict_of
from trajlm.data.features import LocalProjection
from trajlm.errors import warn_at_caller
from trajlm.eval.frames import predict_canonical

KM_PER_DEG = 111.2


def predict_verdict_module() -> Any:
    """trajlm/eval/predict_verdict.py, imported where a verdict is used: it pulls in the
    baselines (scikit-learn), which a plain `from_pretrained` need not load (newuser24)."""
    from trajlm.eval import predict_verdict

    return predict_verdict


def predict_verdict(api: Any, fallback: bool) -> dict | None:
    """The loaded run's saved prediction verdict (None: none, or ``fallback=False``)."""
    if not fallback:
        return None
    v = (verdict_of(api) or {}).get("predict")
    if v is not None and v.get("unchecked"):  # val too small to check the model (folds25)
        say_once(api, predict_verdict_module().verdict_line(v))
    return v


def say_once(api: Any, line: str) -> None:
    """One line per loaded run and reason."""
    said = getattr(api, "_said_predict_verdict", set())
    if line in said:
        return
    api._said_predict_verdict = said | {line}
    warn_at_caller(f"{api.path}: {line}", UserWarning)


def dr_route(api: Any, v: dict | None, df: pl.DataFrame) -> dict | None:
    """A dead-reckoning verdict (eval/dr_verdict.py) as it answers ``df``: as saved where the
    query reports speed and course, else its fallback engine, said once."""
    if v is None or v["engine"] != predict_verdict_module().DR:
        return v
    from trajlm.eval.dead_reckoning_reports import has_motion
    from trajlm.eval.dr_verdict import fallback_verdict, no_motion_line

    if has_motion(df):
        return v
    say_once(api, no_motion_line(v))
    return fallback_verdict(v)


def model_keeps_call(api: Any, v: dict, k: int | None, asked: bool, radii: Any,
                     draft: Any) -> bool:  # fmt: skip
    """True (and one line) when the call is one the verdict's baseline cannot answer."""
    if v["engine"] == "model":
        return True
    why = None
    # uncert26: an engine with its val spread saved answers radii with its own
    if radii is None or radii is False or has_spread(v):
        radii = None
    if asked and draft is None and radii is None:
        return True  # not the model: the asked-times path answers with it (api_verdict_asked)
    if asked:
        why = "asked times (at_times / seconds_ahead)"
    elif radii is not None and radii is not False:
        why = "radii (the model's val-calibrated spread)"
        if v.get("spread"):  # badin26: a damaged entry read as if none was ever saved
            why += (f"; val_verdict.json's spread for {v['engine']} is not one this trajlm "
                    "reads (edited?): train again to save it")  # fmt: skip
    elif draft is not None:
        why = "draft= (speculative decoding of the model)"
    if why is None:
        return False
    say_once(api, f"{why}: the model answers, not the val verdict's {v['engine']} (it answers "
                  "steps <= 5 alone); the engine column says so")  # fmt: skip
    return True


def steps_reach(api: Any, v: dict | None, k: int, asked: bool) -> dict | None:
    """``v`` for ``steps=k`` (said once where ``k`` is past its kNN-family engine's 5 steps:
    baseline_rows answers the later steps with the engine of lowest val error that reaches
    that far, eval/verdict_reach.py), or a "model" verdict where that engine is the model
    (leftover30: the model answered, though it lost on val, and the line did not say so)."""
    if asked or v is None:  # no verdict (trajlm-small): no verdict modules either (sklearn)
        return v
    from trajlm.eval.verdict_reach import past_reach, reach_engine, reach_line

    if not past_reach(v, k):
        return v
    assert v is not None
    say_once(api, reach_line(v, f"steps={k}"))
    return {**v, "engine": "model"} if reach_engine(v) == "model" else v


def has_spread(v: dict | None) -> bool:
    """True where the verdict saved its engine's error spread on val (uncert26)."""
    from trajlm.eval.engine_spread import spread_ok

    return v is not None and spread_ok((v.get("spread") or {}).get(v["engine"]))


def engine_spread(api: Any, v: dict, base: pl.DataFrame | None, history: pl.DataFrame,
                  radii: Any) -> pl.DataFrame | None:  # fmt: skip
    """The verdict engine's rows ``base`` with ``std_m`` (and the asked radii) from that
    engine's error spread on val (eval/engine_spread.py); NaN where the verdict saved none,
    said once with the reason."""
    from trajlm.eval.engine_spread import spread_ok, with_engine_spread
    from trajlm.eval.spread_radii import radii_levels

    if base is None or base.height == 0:
        return base
    if base["engine"].n_unique() > 1:  # kNN and, past its steps, another engine (leftover30)
        return pl.concat([engine_spread(api, v, part, history, radii)  # type: ignore[misc]
                          for part in base.partition_by("engine", maintain_order=True)],
                         how="diagonal_relaxed")  # fmt: skip
    engine = base["engine"][0]
    spread = (v.get("spread") or {}).get(engine)
    if not spread_ok(spread):
        why = ("too few val trips to check the model, so none to measure it either"
               if v.get("unchecked") else
               "val_verdict.json's entry for it is not one this trajlm reads (edited?): train "
               "again to save it" if spread is not None or v.get("spread") else  # badin26: said 'before session 26'
               "the verdict was saved without it, before session 26: train again to save it")  # fmt: skip
        spread = None
        if not v.get("unchecked"):  # an unchecked verdict's line says it (fleetfix28: once)
            say_once(api, f"std_m is NaN where {engine} answers: no val measure of its error "
                          f"spread ({why}); the model's own std_m is fallback=False")  # fmt: skip
    out = with_engine_spread(base, history, spread, radii_levels(radii))
    if spread is not None and (short := out.filter(pl.col("std_m").is_nan()
                                                   & pl.col("lat").is_not_nan())).height:  # fmt: skip
        # badin26: a 2-fix history answered std_m NaN with no word; badin27: a 20-fix one asked
        # 0.5 s ahead was said to have "under 3 fixes"
        tid = short["traj_id"][0]
        fixes = history.filter(pl.col("traj_id").cast(pl.String) == str(tid)).height
        why = (f"a trajectory of under 3 fixes (e.g. {tid!r}): its val spread is read against the "
               "history's own constant-velocity error, which needs 3") if fixes < 3 else (
               f"an asked time under a second after the last fix (e.g. {tid!r}): its val spread "
               "is read against the history's own error at whole seconds ahead")  # fmt: skip
        say_once(api, f"std_m (and radii) are NaN where {engine} answers {why}")
    return out


def fast_trajectories(df: pl.DataFrame, layout: Any) -> pl.Series:
    """traj_ids of ``df`` sampled faster than once a second by the call's exact times
    (api_subsec.cadence over the fixes coerce kept and the ones it dropped for sharing a
    second; only trajectories with such dropped fixes: a file the readers thinned already
    keeps first fixes 0.8 / 1.2 s apart, no cadence of its own)."""
    rows = getattr(layout, "sub_second_rows", None)
    if rows is None or not len(rows):
        return df["traj_id"].head(0)
    from trajlm.api_subsec import all_fixes, cadence

    dropped = set(rows["traj_id"].to_list())
    ids = [i for i in cadence(all_fixes(df, layout)) if i in dropped]
    return pl.Series("traj_id", ids, dtype=df["traj_id"].dtype) if ids else df["traj_id"].head(0)


def far_trajectories(v: dict, df: pl.DataFrame) -> pl.Series:
    """traj_ids whose last point lies beyond the train box grown by FAR_KM."""
    lat0, lon0, lat1, lon1 = v["train_box"]
    last = df.group_by("traj_id", maintain_order=True).agg(pl.col("lat").last(),
                                                             pl.col("lon").last())  # fmt: skip
    dlat = predict_verdict_module().FAR_KM / KM_PER_DEG
    dlon = dlat / max(np.cos(np.radians((lat0 + lat1) / 2)), 0.05)
    out = ~(pl.col("lat").is_between(lat0 - dlat, lat1 + dlat)
            & pl.col("lon").is_between(lon0 - dlon, lon1 + dlon))  # fmt: skip
    return last.filter(out)["traj_id"]


def baseline_rows(api: Any, v: dict, df: pl.DataFrame, k: int,
                  layout: Any = None) -> tuple[pl.DataFrame | None, pl.DataFrame]:  # fmt: skip
    """(the baseline's canonical answer or None, the rows left for the model). ``layout``:
    the call's coerce Layout; trajectories it holds sampled faster than once a second are
    left to the model, which steps at their cadence (newuser37)."""
    far = far_trajectories(v, df)
    if len(far):
        say_once(api, f"{len(far)} trajectories end over {predict_verdict_module().FAR_KM:.0f} km from the train split's "
                      f"area (e.g. {far[0]!r}): the model answers them, not the val verdict's "
                      f"{v['engine']}")  # fmt: skip
    fast = fast_trajectories(df, layout)
    if len(fast):  # the engines step a second at a time: steps=12 at 0.4 s came 12 s ahead
        say_once(api, f"{len(fast)} trajectories sampled faster than once a second (e.g. "
                      f"{fast[0]!r}): the model answers them, its steps at their own cadence, "
                      f"not the val verdict's {v['engine']} (it steps a second at a time)")  # fmt: skip
        far = pl.concat([far, fast.cast(far.dtype)]).unique(maintain_order=True)
    mine = df.filter(~pl.col("traj_id").is_in(far.implode()))
    if mine.height == 0:
        return None, df
    if (
        v["engine"] == predict_verdict_module().DR
    ):  # reported speed / course at the median interval (drverdict25)
        from trajlm.eval.dr_verdict import dr_rows, median_ahead

        out = dr_rows(mine, median_ahead(mine, k)).with_columns(engine=pl.lit(v["engine"]))
        return out, df.filter(pl.col("traj_id").is_in(far.implode()))
    if v["engine"] in predict_verdict_module().KNN_FAMILY:
        if getattr(api, "_verdict_knn", None) is None:
            api._verdict_knn = predict_verdict_module().load_index(Path(api.path), v)
        index, proj = api._verdict_knn
    else:
        index, proj = None, LocalProjection.fit(mine)
    est = predict_verdict_module().VerdictBaseline(v["engine"], index)
    # a time-aware engine's steps fall at the history's median interval (module doc of
    # eval/predict_verdict.py); the others keep the frame path's last interval
    interval = (
        "median"
        if v["engine"] in (*predict_verdict_module().TIME_AWARE, predict_verdict_module().SCALED)
        else "last"
    )
    from trajlm.eval.verdict_reach import past_reach, reach_engine

    h = int(v["knn"]["horizon"]) if past_reach(v, k) else k  # kNN's 5, then (leftover30) ...
    out = predict_canonical(est, mine, proj, h, keys=True, interval=interval)
    out = out.with_columns(engine=pl.lit(v["engine"]))
    if h < k:  # ... the reaching engine of lowest val error, at the same step times
        alt = reach_engine(v)
        more = predict_canonical(predict_verdict_module().VerdictBaseline(alt), mine, LocalProjection.fit(mine), k,
                                 keys=True, interval=interval)  # fmt: skip
        more = more.filter(pl.col("step") > h).with_columns(engine=pl.lit(alt))
        out = pl.concat([out, more], how="diagonal_relaxed").sort("traj_id", "step")
    return out, df.filter(pl.col("traj_id").is_in(far.implode()))


def time_aware_asked(v: dict, full: pl.DataFrame, last_t: pl.DataFrame, req: np.ndarray,
                     valid: np.ndarray | None) -> pl.DataFrame:  # fmt: skip
    """A time-aware engine's canonical answer at the asked times: ``req`` (B, m) seconds after
    each trajectory's last fix (the rows of ``last_t``; ``valid`` the entries asked), as the
    model's asked-times path takes them; every trajectory answers (the engine reads no train
    windows, so no place is too far)."""
    full = full.filter(pl.col("traj_id").is_in(last_t["traj_id"].implode()))
    if (
        v["engine"] == predict_verdict_module().DR
    ):  # from the reports, at the asked seconds (drverdict25)
        from trajlm.eval.dr_verdict import dr_rows

        out = dr_rows(full, np.asarray(req, np.float64))
    else:
        est = predict_verdict_module().VerdictBaseline(v["engine"])
        out = predict_canonical(est, full, LocalProjection.fit(full), req.shape[1], ahead=req)
    return asked_rows(_nan_before(out, last_t, req, valid), full, last_t, req, valid, v["engine"])


def _nan_before(out: pl.DataFrame, last_t: pl.DataFrame, req: np.ndarray,
                valid: np.ndarray | None) -> pl.DataFrame:  # fmt: skip
    """``out`` (B x m rows at ``req``) with NaN positions where a time asked lies before its
    trajectory's last fix, said as the model says it (badin26: dead reckoning and the
    time-aware engines ran backwards from the last fix, 90 km off for a time 2 h before a
    ship's first report, with no word)."""
    from trajlm.api_rollout import nan_message
    from trajlm.errors import warn_at_caller

    ahead = np.asarray(req, np.float64)
    asked = np.ones(ahead.shape, bool) if valid is None else np.asarray(valid, bool)
    before = asked & (ahead < 0)
    if not before.any():
        return out
    zeros = np.zeros(len(ahead))
    warn_at_caller(nan_message(last_t["traj_id"].to_list(), ahead, zeros, zeros, before))
    gone = pl.Series(before.reshape(-1))
    return out.with_columns(pl.when(gone).then(float("nan")).otherwise(pl.col(c)).alias(c)
                            for c in ("lat", "lon"))  # fmt: skip


def asked_rows(out: pl.DataFrame, full: pl.DataFrame, last_t: pl.DataFrame, req: np.ndarray,
               valid: np.ndarray | None, engine: str) -> pl.DataFrame:  # fmt: skip
    """An engine's canonical answer at ``req`` with the times as asked from the last fix (as
    the model's rows), the padding of per-trajectory lists dropped, named by its engine."""
    t = last_t["t"].to_numpy()[:, None] + np.rint(req).astype(np.int64)
    out = out.with_columns(t=pl.Series(t.reshape(-1)).cast(full.schema["t"]))
    if valid is not None:
        out = out.filter(pl.Series(np.asarray(valid).reshape(-1)))
        out = out.with_columns(step=pl.int_range(1, pl.len() + 1).over("traj_id").cast(pl.Int64))
    return out.with_columns(engine=pl.lit(engine))


def with_engine(api: Any, out: pl.DataFrame, base: pl.DataFrame | None,
                ids: pl.Series) -> pl.DataFrame:  # fmt: skip
    """The model's rows named "model", the baseline's beside them, in the order of ``ids``
    (the input's trajectories)."""
    if "engine" not in out.columns:
        out = out.with_columns(engine=pl.lit("model"))
    if base is not None:
        if out.height:
            base = base.with_columns(
                [pl.lit(None, out.schema[c]).alias(c) for c in out.columns if c not in base.columns]
            ).select(out.columns)
            out = pl.concat([out, base], how="vertical_relaxed")
        else:
            out = base
    rank = pl.DataFrame({"traj_id": ids, "_rank": np.arange(len(ids))})
    out = (out.join(rank, on="traj_id", how="left", maintain_order="left")
           .sort("_rank", "step", maintain_order=True).drop("_rank"))  # fmt: skip
    engines = out["engine"].unique(maintain_order=True).to_list()
    api.last_engine = engines[0] if len(engines) == 1 else "mixed: " + ", ".join(engines)
    return out


__all__ = [
    "baseline_rows",
    "dr_route",
    "engine_spread",
    "has_spread",
    "model_keeps_call",
    "asked_rows",
    "predict_verdict",
    "steps_reach",
    "time_aware_asked",
    "with_engine",
]
