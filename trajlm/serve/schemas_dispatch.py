"""Request and response bodies of the dispatch endpoints (/reach, /parked, /divert): when a
point is reached, who is parked, which van to divert. Split from ``schemas.py`` (serve40 grew it
past 400 lines); the shared pieces (``TrajectoriesRequest``, ``Point``, ...) stay there.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StrictBool

from trajlm.serve.schemas import (
    MAX_AHEAD_S,
    PIECE,
    LatLon,
    Point,
    Strict,
    Time,
    TrajectoriesRequest,
)


class ReachTarget(Strict):
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    id: str | int | None = Field(None, description="The target's own id (a GTFS stop_id), "
                                 "answered beside it as target_id.")  # fmt: skip
    traj_id: str | int | None = Field(None, description="Ask only this trajectory (or "
                                      "vehicle) about the target (a van's own next stops); "
                                      "null: every one.")  # fmt: skip


class ReachRequest(TrajectoriesRequest):
    # session 32 (reach32): TrajLM.reach over HTTP
    to: Annotated[list[LatLon] | list[ReachTarget], Field(min_length=1, max_length=10_000)] = Field(
        ..., description="The points: [lat, lon] pairs, or {lat, lon, id} objects."
    )
    # a strict float takes a JSON integer too; `| StrictInt` beside it took 10**9 past `le` (review34)
    radius_m: Annotated[float, Field(gt=0, le=100_000, strict=True)] = Field(
        50.0, description="Reached within this many metres."
    )
    horizon_s: Annotated[float, Field(gt=0, le=MAX_AHEAD_S, strict=True)] = Field(
        1800.0, description="Seconds past each trajectory's last point (at most the model's "
        "rollout: 3,840 s for trajlm-small)."
    )  # fmt: skip
    step_s: Annotated[float, Field(gt=0, strict=True)] | None = Field(
        None, description="The rollout's time grid (default: the model's training step)."
    )
    route: StrictBool = Field(True, description="Past paths of the trajectories sent that went "
                              "this way answer where 2 or more did (engine route); false: the "
                              "rollout alone.")  # fmt: skip


class Reach(BaseModel):
    traj_id: str | int | None
    piece: int | None = PIECE
    target: int = Field(description="0-based position in `to`.")
    target_id: str | int | None = None
    target_lat: float
    target_lon: float
    reached: bool
    eta_s: float | None = Field(description="Seconds after the last point; null: not reached.")
    reach_time: str | None = Field(description="ISO 8601 (UTC); null: not reached.")
    closest_m: float | None
    engine: str = Field(description="route (past paths that went this way) or the rollout's "
                        "engine (model, kNN continuation, ...).")  # fmt: skip
    paths: int = Field(description="Past paths that answered (0: the rollout did).")


class ReachResponse(BaseModel):
    results: list[Reach]
    warnings: list[str] | None = None


class ParkedRequest(TrajectoriesRequest):
    # session 34 (dispatch34): trajlm.parked over HTTP
    at: Time | None = Field(None, description="Answer as of this time (ISO 8601 or Unix s); "
                            "default: each mover's last fix.")  # fmt: skip
    stop_minutes: Annotated[float, Field(gt=0, le=1440, strict=True)] = Field(
        2.0, description="Parked: still for at least this many minutes."
    )
    radius_m: Annotated[float, Field(gt=0, le=100_000, strict=True)] = Field(
        50.0, description="... within a box this many metres across."
    )
    stale_minutes: Annotated[float, Field(gt=0, strict=True)] = Field(
        5.0, description="A last fix older than this (before `at` or the newest fix) is stale."
    )


class Parked(BaseModel):
    traj_id: str | int | None
    parked: bool
    since: str | None = Field(description="ISO 8601 (UTC): the still stretch's first fix; null: "
                              "not parked.")  # fmt: skip
    still_s: float
    lat: float | None = Field(None, description="Parked: the still fixes' median; else the "
                              "last fix.")  # fmt: skip
    lon: float | None = None
    x: float | None = Field(None, description='"crs": "local": the position in x / y metres '
                            "(instead of lat / lon).")  # fmt: skip
    y: float | None = None
    spread_m: float | None
    fixes: int
    max_gap_s: float | None
    speed_mps: float | None = Field(description="From the last two fixes.")
    last_fix: str
    age_s: float
    stale: bool


class ParkedResponse(BaseModel):
    results: list[Parked]
    warnings: list[str] | None = None


class DivertStop(Strict):
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    traj_id: str | int = Field(..., description="The van whose next planned stop this is.")
    id: str | int | None = Field(None, description="The stop's own id, answered as next_id.")


class DivertRequest(TrajectoriesRequest):
    # session 34 (dispatch34): trajlm.divert over HTTP
    order: Annotated[list[Point], Field(min_length=1, max_length=100)] = Field(
        ..., description="The urgent order(s): [lat, lon] pairs (or {lat, lon})."
    )
    to: Annotated[list[DivertStop], Field(max_length=10_000)] | None = Field(
        None, description="Each van's next planned stop ({lat, lon, traj_id}): the delay a "
        "diversion adds to it.")  # fmt: skip
    service_s: Annotated[float, Field(ge=0, le=86_400, strict=True)] = Field(
        0.0, description="Seconds spent at the order (in the delay)."
    )


class Divert(BaseModel):
    traj_id: str | int | None
    order: int
    order_lat: float
    order_lon: float
    eta_s: float | None = Field(description="Seconds after the van's last point.")
    arrive_time: str | None
    straight_m: float
    engine: str = Field(description="route (its past paths pass the order), legs (its own "
                        "past legs' pace), legs (fleet), straight.")  # fmt: skip
    pace_s_per_km: float | None
    rank: int = Field(description="1: the soonest van for this order.")
    next_id: str | int | None = None
    delay_s: float | None = Field(None, description="Added to its next planned stop.")


class DivertResponse(BaseModel):
    results: list[Divert]
    warnings: list[str] | None = None
