"""POST /parked and POST /divert (session 34, dispatch34): ``trajlm.parked`` ("is each mover
parked now, since when, where?") and ``trajlm.divert`` ("how long would each van take to an
urgent order, and what would that add to its next stop?") over HTTP, for a dispatch tool
posting its live feed. Neither needs the model; /divert reads the server's
``--reach-memory`` trips as its past legs and paths. Refusals are the API's, as 422s."""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from trajlm.serve import schemas as s
from trajlm.serve import schemas_dispatch as d
from trajlm.serve.batching import ModelWorker
from trajlm.serve.convert import warned, with_warnings
from trajlm.serve.echo import id_out
from trajlm.serve.examples import EXAMPLES
from trajlm.serve.formats import parse_trajectories
from trajlm.serve.limits import ServeSettings
from trajlm.serve.output import iso_on_clock
from trajlm.serve.plane import answer_plane, plane_keys, refuse_on_plane
from trajlm.serve.routes import check_pairs
from trajlm.serve.stays import reworded

ParkedBody = Annotated[d.ParkedRequest, Body(openapi_examples=EXAMPLES["/parked"])]
DivertBody = Annotated[d.DivertRequest, Body(openapi_examples=EXAMPLES["/divert"])]
# the no-pace warning's way on over HTTP: the server's past trips (not the API's memory=)
HTTP_NO_PACE_WAY = (
    "past trips are the server's: `trajlm serve --reach-memory PAST.csv` (no "
    "field of POST /divert takes them)"
)
ERRORS = {code: {"model": s.ErrorResponse} for code in (400, 413, 422, 503)}


def _number(v: Any) -> float | None:
    """A float, or None for a missing or NaN value (JSON has no NaN)."""
    return float(v) if v is not None and math.isfinite(v) else None


def dispatch_routes(cfg: ServeSettings, worker: ModelWorker) -> APIRouter:
    """The /parked and /divert routes (their calls on the app's worker thread)."""
    router = APIRouter()

    @router.post("/parked", response_model=d.ParkedResponse, responses=ERRORS)
    async def parked(req: ParkedBody) -> JSONResponse:
        """Whether each trajectory is parked at its last point (still for `stop_minutes`
        within a `radius_m` box; trajlm.parked): since when, where, how sure, how old."""
        from trajlm.data.parked import parked as parked_now

        df, _ = parse_trajectories(req.trajectories, cfg.limits, crs=req.crs)
        ykey, xkey = plane_keys()  # "crs": "local": the position in x / y metres (local37)
        opt = dict(at=req.at, stop_minutes=float(req.stop_minutes), radius_m=float(req.radius_m),
                   stale_minutes=float(req.stale_minutes))  # fmt: skip
        out, lines = await worker.call(warned, lambda: parked_now(df, traj_col="traj_id", **opt))
        out = answer_plane(out)
        results = []
        for r in out.iter_rows(named=True):
            results.append(
                {"traj_id": id_out(r["traj_id"]), "parked": bool(r["parked"]),
                 "since": iso_on_clock(r["since"], r["traj_id"]),
                 "still_s": r["still_s"], ykey: r["lat"], xkey: r["lon"],
                 "spread_m": _number(r["spread_m"]), "fixes": int(r["fixes"]),
                 "max_gap_s": _number(r["max_gap_s"]), "speed_mps": _number(r["speed_mps"]),
                 "last_fix": iso_on_clock(r["last_fix"], r["traj_id"]), "age_s": r["age_s"], "stale": bool(r["stale"])}
            )  # fmt: skip
        return JSONResponse(with_warnings({"results": results}, lines))

    @router.post("/divert", response_model=d.DivertResponse, responses=ERRORS)
    async def divert(req: DivertBody) -> JSONResponse:
        """Each trajectory's time from its last point to each urgent `order`, ranked soonest
        first, and (with `to`: each van's next planned stop) the delay that adds to it
        (trajlm.divert)."""
        import polars as pl

        from trajlm.api_divert import NO_PACE_WAY
        from trajlm.api_divert import divert as divert_to

        refuse_on_plane(req.crs, "/divert (order, to)")
        df, _ = parse_trajectories(req.trajectories, cfg.limits)
        orders = np.asarray(req.order, dtype=np.float64)
        check_pairs(orders, "order")
        to = None
        if req.to:
            check_pairs(np.asarray([(t.lat, t.lon) for t in req.to], dtype=np.float64), "to")
            to = pl.DataFrame({"lat": [t.lat for t in req.to], "lon": [t.lon for t in req.to],
                               "traj_id": [str(t.traj_id) for t in req.to],
                               "id": [None if t.id is None else str(t.id) for t in req.to]},
                              schema_overrides={"id": pl.String})  # fmt: skip
        out, lines = await worker.call(
            warned, lambda: divert_to(df, orders, to=to, memory=cfg.reach_memory,
                                       service_s=float(req.service_s), traj_col="traj_id"),
        )  # fmt: skip
        lines = [reworded(line, line.replace(NO_PACE_WAY, HTTP_NO_PACE_WAY)) for line in lines]
        results = []
        for r in out.iter_rows(named=True):
            when = r["arrive_time"]
            results.append(
                {"traj_id": id_out(r["traj_id"]), "order": r["order"],
                 "order_lat": r["order_lat"], "order_lon": r["order_lon"],
                 "eta_s": _number(r["eta_s"]), "arrive_time": iso_on_clock(when, r["traj_id"]),
                 "straight_m": r["straight_m"], "engine": r["engine"],
                 "pace_s_per_km": _number(r["pace_s_per_km"]), "rank": int(r["rank"]),
                 "next_id": r.get("next_id"), "delay_s": _number(r.get("delay_s"))}
            )  # fmt: skip
        return JSONResponse(with_warnings({"results": results}, lines))

    return router
