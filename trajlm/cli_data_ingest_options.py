"""`trajlm data ingest`'s options: checked on their own (one line naming the option that is
wrong) and turned into what `ingest()` takes (out of `data_ingest`, review38)."""

from __future__ import annotations

import calendar
import math

from trajlm import _cli_io as io
from trajlm._cli_io import fail as _fail
from trajlm.data.corpus_clean import STOP_DRIFT_MAX_KN  # --stop-drift-kn's upper end


def check_options(
    *,
    format: str,
    preset: str,
    on_error: str,
    columns: str | None,
    max_speed_mps: float | None,
    max_gap_s: float | None,
    max_hdop: float | None,
    max_accuracy_m: float | None,
    stop_radius_m: float | None,
    stop_minutes: float | None,
    min_interval: float | None,
    stop_drift_kn: float | None,
    split_at_stops: bool,
    sep: str | None,
    utc_offset: float | None,
    full_rate: bool | None = None,
    sub_second: bool | None = None,
) -> None:
    """The option values on their own, before any file is looked at: one line naming the option
    that is wrong (the order of the checks is the order of the lines a user sees first)."""
    from trajlm.data.clean import PRESETS
    from trajlm.data.readers import FORMATS
    from trajlm.data.readers import PRESETS as COLUMN_PRESETS

    io.choice(format, ("auto", *FORMATS), "--format")
    io.choice(preset, ("auto", *PRESETS), "--preset")
    io.choice(on_error, ("raise", "skip"), "--on-error")
    io.choice(columns, COLUMN_PRESETS, "--columns")
    io.positive(max_speed_mps, "--max-speed-mps")
    io.positive(max_gap_s, "--max-gap-s")
    io.positive(max_hdop, "--max-hdop")
    if max_accuracy_m is not None and not (math.isfinite(max_accuracy_m) and max_accuracy_m >= 0):
        _fail(f"--max-accuracy-m must be a number of metres >= 0 (0 keeps every fix), "
              f"got {max_accuracy_m}")  # fmt: skip
    io.positive(stop_radius_m, "--stop-radius-m")
    io.positive(stop_minutes, "--stop-minutes")
    io.positive(min_interval, "--min-interval")
    if stop_drift_kn is not None and not (0 <= stop_drift_kn <= STOP_DRIFT_MAX_KN):
        _fail(f"--stop-drift-kn must be a number of knots from 0 to {STOP_DRIFT_MAX_KN:g} (a ship "
              f"reporting more is under way, not drifting), got {stop_drift_kn}")  # fmt: skip
    stops = (stop_radius_m, stop_minutes, stop_drift_kn)
    if any(v is not None for v in stops) and not split_at_stops:
        _fail("--stop-radius-m / --stop-minutes / --stop-drift-kn need --split-at-stops")
    if sep is not None and len(sep) != 1:
        _fail(f"--sep must be one character, got {sep!r}")
    if utc_offset is not None and not math.isfinite(utc_offset):  # NaN: int(round()) raised
        _fail(f"--utc-offset must be a number of hours ahead of UTC (2, -5, 5.5), got {utc_offset}")
    if full_rate and sub_second:  # badin39: --full-rate was dropped without a word
        from trajlm.data.readers._column_map import FULL_RATE_AND_SUB_SECOND

        _fail(FULL_RATE_AND_SUB_SECOND)


def clean_overrides(
    *,
    max_speed_mps: float | None,
    max_gap_s: float | None,
    max_hdop: float | None,
    max_accuracy_m: float | None,
    min_points: int | None,
    min_interval: float | None,
    split_at_stops: bool,
    stop_minutes: float | None,
    stop_radius_m: float | None,
    stop_drift_kn: float | None,
) -> dict:
    """The cleaning options given, as `ingest(clean_overrides=)` takes them (units: m/s, s):
    the one conversion a corpus source's clean table reads too (data/corpus_clean.py)."""
    from trajlm.data.corpus_clean import clean_settings

    return clean_settings(given(
        max_speed_mps=max_speed_mps, max_gap_s=max_gap_s, max_hdop=max_hdop,
        max_accuracy_m=max_accuracy_m, min_points=min_points, min_interval=min_interval,
        split_at_stops=split_at_stops or None, stop_minutes=stop_minutes,
        stop_radius_m=stop_radius_m, stop_drift_kn=stop_drift_kn,
    ))  # fmt: skip


def column_mapping(
    *,
    traj_col: str | None,
    time_col: str | None,
    lat_col: str | None,
    lon_col: str | None,
    time_format: str | None,
    sep: str | None,
    zip_members: str | None,
    layer: str | None,
    pitch_size: str | None,
    full_rate: bool | None,
    sub_second: bool | None,
    crs: str | None,
    utc_offset: float | None,
    tz: str | None,
    time_origin: str | None,
    min_year: int | None,
    label_col: str | None,
) -> dict:
    """The reading options given, as `ingest(column_map=)` takes them (offsets in seconds, the
    earliest year as a Unix time)."""
    return given(
        traj_id=traj_col,
        t=time_col,
        lat=lat_col,
        lon=lon_col,
        time_format=time_format,
        sep=sep,
        zip_members=zip_members,
        layer=layer,
        pitch=pitch_size,
        full_rate=full_rate,
        sub_second=sub_second,
        crs=crs,
        utc_offset_s=None if utc_offset is None else int(round(utc_offset * 3600)),
        tz=tz,
        time_origin=time_origin,
        min_t=None if min_year is None else calendar.timegm((min_year, 1, 1, 0, 0, 0)),
        extra=None if label_col is None else {"label": label_col},
    )


def given(**options: object) -> dict:
    """The options given (those not None), by name."""
    return {k: v for k, v in options.items() if v is not None}
