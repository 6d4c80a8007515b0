"""Latitude / longitude split from one JSON point the wrong way round, told by the records' own
reported speed / course (fix39b; badin39 left it: an Elasticsearch `geo_point` written
`[lat, lon]` beside `speed_kmh` was read in GeoJSON's [lon, lat] order, Lisbon in the Indian
Ocean, without a word). The files' rule (`_swapped_axes.py`) through `frame_axes`: the speed
says swapped, read swapped and said; only a course says so, or the two disagree, one line
refusing. Only a pair trajlm split itself (`KEY.lat` / `KEY.lon` from one point) is checked."""

from __future__ import annotations

from typing import Any

from trajlm.data.readers._json_fields import SAMPLE

ROWS = 10_000  # records read for the check, as the files' check reads a file's first rows
MOVER = "\x00mover"  # the check's id column: no record key is named so (an ES hit's `_id` is)


def _short_names(keys: list[str], skip: set[str]) -> dict[str, str]:
    """{last part of a dotted key (`_source.speed_kmh` -> `speed_kmh`) -> the key}, for the
    names read once only: the motion columns are found by their own names."""
    short: dict[str, list[str]] = {}
    for k in keys:
        if k not in skip:
            short.setdefault(k.rsplit(".", 1)[-1], []).append(k)
    return {s: ks[0] for s, ks in short.items() if len(ks) == 1}


def _seconds(times: list) -> Any:
    """The records' times as float seconds (a Series): `_times` gives Unix milliseconds or ISO
    text; None where they read as neither."""
    import polars as pl

    if all(isinstance(t, int | float) for t in times if t is not None):
        return pl.Series(times, dtype=pl.Float64, strict=False) / 1000.0
    text = pl.Series([t if isinstance(t, str) else None for t in times], dtype=pl.Utf8)
    try:
        stamp = text.str.to_datetime(strict=False, time_unit="ms", time_zone="UTC")
    except Exception:  # mixed zones / forms: the reader's own checks read them
        return None
    return stamp.dt.epoch("ms").cast(pl.Float64) / 1000.0


def record_axes(flat: list[dict], times: list, fields: dict[str, str]) -> dict[str, str]:
    """``fields`` with its `lat` / `lon` keys exchanged where they came from one point
    (`KEY.lat`, `KEY.lon`) and the records' reported speed says the point was [lat, lon] where
    [lon, lat] was read (or the other way round); ``fields`` unchanged otherwise."""
    import polars as pl

    from trajlm.data.frame_axes import frame_axes

    lat, lon = fields["lat"], fields["lon"]
    if not (lat.endswith(".lat") and lon.endswith(".lon") and lat[:-4] == lon[:-4]):
        return fields
    n = min(len(flat), ROWS)
    keys = list(dict.fromkeys(k for r in flat[:SAMPLE] for k in r))
    short = _short_names(keys, {lat, lon, fields.get("t", ""), fields.get("traj_id", "")})
    seconds = _seconds(times[:n])
    if seconds is None or not short:
        return fields
    tid = fields.get("traj_id")
    cols = {
        MOVER: [str(r.get(tid)) if tid else "" for r in flat[:n]],
        lat: [r.get(lat) for r in flat[:n]],
        lon: [r.get(lon) for r in flat[:n]],
        **{s: [r.get(k) if not isinstance(r.get(k), list | dict) else None for r in flat[:n]]
           for s, k in short.items()},
    }  # fmt: skip
    try:
        df = pl.DataFrame(cols, strict=False, infer_schema_length=None)
    except (TypeError, ValueError, pl.exceptions.PolarsError):  # a key of mixed kinds:
        return fields  # no motion column to read (the reader's own checks read the rest)
    got = frame_axes(df, MOVER, seconds, lat, lon, point=lat[:-4])
    return fields if got == (lat, lon) else {**fields, "lat": lon, "lon": lat}
