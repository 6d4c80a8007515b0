"""Tracks written as two parallel lists (heldout37b): a list of positions `[lon, lat]` and, beside
it, a list of times of the same length: deck.gl's TripsLayer data (`[{"vendor": 0, "path":
[[-74.0, 40.7], ...], "timestamps": [1191.0, ...]}, ...]`, one object a trip) and Mapbox Map
Matching request bodies (`{"coordinates": [...], "timestamps": [...]}`). Was: "top level is not
a JSON object" (a list) or "keys name no time".

Rule: an object holding one list of 2-4 number positions (GeoJSON's order, lon first) and one
list of times named as times (`timestamps`, `times`, `datetimes`, ...) of the same length is one
track; its id is its id-named scalar (`id`, `trip_id`, ...) when it has one, else its place in
the list. Times are as written: Unix seconds / ms or ISO text; seconds from an animation's start
(deck.gl's examples) read as seconds after 1970, which the time check refuses naming
--time-origin (the times say no date)."""

from __future__ import annotations

from typing import Any

from trajlm.data.column_names import TIERS, tier_of

Track = tuple[str | None, list[list[float]], list[Any]]
_TIME_LISTS = ("timestamps", "times", "datetimes", "time", "timestamp", "ts")
_PATHS = ("path", "coordinates", "coords", "positions", "points", "waypoints", "geometry")


def _positions(v: Any) -> bool:
    return (
        isinstance(v, list)
        and len(v) > 0
        and all(
            isinstance(p, list)
            and 2 <= len(p) <= 4
            and all(isinstance(x, int | float) and not isinstance(x, bool) for x in p[:2])
            for p in v[:50]
        )
    )


def _track(obj: dict, n: int) -> Track | None:
    paths = [k for k in _PATHS if _positions(obj.get(k))]
    times = [k for k in _TIME_LISTS if isinstance(obj.get(k), list)]
    if len(paths) != 1 or len(times) != 1 or len(obj[paths[0]]) != len(obj[times[0]]):
        return None
    ids = sorted(
        (t, k)
        for k, v in obj.items()
        if isinstance(v, str | int) and (t := tier_of(TIERS["traj_id"], k)) is not None
    )
    tid = str(obj[ids[0][1]]) if ids else str(n)
    coords = [[float(p[0]), float(p[1])] for p in obj[paths[0]]]
    stamps = [t * 1000.0 if isinstance(t, int | float) and t < 4.2e9 else t for t in obj[times[0]]]
    return tid, coords, stamps


def path_tracks(doc: Any) -> list[Track] | None:
    """The tracks of a document of parallel position / time lists (see above), or None."""
    objs = doc if isinstance(doc, list) else [doc]
    if not objs or not all(isinstance(o, dict) for o in objs):
        return None
    out = [_track(o, n) for n, o in enumerate(objs)]
    if any(t is None for t in out):
        return None
    return pairs_in_order([t for t in out if t is not None])


def pairs_in_order(tracks: list[Track]) -> list[Track]:
    """The tracks' pairs as [lon, lat], told by the values where they can tell (badin38: pairs
    written lat-first, [40.7, -74.0], were read as lon 40.7, lat -74.0 without a word): a
    second number past 90 where no first one is makes them lat-first, read so; a first number
    past 90 makes them lon-first (deck.gl's order); every number within 90 cannot tell the
    order, so they are read in deck.gl's [lon, lat] with one warning saying so."""
    import warnings

    firsts = [abs(p[0]) for _, coords, _ in tracks for p in coords]
    seconds = [abs(p[1]) for _, coords, _ in tracks for p in coords]
    if not firsts or max(firsts) > 90:
        return tracks
    if max(seconds) > 90:  # the second number is the longitude: written lat-first
        return [(tid, [[p[1], p[0]] for p in coords], times) for tid, coords, times in tracks]
    lon, lat = tracks[0][1][0]
    warnings.warn(
        f"path pairs read as [lon, lat] (deck.gl's and GeoJSON's order): the first at lat {lat:g}, "
        f"lon {lon:g}; every number lies within +-90, so the values cannot tell the order: "
        "pairs written [lat, lon] must be written [lon, lat]",
        stacklevel=2,
    )
    return tracks


def path_near_miss(doc: Any) -> str | None:
    """Why a document of objects holding a position list (`path`, `coordinates`, ...) is not
    read as parallel position / time lists: the first object that breaks the rule (no time
    list, lists of different lengths, an empty path, positions that are not numbers), or None
    where no object holds such a list (badin38: "top level is not a JSON object")."""
    objs = doc if isinstance(doc, list) else [doc]
    if not objs or not all(isinstance(o, dict) for o in objs):
        return None
    if not any(isinstance(o.get(k), list) for o in objs for k in _PATHS):
        return None
    for n, obj in enumerate(objs):
        lists = [k for k in _PATHS if isinstance(obj.get(k), list)]
        times = [k for k in _TIME_LISTS if isinstance(obj.get(k), list)]
        where = f"object {n} ($[{n}])" if isinstance(doc, list) else "the object"
        if not lists:
            return f"{where} has no position list ({' / '.join(_PATHS[:3])}) as the others do"
        path = obj[lists[0]]
        if not path:
            return f"{where}: its `{lists[0]}` is empty (leave the object out)"
        if not _positions(path):
            return (f"{where}: its `{lists[0]}` holds {str(path[0])[:40]} where a [lon, lat] "
                    "pair of numbers was expected")  # fmt: skip
        if not times:
            return (f"{where}: a `{lists[0]}` of positions with no list of times beside it "
                    f"({' / '.join(_TIME_LISTS[:3])}): when was each position?")  # fmt: skip
        if len(path) != len(obj[times[0]]):
            return (f"{where}: `{lists[0]}` holds {len(path)} positions and `{times[0]}` "
                    f"{len(obj[times[0]])} times; they must pair one to one")  # fmt: skip
    return None


_LAT_KEYS, _LON_KEYS = {"lat", "latitude"}, {"lon", "lng", "long", "longitude"}


def one_fix(doc: Any) -> str | None:
    """The line for a document that is one position record (`{"lat": .., "lng": .., "time":
    ..}`), not a list of them (badin38: a one-record Firehose object was "no MovingPoint
    temporalGeometry ..."), or None."""
    if not isinstance(doc, dict) or "type" in doc:
        return None
    keys = {str(k).lower() for k, v in doc.items() if not isinstance(v, dict | list)}
    if not (keys & _LAT_KEYS and keys & _LON_KEYS):
        return None
    return ("one position record (a single fix), where a trajectory is two or more: a list of "
            "such records, or one a line (JSON Lines)")  # fmt: skip
