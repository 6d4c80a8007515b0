"""POST /ask (session 24, ask24): ``trajlm ask`` over HTTP, the same plans, answers and refusals.

    curl -s localhost:8000/ask -H 'content-type: application/json' \\
         -d '{"question": "how many trips did V3 make on 20 October?", "data": "vans"}'

The body names the question and the data: ``data``, a store directory under the server's ``--ask-root`` (a path a
client may name only there: the server reads no other folder), or ``rows``, the points as a JSON table (``t``, ``lat``,
``lon``, and ``traj_id`` / ``vehicle_id`` / ``label`` where they have them; read as ``trajlm.ask`` reads a frame).
``tz`` and ``split`` are the CLI's options. The answer: the plan line the CLI prints, the plan's fields, the value
(a number or a text) or the table's rows, the printed answer, ``yes`` (true / false for a yes / no question such as
"was VAN-07 out on Monday?", null for any other) and its notes. A question no plan can express is one
422 line (the CLI's "can't answer that: ..." and exit 2), as is bad input. A prediction is POST /predict's (the
server's model runs on its one model thread): asked here, it is one 422 line saying so. A store's ``Asker`` is kept
for the next question (the last few stores, keyed by path, zone and split: planning then takes milliseconds).
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from trajlm.errors import TrajlmInputError
from trajlm.serve.examples import ANSWER_EXAMPLE, EXAMPLES
from trajlm.serve.limits import ServeSettings
from trajlm.serve.plane import CRS_HELP

PYTHON_COLUMNS = "(ingest with --vehicle-col, or pass columns={'vehicle_id': ...})"
HTTP_COLUMNS = '(name the rows\' vehicle key in the body: "columns": {"vehicle_id": "unitId"})'
KEEP_ASKERS = 4  # stores whose trip tables stay loaded between questions


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(..., description="A question about the trips, in English (docs/llm.md).")
    data: str | None = Field(
        None, description="A store directory, relative to the server's --ask-root."
    )
    # `trajectories` as every other endpoint names the rows (newuser31: a dashboard posting the
    # /predict body's rows to /ask got "field trajectories: Extra inputs are not permitted")
    rows: list[dict[str, Any]] | None = Field(
        None,
        description="The points: t, lat, lon (traj_id, vehicle_id, label); also as `trajectories`.",
        validation_alias=AliasChoices("rows", "trajectories"),
    )
    tz: str | None = Field(
        None, description="Read hours, weekdays and dates in this zone (IANA or +02:00)."
    )
    split: str | None = Field(None, description="Only this split of a store (train, val, test).")
    crs: Literal["local"] | None = Field(None, description="rows: " + CRS_HELP)  # local37
    # serve39: a fleet's rows keyed `unitId` had no way to say "this is the vehicle" over HTTP
    # (the refusal said `pass columns={'vehicle_id': ...}`, a Python keyword)
    columns: dict[str, str] | None = Field(
        None,
        description="rows: your keys for the API's names, as Python's columns=: "
        '{"vehicle_id": "unitId", "t": "ts", "label": "service"} (traj_id, t, lat, lon, '
        "vehicle_id, label).",
    )

    @model_validator(mode="before")
    @classmethod
    def _rows_named_once(cls, body: Any) -> Any:
        """badin32: both names were "field trajectories: Extra inputs are not permitted"; a
        store posted as `store` was "field store: Extra inputs are not permitted" (badfix32)."""
        if isinstance(body, dict) and "rows" in body and "trajectories" in body:
            raise ValueError("give the points as rows or as trajectories, not both")
        if isinstance(body, dict) and "store" in body and "data" not in body:  # badfix32
            raise ValueError("field store: /ask names a store as `data` (a store folder under "
                             "the server's --ask-root), not `store`")  # fmt: skip
        return body


def _store(root: str | None, data: str) -> Path:
    """The store ``data`` names under ``root``; one line when there is none or it is outside."""
    if root is None:
        raise TrajlmInputError("this server asks about no store by path (start it with --ask-root DIR); send the "
                               "points as rows", field="data")  # fmt: skip
    base = Path(root).resolve()
    try:  # a NUL byte or a name past the file system's length is a bad name, not a bug (badin24)
        path = (base / data).resolve()
        stored = (path / "manifest.json").is_file()
    except (ValueError, OSError) as e:
        raise TrajlmInputError(f"data {data[:80]!r} is not a folder name ({type(e).__name__}: "
                               f"{str(e)[:80]})", field="data") from None  # fmt: skip
    if path != base and base not in path.parents:
        raise TrajlmInputError(f"data {data!r} is outside the server's --ask-root; name a store under it",
                               field="data")  # fmt: skip
    if not stored:
        raise TrajlmInputError(f"data {data!r} is not a store under --ask-root (no manifest.json; make one with "
                               "trajlm data ingest)", field="data")  # fmt: skip
    return path


def _stamp(path: Path) -> int:
    """The manifest's change time: a store re-ingested with --overwrite under a running server is
    read again, not answered from the trips kept from before (badin24: 2 trips for 6)."""
    try:
        return (path / "manifest.json").stat().st_mtime_ns
    except OSError:
        return 0


def _as_http(e: TrajlmInputError, field: str) -> TrajlmInputError:
    """A reading error of the data as an HTTP client reads it: the field it is in (``data``,
    ``rows``, ``tz``) and no Python advice (``trajlm.clean(df)``, ``columns={...}``): the
    rows' own keys are the names (badin24)."""
    text = str(e)
    for python in (
        "; clean the input first",
        "; trajlm.ask / Asker take columns=",
        "; or pass time_format=",
    ):
        text = text.split(python)[0]
    named = re.match(r"^(?:input )?field ([^:]+): ", text)
    text = text[named.end() :] if named else text
    if "clean the input first" in str(e):
        text += "; fix or drop those rows (finite lat / lon, each trajectory's times increasing, one point per time)"
    column = e.field or (named.group(1) if named else None)
    return TrajlmInputError(text, field=f"rows.{column}" if field == "rows" and column else field)


