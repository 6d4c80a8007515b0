"""Request and response bodies of the HTTP API (pydantic: they are the OpenAPI at /docs).

Trajectories travel as one JSON document, parsed by ``trajlm.serve.formats`` (GeoJSON,
MF-JSON or a table of rows); everything else is typed here, so a wrong type names its field.
Unknown fields are refused (a typo such as ``step`` for ``steps`` is an error, not a default).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
)

from trajlm.serve.names import KEYS_HELP, want
from trajlm.serve.plane import CRS_HELP

Format = Literal["table", "geojson", "mfjson"]
Time = str | float
MAX_AHEAD_S = 7 * 86_400.0  # far beyond any rollout; keeps times in range

TRAJECTORIES = Field(
    description="GeoJSON FeatureCollection/Feature of LineStrings with `properties.times` "
    "(ISO 8601, or Unix seconds; Unix milliseconds such as Date.now() are read by their size), "
    "MF-JSON MovingPoint features, or a list of {traj_id, t, lat, lon} rows.",
    examples=[[{"traj_id": "a", "t": 1700000000, "lat": 41.15, "lon": -8.61},
               {"traj_id": "a", "t": 1700000015, "lat": 41.151, "lon": -8.609}]],
)  # fmt: skip
OUTPUT = Field(None, description="Response format; default: the request's.")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


TimeList = Annotated[list[Time], Field(min_length=1, max_length=64)]
# strict: `true` is not 1 s ahead, "10" not 10 (fuzz14); ints are still seconds
AheadList = Annotated[
    list[Annotated[float, Field(gt=0, le=MAX_AHEAD_S, strict=True)]],
    Field(min_length=1, max_length=64),
]

# counts are strict: "steps": true or "3" is a type error, not 1 or 3 (the second new-user test)
Count = StrictInt


# local37: x / y metres on a plane (a pitch, a warehouse), as Python's crs="local"
CRS = Field(None, description=CRS_HELP)


class TrajectoriesRequest(Strict):
    trajectories: Any = TRAJECTORIES
    output: Format | None = OUTPUT
    crs: Literal["local"] | None = CRS
    # session 21 (httppieces21): as the Python API's split_gaps= (data/coerce_pieces.py)
    split_gaps: StrictBool | Annotated[float, Field(gt=0, strict=True)] | None = Field(
        None,
        description="How a vehicle's rows are cut into trajectories (ingest's gap rule): left "
        "out, rows keyed by a vehicle / user / device (vehicle_id, mmsi, user_id, ...) are cut "
        "at gaps over 30 min (or 3x their median interval) and answers add a piece field; "
        "false: one trajectory per id; true: traj_id rows too; seconds: cut at that gap.",
    )
    # serve40: the answer's rows in the request's own keys, on request (names.py)
    keys: Literal["trajlm", "request"] = Field("trajlm", validate_default=True,
                                                description=KEYS_HELP)  # fmt: skip

    @field_validator("keys")
    @classmethod
    def _asked(cls, value: str) -> str:  # per request (a context variable, as echo's)
        return want(value)


class PredictRequest(TrajectoriesRequest):
    steps: Count | None = Field(None, ge=1, description="Next points of the rollout (default 5).")
    # a list for every trajectory, or {traj_id: list} per trajectory (only those predicted), as
    # the Python API takes them (session 14)
    at_times: TimeList | dict[str, TimeList] | None = Field(
        None,
        description="Absolute times (ISO, Unix s or ms by size); or {traj_id: times} per trajectory.",
    )
    # > 0: a time at the last point is no prediction (0 was a 500 before session 14)
    seconds_ahead: AheadList | dict[str, AheadList] | None = Field(
        None, description="Seconds after each last point (> 0); or {traj_id: seconds}."
    )
    # session 21 (tails21): std_m is a Gaussian sigma matched at 2 std_m; the errors are
    # heavier-tailed, so a circle holding a stated share is asked for by its level
    radii: list[StrictInt] | None = Field(
        None,
        description="Levels (50, 90, 95): adds r50_m / r90_m / r95_m, radii (m) that held that "
        "share of truths on val.",
    )
    # session 30 (newuser30): Python's predict(latest=True) and `trajlm predict --latest`
    latest: StrictBool = Field(
        False,
        description="true: each vehicle's latest piece only (rows keyed by a vehicle / vessel / "
        "user id, or trips beside one), one answer per vehicle from where it is now.",
    )
    fallback: bool = Field(True, description="false: the model's answer, never the baseline "
                           "(kNN continuation, linear-3, ...) its run's val verdict chose (session 24)")  # fmt: skip
    # session 32 (stays32): Python's predict(hold_stays=False), `trajlm predict --no-hold-stays`
    hold_stays: StrictBool = Field(
        True,
        description="A trajectory whose rows end in a stay (10+ min within 100 m: a phone at "
        "home) is answered at the stay's median, std_m and radii from its own jitter, engine "
        "\"stay\", said in warnings; false: the model's (or engine's) own rollout.",
    )


class RecoverRequest(TrajectoriesRequest):
    mode: Literal["inplace", "span", "bridge"] = Field(
        "inplace", description="inplace (one pass) | span (gap by gap; infilling heads) | bridge "
        "(forward + backward rollouts; what a checkpoint without infilling heads always uses)")  # fmt: skip
    fallback: bool = Field(True, description="false: the model's answer, never an interpolation "
                           "that beat it on the call's backtest or the run's val verdict")  # fmt: skip
    radii: list[StrictInt] | None = Field(
        None,
        description="Levels (50, 90, 95): adds std_m and r50_m / r90_m / r95_m per recovered "
        "point, circles (m) that held that share of val's hidden points (session 28).",
    )
    every: str | float | None = Field(None, description="also fill skipped fixes: a row at each "
                                      "multiple of this interval inside the gaps, e.g. \"30s\", "
                                      "\"1h\", 600 (seconds): TrajLM.recover(every=) (newuser28)")  # fmt: skip


class SimilarRequest(TrajectoriesRequest):
    k: Count = Field(5, ge=1, le=100)
    geometry: bool = Field(False, description="Return each match's (thinned) track.")


class ValidityRequest(TrajectoriesRequest):
    mode: str | None = Field(None, description="walk, bike, bus, car, train, vessel, ... "
                             "(default: the fastest ground mode's limits).")  # fmt: skip


# session 21 (httppieces21): a vehicle's rows are cut into trajectories (docs/serve.md)
PIECE = Field(None, description="0, 1, ... in time order within the id: the trajectory is a "
              "piece of a vehicle's rows cut at a gap (left out where no cut happened).")  # fmt: skip


class TrajectoryValidity(BaseModel):
    traj_id: str
    piece: int | None = PIECE
    n_points: int
    n_invalid: int
    valid: bool
    score: float
    reason_code: str
    reason: str


class ValidityResponse(BaseModel):
    format: Format
    n_trajectories: int
    n_invalid_points: int
    points: Any = Field(description="Every point with valid, reason_code, reason, score.")
    trajectories: list[TrajectoryValidity]
    warnings: list[str] | None = None  # e.g. fixes under a second apart left unchecked


LatLon = tuple[float, float]


def _point_object(v: Any) -> Any:
    """``{"lat": .., "lon": ..}`` (or Leaflet's ``{lat, lng}``) as the pair ``[lat, lon]``:
    /reach's `to` took objects while /travel-time and /divert said "Input should be a valid
    tuple" to the same object (serve40)."""
    if not isinstance(v, dict):
        return v
    lon = next((k for k in ("lon", "lng") if k in v), None)
    if "lat" in v and lon is not None and set(v) <= {"lat", lon}:
        return (v["lat"], v[lon])
    keys = ", ".join(map(str, v)) or "no keys"
    raise ValueError(f"an object with {keys} is no point; send [lat, lon] or "
                     '{"lat": .., "lon": ..}')  # fmt: skip


# a point as a [lat, lon] pair or a {lat, lon} object (serve40)
Point = Annotated[LatLon, BeforeValidator(_point_object)]


class TravelTimeRequest(Strict):
    origins: list[Point] = Field(..., min_length=1, max_length=10_000,
                                 description="[lat, lon] pairs (or {lat, lon}), degrees "
                                 "(\"crs\": \"local\": [x, y] metres).")  # fmt: skip
    destinations: list[Point] = Field(..., min_length=1, max_length=10_000)
    depart: Time | list[Time] = Field(
        ..., description="One time for all, or one per trip (ISO, Unix s or ms by size)."
    )
    fallback: bool = Field(True, description="false: the model's answer, never the baseline "
                           "that beat it on the run's saved val verdict")  # fmt: skip
    crs: Literal["local"] | None = CRS


class PointsResponse(BaseModel):
    format: Format
    n_trajectories: int
    points: Any = Field(description="In `format`: rows, or a FeatureCollection. `t` is whole "
                        "Unix seconds (an integer, floored), or in the unit of the request's "
                        "trajectory times when those were ms / us / ns (said in `warnings`); `time` (GeoJSON `times`, MF-JSON "
                        "`datetimes`) is the exact instant in ISO 8601, with milliseconds when "
                        "the times have a part below the second, on the request's UTC offset.")  # fmt: skip
    warnings: list[str] | None = None  # coverage and other warnings (docs/serve.md)
    engine: str | None = Field(None, description="/recover: what filled the gaps (model, akima, "
                               "pchip, linear; session 22); /predict: what answered (model, kNN "
                               "continuation, linear-3; each point's `engine` too) where the "
                               "run saved a prediction verdict (session 24)")  # fmt: skip


class TravelTimeResponse(BaseModel):
    seconds: list[float | None]
    engine: str = Field("model", description="What answered: model, or the baseline that beat "
                        "it on the run's saved val verdict (session 22)")  # fmt: skip
    warnings: list[str] | None = None  # e.g. a duration implying an impossible speed


class Embedding(BaseModel):
    traj_id: str
    piece: int | None = PIECE
    embedding: list[float]


class EmbedResponse(BaseModel):
    dim: int
    embeddings: list[Embedding]
    warnings: list[str] | None = None  # coverage and other warnings (docs/serve.md)


class Classification(BaseModel):
    traj_id: str
    piece: int | None = PIECE
    label: str
    proba: dict[str, float]


class ClassifyResponse(BaseModel):
    classes: list[str]
    engine: str | None = Field(None, description="What answered: 'trajlm model (lora)', or "
                               "'gradient boosting (...)' where `trajlm finetune` kept GB "
                               "because the model was not reliably above it on val.")  # fmt: skip
    results: list[Classification]
    warnings: list[str] | None = None  # coverage and other warnings (docs/serve.md)


class Match(BaseModel):
    rank: int
    traj_id: str
    distance: float
    track: list[list[float]] | None = Field(None, description="[lon, lat] vertices.")


class SimilarResult(BaseModel):
    traj_id: str
    piece: int | None = PIECE
    matches: list[Match]


class SimilarResponse(BaseModel):
    results: list[SimilarResult]
    warnings: list[str] | None = None  # coverage and other warnings (docs/serve.md)


class ErrorResponse(BaseModel):
    error: str = Field(description="One line naming the field and the problem.")
    field: str | None = None
