"""The cleaning settings an ingest reads a source with: the format's preset, a sparse source's
own gap rules, then the caller's checked overrides (out of data/ingest.py, review37)."""

from __future__ import annotations

import dataclasses
import math

from trajlm.data.clean import PRESETS, CleanConfig
from trajlm.errors import TrajlmInputError

# The PROTOCOL.md preprocessing of each format; other formats get "default".
FORMAT_PRESET = {"porto": "porto", "geolife": "geolife"}
# With preset "auto", changes to "default" for sparse sources (by format or column mapping
# name): its 30-min gap split would cut their 6-hourly / daily tracks into single points.
SOURCE_OVERRIDES: dict[str, dict] = {
    "hurricanes": {"max_gap_s": 86_400},  # 6-hourly best track; one gap > 1 d (277 d) in 1,003
    "icebergs": {"max_gap_s": 3 * 86_400},  # daily; bridge at most 2 missing days
    "mfjson": {"max_gap_s": None},  # each Feature is one trajectory, as its author cut it
}


# settings that count or are whole seconds (CleanConfig's int fields): 2.5 was taken unsaid
WHOLE_COUNTS = ("min_points", "min_t")


def check_overrides(overrides: dict) -> None:
    """Each of a caller's clean_overrides a CleanConfig field of the right kind, else one
    line naming it (badin22: {"max_gap_s": "big"} was a Polars ComputeError deep in cleaning,
    an unknown name a TypeError)."""
    names = {f.name for f in dataclasses.fields(CleanConfig)}
    for key, v in overrides.items():
        where = f"clean_overrides[{key!r}]"
        if key not in names:
            raise TrajlmInputError(f"{where}: not a cleaning setting; one of {sorted(names)}")
        if key == "nonmonotonic":
            ok = v in ("sort", "drop")
        elif key == "add_speed":
            ok = isinstance(v, bool)
        elif v is None:
            ok = key not in ("min_points", "stop_radius_m", "min_t")
        else:
            num = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            ok = num and (key == "min_t" or v > 0 or (key == "stop_drift_mps" and v == 0))
            if ok and key in WHOLE_COUNTS and float(v) != int(v):  # 2.5 points (badin40)
                raise TrajlmInputError(f"{where}: got {v!r}; expected a whole number")
        if not ok:
            raise TrajlmInputError(f"{where}: got {v!r}; expected a finite number > 0 (None: "
                                   "the step off)" if key not in ("nonmonotonic", "add_speed")
                                   else f"{where}: got {v!r}")  # fmt: skip


def clean_config(
    format: str, preset: str = "auto", overrides: dict | None = None, source: str | None = None
) -> CleanConfig:
    """The cleaning configuration for a format: its preset (with "auto": plus the
    SOURCE_OVERRIDES of the column mapping `source` or the format), then explicit overrides."""
    name = FORMAT_PRESET.get(format, "default") if preset == "auto" else preset
    if name not in PRESETS:
        raise ValueError(f"unknown cleaning preset {name!r}; choose from {sorted(PRESETS)}")
    auto = SOURCE_OVERRIDES.get(source or format, {}) if preset == "auto" else {}
    check_overrides(overrides or {})
    merged = {**auto, **(overrides or {})}
    if "max_gap_s" in merged:  # a gap given (by the user or the source): that gap alone
        merged.setdefault("gap_intervals", None)
    return dataclasses.replace(PRESETS[name], **merged)
