"""The endpoints, as APIRouter groups over one model: the tasks (POST /predict, /recover,
/travel-time, /embed, /classify, /similar) and the page and its information (GET /, /health,
/model, /background: trajlm/serve/info.py); /validity, no model call, is validity_route.py.
trajlm/serve/app.py builds the app around them; a candidate selector's endpoints are in
selector_routes.py."""

from __future__ import annotations

from typing import Annotated

import numpy as np
import polars as pl
from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from trajlm.api import TrajLM
from trajlm.api_inputs import single_point_line
from trajlm.api_predict_verdict import predict_verdict
from trajlm.errors import TrajlmInputError
from trajlm.eval.spread_radii import with_radii
from trajlm.model.coverage import refuse_plane_on_degree_model, travel_time_warning
from trajlm.model.coverage_card import load_coverage
from trajlm.serve import schemas as s
from trajlm.serve.batching import MicroBatcher, ModelWorker
from trajlm.serve.convert import (
    coverage_lines,
    points_body,
    predict_at_times,
    predict_sub_second,
    seconds_ahead_exact,
    warned,
    with_warnings,
)
from trajlm.serve.echo import id_out, unit_line
from trajlm.serve.errors import NotAvailable, require_task
from trajlm.serve.examples import EXAMPLES
from trajlm.serve.formats import check_times, parse_trajectories
from trajlm.serve.index import SimilarIndex
from trajlm.serve.info import STATIC, identity, info_routes  # re-exported (out of routes.py)
from trajlm.serve.limits import ServeSettings
from trajlm.serve.model_times import as_seconds, sub_second
from trajlm.serve.motion import (
    dr_verdict,
    no_motion_lines,
    reported_accuracy,
    with_reported_accuracy,
    with_reported_motion,
)
from trajlm.serve.output import floats
from trajlm.serve.owners import latest_frame, owner_of, with_mover
from trajlm.serve.pieces import (
    as_sent,
    cut_rows,
    for_model,
    http_words,
    piece_of,
    pieces_answer,
    row_id,
)
from trajlm.serve.plane import plane_pairs, refuse_on_plane
from trajlm.serve.stays import said_stays

# the request bodies with their /docs examples (trajlm/serve/examples.py)
PredictBody = Annotated[s.PredictRequest, Body(openapi_examples=EXAMPLES["/predict"])]
RecoverBody = Annotated[s.RecoverRequest, Body(openapi_examples=EXAMPLES["/recover"])]
TravelBody = Annotated[s.TravelTimeRequest, Body(openapi_examples=EXAMPLES["/travel-time"])]
EmbedBody = Annotated[s.TrajectoriesRequest, Body(openapi_examples=EXAMPLES["/embed"])]
ClassifyBody = Annotated[s.TrajectoriesRequest, Body(openapi_examples=EXAMPLES["/classify"])]
SimilarBody = Annotated[s.SimilarRequest, Body(openapi_examples=EXAMPLES["/similar"])]


