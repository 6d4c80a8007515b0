"""POST /reach (session 32, reach32): ``TrajLM.reach`` over HTTP, "when will each trajectory
come within radius_m of each point of `to`?" The trajectories sent are also the past paths the
route-aware answer reads (the other trips, each mover's earlier ones); the server keeps no
memory of its own. Refusals are the API's, as 422s naming the field."""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from trajlm.api import TrajLM
from trajlm.serve import schemas as s
from trajlm.serve import schemas_dispatch as d
from trajlm.serve.batching import ModelWorker
from trajlm.serve.convert import warned, with_warnings
from trajlm.serve.echo import id_out
from trajlm.serve.examples import EXAMPLES
from trajlm.serve.formats import parse_trajectories
from trajlm.serve.limits import ServeSettings
from trajlm.serve.output import iso_on_clock
from trajlm.serve.pieces import as_sent, for_model, http_words, piece_of
from trajlm.serve.plane import refuse_on_plane
from trajlm.serve.routes import check_pairs

ReachBody = Annotated[d.ReachRequest, Body(openapi_examples=EXAMPLES["/reach"])]
ERRORS = {code: {"model": s.ErrorResponse} for code in (400, 413, 422, 503)}


def _number(v: Any) -> float | None:
    """A float, or None for a missing or NaN value (JSON has no NaN)."""
    return float(v) if v is not None and math.isfinite(v) else None


def reach_routes(model: TrajLM, cfg: ServeSettings, worker: ModelWorker) -> APIRouter:
    """The /reach route of the app serving ``model`` (its calls through ``worker``)."""
    router = APIRouter()

    @router.post("/reach", response_model=d.ReachResponse, responses=ERRORS)
    async def reach(req: ReachBody) -> JSONResponse:
        """When each trajectory first comes within `radius_m` of each point of `to` within
        `horizon_s` (TrajLM.reach): past paths of the trajectories sent that went this way
        answer where 2 or more did (engine `route`), the model's rollout elsewhere."""
        refuse_on_plane(req.crs, "/reach (to)")  # targets in degrees (local36's rule)
        df, _ = parse_trajectories(req.trajectories, cfg.limits)
        mdf, cut = for_model(df, req.split_gaps)
        given = [t for t in req.to if isinstance(t, d.ReachTarget)]
        pairs = np.asarray([(t.lat, t.lon) if isinstance(t, d.ReachTarget) else t for t in req.to],
                           dtype=np.float64)  # fmt: skip
        ids = [t.id for t in given] if given else None
        check_pairs(pairs, "to")  # [95, 0]: a 422 naming to[0], before any model call
        opt = dict(radius_m=float(req.radius_m), horizon_s=float(req.horizon_s),
                   step_s=None if req.step_s is None else float(req.step_s), route=req.route)  # fmt: skip
        to = _keyed(pairs, given, cut.get("traj_col", "traj_id")) if given else pairs
        out, lines = await worker.call(
            warned,
            lambda: model.reach(mdf, to=to, memory=cfg.reach_memory, **opt, **cut),
        )
        out, lines = as_sent(out, cut), http_words(lines)
        pieces = piece_of(out)
        results = []
        for r in out.iter_rows(named=True):
            when = r["reach_time"]
            results.append(
                {"traj_id": id_out(r["traj_id"])} | {p: r[p] for p in pieces}
                | {"target": r["target"], "target_id": None if ids is None else ids[r["target"]],
                   "target_lat": r["target_lat"], "target_lon": r["target_lon"],
                   "reached": bool(r["reached"]), "eta_s": _number(r["eta_s"]),
                   "reach_time": iso_on_clock(when, r["traj_id"]),
                   "closest_m": _number(r["closest_m"]), "engine": r["engine"],
                   "paths": int(r["paths"])}
            )  # fmt: skip
        return JSONResponse(with_warnings({"results": results}, lines))

    return router


def _keyed(pairs: np.ndarray, given: list, key: str) -> Any:
    """The targets as a frame whose ``key`` column (the rows' id name) holds each target's
    ``traj_id`` (dispatch33: a van asked about its own stops only), or the pairs where none
    names one."""
    import polars as pl

    if all(t.traj_id is None for t in given):
        return pairs
    ids = [None if t.traj_id is None else str(t.traj_id) for t in given]
    return pl.DataFrame(
        {"lat": pairs[:, 0], "lon": pairs[:, 1], key: pl.Series(ids, dtype=pl.String)}
    )