def _json(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _answer_json(question: str, plan: Any, answer: Any) -> dict:
    table = None
    if answer.table is not None:
        t = answer.table
        t = t.with_columns([t[c].cast(str) for c in t.columns if t.schema[c].is_temporal()])
        table = [{k: _json(v) for k, v in r.items()} for r in t.to_dicts()]
    value = answer.value
    value = _json(value) if isinstance(value, int | float | str) or value is None else str(value)
    return {"question": question, "plan": plan.describe(), "plan_fields": plan.key(), "value": value,
            "table": table, "answer": str(answer).split("\nnote: ")[0], "yes": answer.yes, "notes": list(answer.notes)}  # fmt: skip


def ask_routes(cfg: ServeSettings) -> APIRouter:
    """POST /ask (no model call: it runs on the server's thread pool, not the model thread)."""
    from trajlm.llm.plan import CannotAnswer
    from trajlm.questions import Asker

    router = APIRouter()
    askers: OrderedDict[tuple, Asker] = OrderedDict()
    lock = threading.Lock()

    def asker_for(req: AskRequest) -> Asker:
        if (req.data is None) == (req.rows is None):
            raise TrajlmInputError(
                "give one of data (a store under --ask-root) or rows (the points)", field="data"
            )
        if req.rows is not None:
            import polars as pl

            if not req.rows:
                raise TrajlmInputError(
                    "rows is empty: send the points (t, lat, lon, ...)", field="rows"
                )
            try:
                frame = pl.DataFrame(req.rows, infer_schema_length=None)
            except Exception as e:  # mixed types in a column: one line naming it
                raise TrajlmInputError(f"rows could not be read as a table ({type(e).__name__}: {e})"[:300],
                                       field="rows") from None  # fmt: skip
            if req.split is not None:  # was ignored: the answer was about every row (badin24)
                raise TrajlmInputError("split reads a store's split; rows have none (leave it out "
                                       "or send only that split's rows)", field="split")  # fmt: skip
            return _asker(frame, req, "rows")
        if req.columns is not None:  # before the kept Askers: one would ignore it
            raise TrajlmInputError("columns names the keys of rows; a store recorded its "
                                   "columns at ingest: leave columns out", field="columns")  # fmt: skip
        path = _store(cfg.ask_root, req.data)
        key = (str(path), _stamp(path), req.tz, req.split, req.crs)
        with lock:  # concurrent requests: one dict, changed by one thread at a time
            if key in askers:
                askers.move_to_end(key)
                return askers[key]
        asker = _asker(path, req, "data")
        with lock:
            askers[key] = asker
            while len(askers) > KEEP_ASKERS:
                askers.popitem(last=False)
        return asker

    def _asker(data: Any, req: AskRequest, field: str) -> Asker:
        """``Asker(data)``, its reading errors one line naming the request's field (a time zone
        is ``tz``'s; badin24: a damaged store was a 500, a bad zone had no field)."""
        try:
            return Asker(data, tz=req.tz, split=req.split, crs=req.crs, columns=req.columns)
        except TrajlmInputError as e:
            raise _as_http(e, "tz" if "time zone" in str(e) else field) from None
        except CannotAnswer:
            raise
        except Exception as e:  # a store whose files are damaged or missing (no parquet parts)
            if field != "data":
                raise
            raise TrajlmInputError(f"data {req.data!r} could not be read as a store ({type(e).__name__}: "
                                   f"{(str(e).splitlines() or [''])[0][:120]})", field="data") from None  # fmt: skip

    def answer(req: AskRequest) -> dict | CannotAnswer:
        if req.split is not None and req.split not in ("train", "val", "test"):
            raise TrajlmInputError(f"split {req.split!r}: one of train, val, test", field="split")
        try:
            asker = asker_for(req)
            plan = asker.plan(req.question)
            if plan.action == "predict":
                raise TrajlmInputError("a prediction is POST /predict's: send the trip's points there",
                                       field="question")  # fmt: skip
            return _answer_json(req.question, plan, asker.run(plan))
        except CannotAnswer as e:  # the CLI's line as it prints it ("can't answer that: ...")
            return e

    @router.post(
        "/ask", responses={200: {"content": {"application/json": {"example": ANSWER_EXAMPLE}}}}
    )
    async def ask(
        req: Annotated[AskRequest, Body(openapi_examples=EXAMPLES["/ask"])],
    ) -> JSONResponse:
        """Answer a question about a store (``data``, under --ask-root) or about ``rows``, as `trajlm ask` does:
        the plan, then the value or table; a question no plan expresses is a 422 line."""
        got = await run_in_threadpool(answer, req)
        if isinstance(got, CannotAnswer):
            line = " ".join(str(got).split())
            if PYTHON_COLUMNS in line:  # the Python keyword as the HTTP body's field (serve39)
                line = line.replace(
                    PYTHON_COLUMNS,
                    HTTP_COLUMNS
                    if req.rows is not None
                    else "(ingest the store with --vehicle-col)",
                )
            return JSONResponse({"error": line, "field": "question"}, 422)
        return JSONResponse(got)

    return router
