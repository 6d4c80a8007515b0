"""What a sub-second source's dropped fixes say, kept beside the fix each second keeps
(sports37). A store's `t` is whole seconds, so a 10-25 Hz source (player tracking, GPS vests)
keeps the first fix of each second (`sub_second_fix`): its distances are the chords between
1-s fixes (2-3 % short of the 25-Hz path on a pitch) and a burst shorter than a second is
averaged away. Asked for (`data ingest --full-rate`, `ColumnMap(full_rate=True)`; on by itself
for Metrica / TRACAB feeds), the read keeps two columns on each kept fix:

- `path_m`: the path the source's own fixes trace from this fix to the first fix of the next
  second (steps of 1 s or less; a gap's step is left to the chord);
- `peak_mps`: the fastest of those steps;
- `sprints`: how many sprints (7 m/s or faster held 1 s or more, at the source's rate) start
  in this second.

`llm/trips.steps` then reads a step of 1 s from `path_m` (distances, mean speeds, stops in
`ask`), and `llm/sports_answers` top speeds from `peak_mps` and sprints from `sprints`. Stores ingested without it, and
1 Hz sources, are unchanged. Within a reader's chunk: a second split across two chunks loses its
last step to the chord."""

from __future__ import annotations

import polars as pl

from trajlm.data.geometry import haversine_m

PATH_M, PEAK_MPS, SPRINTS = "path_m", "peak_mps", "sprints"
MAX_SUB_STEP_S = 1.0
# a sprint (football tracking providers' usual band): 7 m/s (25.2 km/h) or faster, held 1 s
SPRINT_MPS, SPRINT_MIN_S = 7.0, 1.0
_FASTEST_MPS = 340.0  # clean.IMPOSSIBLE_SPEED_MPS: a faster step is a jump, not a path


def with_full_rate(df: pl.DataFrame, t_ms: str) -> pl.DataFrame:
    """``df`` (traj_id, t whole seconds, exact milliseconds ``t_ms``, lat, lon[, period]) with
    PATH_M, PEAK_MPS and SPRINTS for every row: the path and fastest step from its second's fixes
    to the next second's first fix, and how many sprints (SPRINT_MPS held SPRINT_MIN_S, at the
    source's rate) start in its second. A step across a period change (Metrica's frames run on
    through half-time) or faster than 340 m/s is no path. The caller keeps each second's first
    fix; row order is kept."""
    order = "_full_rate_row"
    nxt = [pl.col(c).shift(-1).over("traj_id") for c in ("lat", "lon", t_ms)]
    out = df.with_row_index(order).sort("traj_id", t_ms)
    dt = (nxt[2] - pl.col(t_ms)) / 1000.0
    d = haversine_m(pl.col("lat"), pl.col("lon"), nxt[0], nxt[1])
    out = out.with_columns(_dt=dt, _d=d)
    ok = (pl.col("_dt") > 0) & (pl.col("_dt") <= MAX_SUB_STEP_S)
    ok = ok & (pl.col("_d") <= _FASTEST_MPS * pl.col("_dt"))
    if "period" in out.columns:  # each window below is its own column: windows do not nest
        p = pl.col("period").cast(pl.Utf8)
        out = out.with_columns(_same=(p == p.shift(-1)).over("traj_id").fill_null(False))
        ok = ok & pl.col("_same")
    out = out.with_columns(_ok=ok).with_columns(
        _v=pl.when("_ok").then(pl.col("_d") / pl.col("_dt"))
    )
    fast = (pl.col("_v") >= SPRINT_MPS).fill_null(False)
    out = out.with_columns(_fast=fast)
    run = (pl.col("_fast") != pl.col("_fast").shift(1)).fill_null(True).cum_sum()
    out = out.with_columns(_run=run.over("traj_id"))
    held = pl.col("_dt").filter(pl.col("_fast")).sum()
    first = (pl.col("_run") != pl.col("_run").shift(1)).fill_null(True)
    out = out.with_columns(_held=held.over("traj_id", "_run"), _first=first.over("traj_id"))
    starts = pl.col("_fast") & pl.col("_first") & (pl.col("_held") >= SPRINT_MIN_S - 1e-6)
    out = out.with_columns(
        pl.when("_ok").then(pl.col("_d")).otherwise(0.0).sum().over("traj_id", "t").alias(PATH_M),
        pl.col("_v").max().over("traj_id", "t").alias(PEAK_MPS),
        starts.cast(pl.Int64).sum().over("traj_id", "t").alias(SPRINTS),
    )
    helpers = [c for c in out.columns if c.startswith("_") and c not in df.columns]
    return out.sort(order).drop(helpers)


# The source's own path over the 1-s chords it keeps: a smooth 25-Hz track runs 2-3 % longer
# (sports37's matches: 2.0-2.1 %, no pair past 3.1 %); a GPS vest's 10-Hz fixes, each ~0.4 m
# off, 2.2x: their noise adds up as distance. Past NOISY_RATIO the columns are not read by ask.
NOISY_RATIO = 1.10


class FullRateCheck:
    """Ingest's tally of PATH_M against the chords between kept fixes one second apart; its
    ``record`` is what the manifest keeps (``reading.full_rate``), noisy or not."""

    def __init__(self) -> None:
        self.path = self.chord = 0.0

    def add(self, df: pl.DataFrame) -> None:
        if PATH_M not in df.columns or df.height < 2:
            return
        nxt = [pl.col(c).shift(-1).over("traj_id") for c in ("lat", "lon", "t")]
        one_s = (nxt[2] - pl.col("t")) == 1
        got = df.sort("traj_id", "t").select(
            pl.col(PATH_M).filter(one_s).sum().alias("p"),
            haversine_m(pl.col("lat"), pl.col("lon"), nxt[0], nxt[1])
            .filter(one_s)
            .sum()
            .alias("c"),
        )
        self.path += float(got["p"][0] or 0.0)
        self.chord += float(got["c"][0] or 0.0)

    def record(self) -> dict | None:
        """{path_over_chords, noisy} (None: no full-rate columns or no 1-s step)."""
        if self.chord <= 0:
            return None
        ratio = self.path / self.chord
        return {"path_over_chords": round(ratio, 4), "noisy": ratio > NOISY_RATIO}

    def line(self) -> str | None:
        """One warning when the sub-second path is noise (None otherwise)."""
        rec = self.record()
        if rec is None or not rec["noisy"]:
            return None
        return (f"--full-rate: the source's own path is {rec['path_over_chords']:.2f}x the 1-s "
                f"chords (a smooth track runs 2-3 % longer): its sub-second fixes carry noise, "
                "which would add up as distance and speed; the store keeps path_m / peak_mps / "
                "sprints, and `ask` reads 1-s steps instead (said under its answers)")  # fmt: skip
