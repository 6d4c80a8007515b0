"""POST /validity: physical validity of every point with a reason code and a summary per
trajectory, no model call, so the same router for every model a server holds (a trajlm run or a
candidate selector). Out of routes.py (review40b), code unchanged.
"""

from __future__ import annotations

import math
from typing import Annotated

import polars as pl
from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from trajlm.errors import TrajlmInputError
from trajlm.serve import schemas as s
from trajlm.serve.convert import points_body, warned, with_warnings
from trajlm.serve.echo import id_out
from trajlm.serve.examples import EXAMPLES
from trajlm.serve.formats import parse_trajectories
from trajlm.serve.limits import ServeSettings
from trajlm.serve.pieces import as_sent, for_model, http_words, piece_of
from trajlm.serve.rows import ROW, with_reported_speed, with_unchecked

ValidityBody = Annotated[s.ValidityRequest, Body(openapi_examples=EXAMPLES["/validity"])]


def validity_routes(cfg: ServeSettings) -> APIRouter:
    """POST /validity: no model call, so the same for every model a server holds (a trajlm
    run or a candidate selector, session 22)."""
    router = APIRouter()
    errors = {400: {"model": s.ErrorResponse}, 413: {"model": s.ErrorResponse},
              422: {"model": s.ErrorResponse}}  # fmt: skip

    @router.post("/validity", response_model=s.ValidityResponse, responses=errors)
    async def validity(req: ValidityBody) -> JSONResponse:
        """Physical validity of every point (speed, acceleration, teleports, time order) with
        a reason code and sentence, and a summary per trajectory (docs/reasoning.md)."""
        from trajlm.errors import UserError
        from trajlm.reason.validity import ValidityConfig, check_validity, summarize

        if req.mode is not None:
            try:
                ValidityConfig().canonical_mode(req.mode)
            except UserError as e:  # the HTTP hint: the modes there are (no Python advice)
                modes = sorted(ValidityConfig().table())
                raise TrajlmInputError(str(e).split(";")[0], field="mode",
                                       hint=f"one of {modes}, or leave mode out") from None  # fmt: skip
        df, fmt = parse_trajectories(req.trajectories, cfg.limits, validate=False, ordered=False,
                                     dates=False, keep_extra=True, crs=req.crs)  # fmt: skip
        # no model call: answered here while the model thread is busy (its warning about
        # fixes under a second apart goes to the log; the answer says it with_unchecked)
        mdf, cut = for_model(df, req.split_gaps)  # a vehicle's rows: cut as the API cuts them
        said: list[str] = []
        if cut:  # the API's lines about the cut go to the answer
            checked, said = warned(lambda: check_validity(
                with_reported_speed(mdf).with_row_index(ROW), mode=req.mode, **cut))  # fmt: skip
            checked, said = as_sent(checked, cut), http_words(said)
        else:
            checked = check_validity(with_reported_speed(df).with_row_index(ROW), mode=req.mode)
        pts, lines = with_unchecked(df, checked)  # fixes the check left out (under 1 s apart)
        lines = [*said, *lines]
        if piece_of(checked):  # one summary per piece, as check_validity(per="trajectory")
            per, _ = warned(lambda: check_validity(  # its lines: said above
                with_reported_speed(mdf), mode=req.mode, per="trajectory", **cut))  # fmt: skip
            per = as_sent(per, cut).with_columns(pl.col("traj_id").cast(pl.Utf8))
        else:
            per = summarize(checked.drop(ROW)).with_columns(pl.col("traj_id").cast(pl.Utf8))
        extra = (*piece_of(pts), "valid", "reason_code", "reason", "score")
        body = points_body(pts, req.output or fmt, extra)
        body["n_invalid_points"] = int((~pts["valid"]).sum())
        body["trajectories"] = [{k: (v if not isinstance(v, float) or math.isfinite(v) else None)
                                 for k, v in r.items()} | {"traj_id": id_out(r["traj_id"])}
                                for r in per.iter_rows(named=True)]  # fmt: skip
        return JSONResponse(with_warnings(body, lines))

    return router
