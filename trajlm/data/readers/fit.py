"""Garmin FIT activity files (format `fit`: `.fit`, `.fit.gz`; Garmin, Wahoo, Coros, Suunto,
Strava exports), decoded with `fitdecode` (`pip install 'trajlm[formats]'`).

One trajectory per file (traj_id = the file stem), or, in a multisport file (a triathlon: several
`session` messages), one per session (`<stem>/<k>`, k in time order), each record going to the
session whose `start_time` it follows; the session's `sport` (cycling, running, transition, ...)
is the `label`. Every `record` message is a point: its
`timestamp` (FIT epoch 1989-12-31, compressed timestamp headers resolved by fitdecode), its
`position_lat` / `position_long` in semicircles (degrees = semicircles * 180 / 2**31) and
`enhanced_altitude` (else `altitude`) as `elevation_m`, heart rate, cadence, power, speed and
temperature as their own columns (`_sensors.py`). Records without a position (before the
GPS lock, indoor, the invalid value 0x7FFFFFFF) are `no_fix`, counted in both modes. The file's
CRC is checked: a damaged or truncated file raises; with on_error="skip" the records before the
damage are kept and the rest counts as one `damaged_fit`. A file without any positioned record
(an indoor ride) is one error (skip: its records are `no_fix`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import Ctx, claim_stem
from trajlm.data.readers._sensors import FIT_FIELDS, empty_columns, number
from trajlm.data.readers.gpx import file_points
from trajlm.data.readers.gz import missing_library, open_bytes, stem
from trajlm.data.schema import TrajlmInputError

SEMICIRCLE = 180 / 2**31


def _deg(value: object) -> str | None:
    return repr(int(value) * SEMICIRCLE) if isinstance(value, int) else None


def iter_fit(paths: list[Path], ctx: Ctx) -> Iterator[pl.DataFrame]:
    """One canonical chunk per file."""
    try:
        import fitdecode
    except ImportError:
        raise missing_library("FIT files", "fitdecode") from None
    stems: dict[str, Path] = {}
    for path in paths:
        file = ctx.add_path(path)
        unique = claim_stem(ctx, file, stems)
        cols: dict[str, list] = {k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")}
        cols |= empty_columns()
        sessions: list[tuple[object, str]] = []  # (start_time, sport)
        n = 0
        if path.stat().st_size == 0:
            raise TrajlmInputError("empty file (0 bytes): not a FIT file", path=path)
        try:
            with (
                open_bytes(path, ctx.limits) as f,
                fitdecode.FitReader(
                    f, check_crc=fitdecode.CrcCheck.RAISE, keep_raw_chunks=False
                ) as fr,
            ):
                for msg in fr:
                    if isinstance(msg, fitdecode.FitDataMessage) and msg.name == "session":
                        start = msg.get_value("start_time", fallback=None)
                        sport = msg.get_value("sport", fallback=None)
                        if start is not None:
                            sessions.append((start, None if sport is None else str(sport)))
                    if not isinstance(msg, fitdecode.FitDataMessage) or msg.name != "record":
                        continue
                    n += 1
                    ts = msg.get_value("timestamp", fallback=None)
                    ele = msg.get_value("enhanced_altitude", fallback=None)
                    if ele is None:
                        ele = msg.get_value("altitude", fallback=None)
                    cols["traj_id"].append(stem(path))
                    cols["lat"].append(_deg(msg.get_value("position_lat", fallback=None)))
                    cols["lon"].append(_deg(msg.get_value("position_long", fallback=None)))
                    cols["time"].append(ts.strftime("%Y-%m-%dT%H:%M:%SZ") if ts else None)
                    cols["ele"].append(None if ele is None else repr(float(ele)))
                    cols["_line"].append(n)
                    for c in empty_columns():
                        cols[c].append(None)
                    for field, c in FIT_FIELDS:
                        if cols[c][-1] is None:
                            cols[c][-1] = number(msg.get_value(field, fallback=None))
        except fitdecode.FitError as e:
            what = f"not a readable FIT file ({type(e).__name__}: {e})"
            if ctx.on_error == "raise" or n == 0:
                hint = (f"on_error='skip' (--on-error skip) keeps the {n} record(s) before it"
                        if n else "skipping cannot help (no record could be read)")  # fmt: skip
                raise TrajlmInputError(
                    f"{what} after {n} record(s)", path=path, hint=hint
                ) from None
            ctx.report.rows_in += 1
            ctx.report.drop("damaged_fit", 1)
        positioned = sum(v is not None for v in cols["lat"])
        if positioned == 0:
            if ctx.on_error == "raise" or n == 0:
                raise TrajlmInputError(
                    f"no record with a GPS position ({n} record message(s)): an indoor activity "
                    "or not an activity file",
                    path=path,
                    hint="skipping cannot help (the whole file)",
                )
            ctx.report.rows_in += n
            ctx.report.drop("no_fix", n)
            continue
        _by_session(cols, sessions)
        yield from file_points(cols, file, ctx, "a FIT record has no timestamp", unique)


def _by_session(cols: dict[str, list], sessions: list[tuple[object, str | None]]) -> None:
    """Label every record with its session's sport; several sessions: one id per session."""
    if not sessions:
        return
    sessions = sorted(sessions, key=lambda s: s[0])
    starts = [s[0].strftime("%Y-%m-%dT%H:%M:%SZ") for s in sessions]  # type: ignore[attr-defined]
    cols["label"] = []
    for i, t in enumerate(cols["time"]):
        k = max([j for j, s in enumerate(starts) if t is not None and s <= t] or [0])
        cols["label"].append(sessions[k][1])
        if len(sessions) > 1:
            cols["traj_id"][i] = f"{cols['traj_id'][i]}/{k}"