def task_routes(
    model: TrajLM,
    cfg: ServeSettings,
    worker: ModelWorker,
    batcher: MicroBatcher,
    index: SimilarIndex | None,
) -> APIRouter:
    """POST /predict ... /similar: every model call on the worker's thread, /predict steps
    through the micro-batcher."""
    router = APIRouter()
    max_steps = model.config.max_len - 2

    errors = {400: {"model": s.ErrorResponse}, 404: {"model": s.ErrorResponse},
              413: {"model": s.ErrorResponse}, 422: {"model": s.ErrorResponse},
              503: {"model": s.ErrorResponse}}  # fmt: skip

    def parse(req: s.TrajectoriesRequest, validate: bool = True, ordered: bool = True,
              dates: bool = True, keep_extra: bool = False):  # fmt: skip
        """ISO times reach the model as datetimes (dates, from 1900, as the Python API reads
        them); numbers as Unix seconds (from 1990)."""
        return parse_trajectories(req.trajectories, cfg.limits, validate=validate,
                                  ordered=ordered, dates=dates, keep_extra=keep_extra,
                                  crs=req.crs)  # fmt: skip

    @router.post("/predict", response_model=s.PointsResponse, responses=errors)
    async def predict(req: PredictBody) -> JSONResponse:
        """Next points (`steps`) or positions at times (`at_times`, `seconds_ahead`), with
        `std_m`, the position uncertainty in metres (a Gaussian sigma matched at 2 std_m);
        `radii: [50, 90]` adds radii that held that share of truths on val."""
        given = [k for k in ("steps", "at_times", "seconds_ahead") if getattr(req, k) is not None]
        if len(given) > 1:
            raise TrajlmInputError(f"give one of steps, at_times, seconds_ahead (got {given})",
                                   field=given[1])  # fmt: skip
        if req.steps is not None and req.steps > max_steps:
            raise TrajlmInputError(f"{req.steps} is more than the model's {max_steps} "
                                   f"(max_len {model.config.max_len} - 2)", field="steps")  # fmt: skip
        for k in ("at_times", "seconds_ahead"):  # {} was a 500 (the model's ValueError; fuzz14)
            if getattr(req, k) == {}:
                raise TrajlmInputError(
                    "an empty {traj_id: [...]} object names no trajectory; give a list for "
                    "every trajectory, {traj_id: [...]} for some, or leave it out",
                    field=k,
                )
        at_times, at_unit = (None, None) if req.at_times is None else \
            check_times(req.at_times, "at_times")  # fmt: skip
        dr = dr_verdict(model, req.fallback)  # dead reckoning reads the rows' speed / course
        df, fmt = parse(req, keep_extra=True)  # a phone's accuracy key is read (fix32)
        df, owners = with_mover(df)  # a bus's VehicleRef beside its journey (leftover32)
        df = with_reported_accuracy(df, keep_extra=dr is not None)
        if dr is not None:
            df = with_reported_motion(df)
        mdf, cut = for_model(df, req.split_gaps)  # a vehicle's rows: cut as the API cuts them
        pieces = bool(cut)  # the API's call holds a piece's stay (its own history): said there
        keep = {} if req.hold_stays else {"hold_stays": False}  # the rollout (stays32)
        if cut and req.radii is not None:  # each piece's own regime, read by the API (radii22)
            cut = {**cut, "radii": req.radii}
        if req.at_times is None and req.seconds_ahead is None:
            k = req.steps or 5  # shared passes: this request's own lines, as predict checks
            if req.latest:  # each vehicle's latest piece: the API's own call (newuser30)
                ask = {**cut, "latest": True, **keep,
                       **({} if req.fallback else {"fallback": False})}  # fmt: skip
                if req.radii is not None and req.fallback and predict_verdict(model, True):
                    ask["radii"] = req.radii  # the model's radii, as below (badin24)
                bus = latest_frame(mdf, owners, cut)  # each bus's last journey, as Python's call
                out, lines = await worker.call(warned, lambda: model.predict(bus, steps=k, **ask))
            elif not req.fallback or keep:  # the model alone (session 24), or the rollout of
                # a stay (stays32): the API's own call
                ask = {**cut, **keep, **({} if req.fallback else {"fallback": False})}
                out, lines = await worker.call(warned, lambda: model.predict(mdf, steps=k, **ask))
            elif cut and sub_second(df):  # the API's own call
                out, lines = await worker.call(warned, lambda: model.predict(mdf, steps=k, **cut))
            elif req.radii is not None and predict_verdict(model, True):  # the API's own call:
                # radii are the model's (its val-calibrated spread), so the model answers, as
                # in Python; the shared pass answered with the verdict's kNN and put the
                # model's radii around kNN's points (badin24)
                ask = {"radii": req.radii, **cut}
                out, lines = await worker.call(warned, lambda: model.predict(mdf, steps=k, **ask))
            elif dr is not None or reported_accuracy(df.columns):  # the API's own call: the
                # shared pass holds positions only (speed / course; a phone's accuracy)
                out, lines = await worker.call(warned, lambda: model.predict(mdf, steps=k, **cut))
            elif cut:  # a vehicle's pieces share the pass as trajectories (pieces22)
                options = {o: v for o, v in cut.items() if o != "radii"}
                table, layout, lines = await worker.call(cut_rows, mdf, options)
                out = await batcher.submit(("steps", k, False), table)
                if req.radii is not None:  # each piece's own regime, as the API (radii22)
                    bins = getattr(model, "radii_bins", None)
                    out = with_radii(
                        out, req.radii, field="radii", bins=bins, history=table, predictor=model
                    )
                out, lines = said_stays(out, table, lines)  # said per request (stays32)
                out = pieces_answer(out, layout)
                lines += coverage_lines(model, table, model.config.max_len - k)
                lines += [ln for ln in [single_point_line(table)] if ln]
                cut = {}  # answered as sent already
            elif sub_second(df):  # sub-second times: exact; fixes under 1 s apart at their cadence
                out, lines = await worker.call(warned, predict_sub_second, model, df, k)
            else:  # dated and numeric times never share a pass (one time column per call)
                out = await batcher.submit(("steps", k, df["t"].dtype.is_temporal()), df)
                lines = coverage_lines(model, as_seconds(df), model.config.max_len - k)
                lines += [ln for ln in [single_point_line(df)] if ln]  # as predict warns
        else:
            at, ahead = (at_times, req.seconds_ahead) if req.at_times is not None else \
                seconds_ahead_exact(df, req.seconds_ahead)  # fmt: skip
            # "fallback": false reaches asked times too: a time-aware val verdict answers them
            # (pvbase24)
            cut_fb = cut if req.fallback else {**cut, "fallback": False}
            if req.radii is not None and req.fallback and predict_verdict(model, True):
                # badin25: as for steps (badin24), the model answers with its own radii; the
                # verdict's kNN answered and the model's radii were put around its points
                cut_fb = {**cut_fb, "radii": req.radii}
            if req.latest:  # each vehicle's latest piece (newuser30)
                cut_fb = {**cut_fb, "latest": True}
            cut_fb = {**cut_fb, **keep}
            mdf = latest_frame(mdf, owners, cut) if req.latest else mdf  # per bus (leftover32)
            out, lines = await worker.call(warned, predict_at_times, model, mdf, at, ahead, cut_fb)
            lines = [*unit_line(at_unit, "at_times"), *lines]
        out, lines = as_sent(out, cut), http_words(no_motion_lines(dr, df, lines))
        out, owner = owner_of(out, owners)  # the bus after the answer's keys (leftover32)
        extra: tuple[str, ...] = (*piece_of(out), "step", "std_m")
        if req.radii is not None:  # session 21 (tails21)
            done = bool(req.radii) and f"r{req.radii[0]}_m" in out.columns  # a shared pass's
            if not cut and not done:  # per regime (radii22), as the API
                bins = getattr(model, "radii_bins", None)
                out = with_radii(
                    out, req.radii, field="radii", bins=bins, history=df, predictor=model
                )
            extra += tuple(f"r{lv}_m" for lv in req.radii)
        if req.hold_stays and not pieces and not req.latest:  # the shared pass's stays said;
            # radii added above are the stay's own (stays32)
            out, lines = said_stays(out, df, lines)
        if "engine" not in out.columns:  # no prediction verdict saved: as before
            return JSONResponse(
                with_warnings(points_body(out, req.output or fmt, (*extra, *owner)), lines)
            )
        engines = out["engine"].unique(maintain_order=True).to_list()  # session 24
        body = with_warnings(points_body(out, req.output or fmt, (*extra, "engine", *owner)), lines)
        return JSONResponse(body | {"engine": engines[0] if len(engines) == 1 else
                                    "mixed: " + ", ".join(engines)})  # fmt: skip

    @router.post("/recover", response_model=s.PointsResponse, responses=errors)
    async def recover(req: RecoverBody) -> JSONResponse:
        """Fill points whose position is null (times given), between known points."""
        require_task(model, "recover")
        if req.mode == "span" and getattr(model.model, "infill_head", None) is None:
            raise TrajlmInputError("mode 'span' decodes with infilling heads, which this "
                                   "checkpoint has not; 'inplace' (the default) or 'bridge' "
                                   "recover with the bridge of its forward rollouts", field="mode")  # fmt: skip
        df, fmt = parse(req, validate=False, keep_extra=True)  # rows keep the caller's keys
        mdf, cut = for_model(df, req.split_gaps)
        opt = {} if req.fallback else {"fallback": False}  # route-recovery models: no such option
        opt |= {"radii": req.radii} if req.radii is not None else {}
        opt |= {} if req.every is None else {"every": req.every}  # rows inside gaps (newuser28)

        def recover_said() -> tuple:  # the engine read in the same worker call (session 22)
            return model.recover(mdf, mode=req.mode, **opt, **cut), getattr(
                model, "last_engine", "model")  # fmt: skip

        (out, engine), lines = await worker.call(warned, recover_said)
        out, lines = as_sent(out, cut), http_words(lines)
        extra = (*piece_of(out), "recovered")
        if req.radii:  # session 28: the recovered points' val spread ([]: none, as in Python)
            extra += ("std_m", *(f"r{lv}_m" for lv in req.radii))
        body = with_warnings(points_body(out, req.output or fmt, extra), lines)
        return JSONResponse(body | {"engine": engine})

    @router.post("/travel-time", response_model=s.TravelTimeResponse, responses=errors)
    async def travel_time(req: TravelBody) -> JSONResponse:
        """Trip durations in seconds from origins to destinations departing at `depart`."""
        require_task(model, "travel_time")
        if len(req.origins) != len(req.destinations):
            raise TrajlmInputError(f"{len(req.origins)} origins but {len(req.destinations)} "
                                   "destinations", field="destinations")  # fmt: skip
        depart, unit = check_times(req.depart, "depart")  # ms by size too (echo)
        o, d = np.asarray(req.origins, np.float64), np.asarray(req.destinations, np.float64)
        o, d = plane_pairs(o, req.crs, "origins"), plane_pairs(d, req.crs, "destinations")
        if req.crs is not None:  # fix40c: degrees sent as local metres were answered 1.3e-126 s
            refuse_plane_on_degree_model(load_coverage(getattr(model, "model", model)) or {},
                                         np.r_[o[:, 0], d[:, 0]], np.r_[o[:, 1], d[:, 1]],
                                         '"crs": "local"')  # fmt: skip
        check_pairs(o, "origins")  # before: "travel_time input field lat ... traj_id '0' ..."
        check_pairs(d, "destinations")
        opt = {} if req.fallback else {"fallback": False}
        secs, lines = await worker.call(warned, lambda: model.travel_time(o, d, depart, **opt))
        line = travel_time_warning(getattr(model, "model", model), o, d, secs)  # implausible
        lines = [*unit_line(unit, "depart"), *lines, *([line] if line else [])]
        engine = getattr(secs, "engine", "model")  # session 22: what answered
        return JSONResponse(with_warnings({"seconds": floats(secs), "engine": engine}, lines))

    @router.post("/embed", response_model=s.EmbedResponse, responses=errors)
    async def embed(req: EmbedBody) -> JSONResponse:
        """One vector per trajectory (mean-pooled final hidden state)."""
        df, _ = parse(req)
        mdf, cut = for_model(df, req.split_gaps)
        emb, lines = await worker.call(warned, lambda: model.embed(mdf, **cut))
        emb, lines = as_sent(emb, cut), http_words(lines)
        keys = ["traj_id", *piece_of(emb)]
        Z = emb.select(pl.exclude(keys)).to_numpy()
        return JSONResponse(with_warnings({"dim": Z.shape[1], "embeddings": [row_id(r, id_out) | {"embedding":
                z.tolist()} for r, z in zip(emb.select(keys).iter_rows(named=True), Z, strict=True)]},
                lines))  # fmt: skip

    @router.post("/classify", response_model=s.ClassifyResponse, responses=errors)
    async def classify(req: ClassifyBody) -> JSONResponse:
        """The class of each trajectory, with probabilities (a classifier checkpoint only)."""
        require_task(model, "classify")
        df, _ = parse(req)
        mdf, cut = for_model(df, req.split_gaps)
        out, lines = await worker.call(warned, lambda: model.classify(mdf, **cut))
        out, lines = as_sent(out, cut), http_words(lines)
        classes = [c[2:] for c in out.columns if c.startswith("p_")]
        rows = [
            row_id(r, id_out)
            | {
                "label": r["label"],
                "proba": {c: r[f"p_{c}"] for c in classes},
            }
            for r in out.iter_rows(named=True)
        ]
        engine = out["engine"][0] if "engine" in out.columns and len(out) else None
        return JSONResponse(
            with_warnings({"classes": classes, "engine": engine, "results": rows}, lines)
        )

    @router.post("/similar", response_model=s.SimilarResponse, responses=errors)
    async def similar(req: SimilarBody) -> JSONResponse:
        """The k trajectories of the index (`--index STORE`) nearest to each query."""
        if index is None:
            raise NotAvailable("no similarity index: start the server with --index STORE")
        if not getattr(index, "local", False):  # (an index built by hand: degrees)
            refuse_on_plane(req.crs, "/similar (its --index store's places)")
        elif req.crs is None:  # a plane's library: degrees would meet the stand-in 1 N 1 E
            raise TrajlmInputError(
                f"/similar: the --index store {index.store} holds x / y metres on a "
                'plane (--crs local at ingest); send "crs": "local" with x / y points',
                field="crs",
            )
        df, _ = parse(req)
        mdf, cut = for_model(df, req.split_gaps)
        emb, lines = await worker.call(
            warned, lambda: model.embed(mdf, n_points=index.n_points, **cut)
        )
        emb, lines = as_sent(emb, cut), http_words(lines)
        keys = ["traj_id", *piece_of(emb)]
        dist, idx = index.query(emb.select(pl.exclude(keys)).to_numpy(), req.k)
        results = []
        for q, (dr, ir) in zip(emb.select(keys).iter_rows(named=True),
                               zip(dist, idx, strict=True), strict=True):  # fmt: skip
            matches = []
            for r, (dd, j) in enumerate(zip(dr, ir, strict=True)):
                tid = index.ids[j]
                g = index.tracks[tid] if req.geometry else None
                track = (
                    None if g is None else [[a, b] for a, b in zip(g["lon"], g["lat"], strict=True)]
                )
                matches.append({"rank": r + 1, "traj_id": tid, "distance": float(dd),
                                "track": track})  # fmt: skip
            results.append(row_id(q, id_out) | {"matches": matches})
        return JSONResponse(with_warnings({"results": results}, lines))

    return router


def check_pairs(a: np.ndarray, field: str) -> None:
    """[lat, lon] pairs in range, or a 422 naming the first bad pair by its index."""
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(a).all(axis=1) & (np.abs(a[:, 0]) <= 90) & (np.abs(a[:, 1]) <= 180)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise TrajlmInputError(f"[{a[i, 0]:g}, {a[i, 1]:g}] is not a [lat, lon] pair of degrees "
                               f"(lat in [-90, 90], lon in [-180, 180]); {int((~ok).sum())} of "
                               f"{len(a)} such", field=f"{field}[{i}]")  # fmt: skip


__all__ = ["STATIC", "check_pairs", "identity", "info_routes", "task_routes"]
