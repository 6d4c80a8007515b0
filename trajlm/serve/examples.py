"""Request examples for the OpenAPI page (/docs "Try it out"): each one is answered 200 when
pasted, by any checkpoint that can do the task (tests/test_serve14.py posts every one).

Before session 14 only the `trajectories` field had an example, so Swagger UI filled the other
fields from their types (`steps`, `at_times: ["string"]` and `seconds_ahead: [0]` at once;
`depart: "string"`; `mode: "string"`) and 3 of 6 default bodies were refused."""

from __future__ import annotations

from typing import Any

T0 = 1710750600  # 2024-03-18 08:30 UTC, Porto
TRIP = [{"traj_id": "trip-1", "t": T0 + 15 * i, "lat": round(41.1500 + 0.0003 * i, 6),
         "lon": round(-8.6100 + 0.0004 * i, 6)} for i in range(6)]  # fmt: skip
GEOJSON = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"traj_id": "trip-1", "times": [
        "2024-03-18T08:30:00Z", "2024-03-18T08:30:15Z", "2024-03-18T08:30:30Z",
        "2024-03-18T08:30:45Z"]},
    "geometry": {"type": "LineString", "coordinates": [
        [-8.6100, 41.1500], [-8.6096, 41.1503], [-8.6092, 41.1506], [-8.6088, 41.1509]]}}]}  # fmt: skip
# the gaps as GeoJSON [null, null] vertices: FastAPI leaves keys whose value is null out of
# the /docs examples, so a table row {"lat": null} would reach the page without its lat
GAPPY = {"type": "Feature", "properties": {"traj_id": "trip-1", "times": [p["t"] for p in TRIP]},
         "geometry": {"type": "LineString", "coordinates": [
             [None, None] if i in (2, 3) else [p["lon"], p["lat"]] for i, p in enumerate(TRIP)]}}  # fmt: skip


def _ex(summary: str, value: dict) -> dict:
    return {"summary": summary, "value": value}


EXAMPLES: dict[str, dict[str, Any]] = {
    "/predict": {
        "steps": _ex("the next 3 points of a table", {"trajectories": TRIP, "steps": 3}),
        "seconds_ahead": _ex(
            "positions 30 and 60 s after the last point",
            {"trajectories": TRIP, "seconds_ahead": [30, 60]},
        ),  # fmt: skip
        "at_times": _ex(
            "positions at absolute times (ISO 8601)",
            {"trajectories": TRIP, "at_times": ["2024-03-18T08:32:00Z"]},
        ),  # fmt: skip
        "geojson": _ex("GeoJSON in, GeoJSON out", {"trajectories": GEOJSON, "steps": 2}),
        "milliseconds": _ex(
            "JavaScript Date.now() times (Unix ms, read by size; t answered in ms)",
            {"trajectories": [p | {"t": p["t"] * 1000} for p in TRIP], "steps": 2},
        ),  # fmt: skip
        "hold_stays": _ex(
            "the rollout even where rows end in a stay (a phone at home is held there otherwise)",
            {"trajectories": TRIP, "steps": 3, "hold_stays": False},
        ),  # fmt: skip
    },
    "/recover": {
        "gaps": _ex("two missing positions (null) filled", {"trajectories": GAPPY})
    },  # fmt: skip
    "/travel-time": {
        "one": _ex(
            "one trip",
            {
                "origins": [[41.150, -8.610]],
                "destinations": [[41.158, -8.590]],
                "depart": "2024-03-18T08:30:00Z",
            },
        )
    },  # fmt: skip
    "/embed": {"table": _ex("one vector per trajectory", {"trajectories": TRIP})},
    "/classify": {"table": _ex("a class per trajectory", {"trajectories": TRIP})},
    "/similar": {"table": _ex("the 3 nearest indexed trips", {"trajectories": TRIP, "k": 3})},
    "/reach": {
        "stops": _ex(
            "when the trip reaches two points (ids carried back)",
            {
                "trajectories": TRIP,
                "to": [
                    {"lat": 41.1530, "lon": -8.6060, "id": "stop-7"},
                    {"lat": 41.1400, "lon": -8.6300, "id": "stop-9"},
                ],
                "radius_m": 60,
                "horizon_s": 600,
            },
        )
    },  # fmt: skip
    "/parked": {"now": _ex("is the trip parked at its last point?", {"trajectories": TRIP})},
    "/divert": {
        "order": _ex(
            "each trajectory's time to an urgent order, ranked",
            {"trajectories": TRIP, "order": [[41.1530, -8.6060]]},
        )
    },  # fmt: skip
    "/validity": {"car": _ex("a car's limits", {"trajectories": TRIP, "mode": "car"})},
    # POST /ask (ask24) had none: /docs filled "data": "string" and "rows": [{}] at once (badin24)
    "/ask": {
        "rows": _ex(
            "a question about the points sent",
            {"question": "how many trips are there?", "rows": TRIP},
        )
    },
}

# POST /ask's answer as /docs shows it (ask32b): a yes / no question's ``yes`` is true / false, any other's null
ANSWER_EXAMPLE = {
    "question": "was VAN-07 out on Monday?",
    "plan": "list trips (at most 20) | vehicle=VAN-07 | weekdays=['mon'] | days of the trip's start, "
    "America/Los_Angeles",
    "plan_fields": {"action": "list", "vehicle": "VAN-07", "weekdays": ["mon"]},
    "value": None,
    "table": [
        {
            "traj_id": "J4",
            "start": "2026-11-30 09:03:00-08:00",
            "duration_s": 1800.0,
            "length_m": 8400.0,
            "speed_kmh": 16.8,
            "vehicle": "VAN-07",
        }
    ],  # fmt: skip
    "answer": "yes: 1 trip\n(the table, printed)",
    "yes": True,
    "notes": [],
}
