"""A read's context: the resource limits (ReadLimits) and the state one read carries through
its readers (Ctx: paths, on_error mode, the drop report, the column map, the first problem).

Split from _common.py by review38b (which re-exports both) so that _row_checks.py can take a Ctx
without importing _common, which re-exports the row checks."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

import polars as pl

from trajlm.data.schema import MIN_T, DropReport, OnError, TrajlmInputError

HINT_SKIP = 'use on_error="skip" (--on-error skip on the CLI) to drop and count such rows'


@dataclass(frozen=True)
class ReadLimits:
    """Resource limits of a read; exceeding one raises TrajlmInputError in both on_error modes.

    They bound the memory a damaged or hostile file can take (a small zip that expands to one
    100 MB line). Defaults come from the environment when set (TRAJLM_MAX_LINE_BYTES,
    TRAJLM_MAX_ZIP_MEMBER_BYTES, TRAJLM_MAX_ZIP_RATIO, TRAJLM_MAX_POINTS_PER_TRAJ), else from
    the values below; pass `limits=ReadLimits(...)` to `read` / `iter_read` / `ingest` to change
    them for one read.
    """

    # Longest text line. Real data: 11 kB (a Porto POLYLINE row); 16 MiB keeps a 500k-point
    # POLYLINE (10 MB, tests/test_bad_input.py) readable and refuses a 100 MB line unparsed.
    max_line_bytes: int = 16 << 20
    max_zip_member_bytes: int = 2 << 30  # uncompressed size of one zip member
    max_zip_ratio: float = 200.0  # uncompressed / compressed size of a zip member (bombs: 1000)
    max_points_per_traj: int = 10_000_000

    _ENV = {
        "max_line_bytes": "TRAJLM_MAX_LINE_BYTES",
        "max_zip_member_bytes": "TRAJLM_MAX_ZIP_MEMBER_BYTES",
        "max_zip_ratio": "TRAJLM_MAX_ZIP_RATIO",
        "max_points_per_traj": "TRAJLM_MAX_POINTS_PER_TRAJ",
    }

    def __post_init__(self) -> None:
        for f in fields(self):
            if not getattr(self, f.name) > 0:
                raise ValueError(f"ReadLimits.{f.name} must be > 0, got {getattr(self, f.name)}")

    @classmethod
    def from_env(cls) -> ReadLimits:
        """Defaults, overridden by the TRAJLM_MAX_* environment variables that are set."""
        out = {}
        for name, var in cls._ENV.items():
            text = os.environ.get(var)
            if text is None:
                continue
            kind = float if name == "max_zip_ratio" else int
            try:
                out[name] = kind(text.replace("_", ""))
            except ValueError:
                raise TrajlmInputError(
                    f"environment variable {var}={text!r} is not a number", field=var
                ) from None
        return cls(**out)


@dataclass
class Ctx:
    """Per-read state: the files seen so far, the error policy and the running report."""

    on_error: OnError
    report: DropReport = field(default_factory=DropReport)
    paths: list[Path] = field(default_factory=list)
    now_s: int = field(default_factory=lambda: int(time.time()))
    min_t: int = MIN_T
    limits: ReadLimits = field(default_factory=ReadLimits.from_env)
    # Per file: stats of the last field of every line so far (see _lines.check_last_line).
    tail_stats: dict[int, dict] = field(default_factory=dict)
    # Latest time per traj_id in file order, across chunks, to count re-sorting.
    last_t: pl.DataFrame | None = None
    # Said after an unparseable time's value (the reader knows which formats it tried).
    time_hint: str | None = None
    # Per (file, traj_id): the last row's repeated-hour state, so a pass through the repeated
    # DST hour split across reader chunks reads on as it started (_clock_change.resolve_local).
    dst_tail: pl.DataFrame | None = None
    # Whether lat / lon come from a column mapping (csv, parquet): the swapped / projected
    # hints name ColumnMap and --crs only then (session 19; ADS-B, Polar, Queclink have none)
    columns_mapped: bool = True
    # Read byte copies of a file as files of their own (PROTOCOL's GeoLife split counts users
    # 081 and 125's 24 shared .plt twice; the default reads them once: session 23)
    keep_copies: bool = False
    said: set = field(default_factory=set)  # lines said once a read (_sensors: accuracy text)
    zone_column: str | None = None  # ColumnMap.t_zone: its own hint (_times.unread_zone_hint)
    # Keep each fix's exact milliseconds beside whole-second `t` (read(exact_times=True): a model
    # call given a path puts the fractions back on its answers, as it does for a frame; leftover34)
    exact_times: bool = False
    # Keep a sub-second source's path and fastest step on each kept fix (ColumnMap.full_rate,
    # sports37: full_rate.py)
    full_rate: bool = False
    sub_second: bool = False  # every fix kept, `t` Float64 exact seconds (subsec38)

    def __post_init__(self) -> None:
        if self.on_error not in ("raise", "skip"):
            raise ValueError(f'on_error must be "raise" or "skip", got {self.on_error!r}')

    def add_path(self, path: Path) -> int:
        self.paths.append(Path(path))
        return len(self.paths) - 1

    def error(self, msg: str, file: int, line: int | None, fld: str | None) -> TrajlmInputError:
        return TrajlmInputError(msg, path=self.paths[file], line=line, field=fld, hint=HINT_SKIP)
