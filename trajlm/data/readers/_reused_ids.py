"""One id, two tracks at the same times (session 26, readers26): a plough fleet's export where a
unit number was given to two vehicles on overlapping shifts, written one shift after the other.
Sorted by time as one trajectory (heldout25: "read as one track, with no word"), the two
vehicles' fixes interleave into a zigzag of km-long jumps every few seconds.

In file order, an id's rows fall into runs whose times increase; a run that starts before the
previous one ended is a step back in time. When two such runs (each of at least MIN_RUN rows)
share at least half the shorter one's time span AND lie far apart over those times (median
distance over FAR_M between a row and the other run's row nearest in time), they are two movers: the later run is read as a
trajectory of its own, `<id>#2` (`#3`, ...), counted as repaired["id_reused_at_same_times"]
(rows moved) and said once per file. Only for ids with at most MAX_BREAKS steps back (more:
shuffled rows, sorted as before). Anything else keeps today's rule: rows sorted by time,
counted as `sorted_by_time` (a shift written before an earlier one, a buffered re-send of the
same fixes, a clock glitch of a few rows). Within one reader chunk (500,000 rows)."""

from __future__ import annotations

import warnings

import polars as pl

from trajlm.data.geometry import haversine_m

MIN_RUN = 5  # rows: fewer is a glitch, not a second mover's track
# steps back in time within one id: more is a shuffled file (sorted, as before), not shifts
# (newuser25's shuffled phone study: hundreds a participant; two shifts make one)
MAX_BREAKS = 3
FAR_M = 500.0  # median distance at the same times: farther is another mover


def split_reused_ids(pts: pl.DataFrame, ctx: object, where: str) -> pl.DataFrame:
    """`pts` (rows in file order: traj_id, t, lat, lon, ...) with the later of two far-apart
    runs at the same times under one id given an id of its own (see the module doc)."""
    if len(pts) < 2 * MIN_RUN or not {"traj_id", "t", "lat", "lon"} <= set(pts.columns):
        return pts
    if "_line" in pts.columns and pts["_line"].null_count() == 0:  # file order (joins: any)
        pts = pts.sort(["_file", "_line"], maintain_order=True)
    back = (pl.col("t") < pl.col("t").shift(1)).over("traj_id").fill_null(False)
    runs = pts.select(
        "traj_id", "t", "lat", "lon", _run=back.cast(pl.Int32).cum_sum().over("traj_id")
    )
    if int(runs["_run"].max() or 0) == 0:
        return pts
    few = runs.group_by("traj_id").agg(pl.col("_run").max()).filter(pl.col("_run") <= MAX_BREAKS)
    stats = (
        runs.filter(pl.col("traj_id").is_in(few["traj_id"].implode()))
        .group_by("traj_id", "_run", maintain_order=True)
        .agg(n=pl.len(), t0=pl.col("t").min(), t1=pl.col("t").max())
        .filter(pl.col("n") >= MIN_RUN)
    )
    moved: dict[tuple[str, int], str] = {}
    # badin26: a file with ids '12' (reused) and '12#2' put both movers under '12#2'
    taken = set(pts["traj_id"].cast(pl.Utf8).unique().to_list())
    for tid, group in stats.group_by("traj_id", maintain_order=True):
        if len(group) < 2:
            continue
        own: list[tuple[int, int, int]] = []  # runs kept as (one of) the id's tracks
        k = 1
        for run, _, t0, t1 in group.select("_run", "n", "t0", "t1").iter_rows():
            over = [r for r in own if _shared(t0, t1, r[1], r[2])]  # at the same times
            if over and all(_far(runs, tid[0], run, r) for r in over):
                k += 1
                while f"{tid[0]}#{k}" in taken:
                    k += 1
                moved[(tid[0], run)] = f"{tid[0]}#{k}"
                taken.add(moved[(tid[0], run)])
            own.append((run, t0, t1))
    if not moved:
        return pts
    keys = pl.DataFrame(
        {"traj_id": [k[0] for k in moved], "_run": [k[1] for k in moved],
         "_new": list(moved.values())},
        schema={"traj_id": pts.schema["traj_id"], "_run": pl.Int32, "_new": pl.Utf8},
    )  # fmt: skip
    out = (
        pts.with_columns(runs["_run"])
        .join(keys, on=["traj_id", "_run"], how="left", maintain_order="left")
        .with_columns(pl.coalesce("_new", "traj_id").alias("traj_id"))
    )
    n = int(out["_new"].is_not_null().sum())
    ctx.report.repair("id_reused_at_same_times", n)  # type: ignore[attr-defined]
    (tid, run), new = next(iter(moved.items()))
    warnings.warn(
        f"{where}: id {tid!r} holds two tracks at the same times, far apart (a second run of "
        f"its rows goes back in time): read as {tid!r} and {new!r} ({len(moved)} such run(s), "
        f"{n:,} rows; sorting them into one track would zigzag between the two)",
        stacklevel=2,
    )
    return out.drop("_run", "_new")


def _shared(a0: int, a1: int, b0: int, b1: int) -> bool:
    """Whether two runs share at least half the time span of the shorter (a clock glitch that
    steps back a second shares one second: posmo's trackintel file, a false split before)."""
    both = min(a1, b1) - max(a0, b0)
    return both > 0 and both >= 0.5 * min(a1 - a0, b1 - b0)


def _far(runs: pl.DataFrame, tid: str, a: int, b: tuple[int, int, int]) -> bool:
    """Whether run `a` lies over FAR_M (median) from run `b` (run, t0, t1) at the nearest
    times, over the times they share."""
    one = runs.filter((pl.col("traj_id") == tid) & (pl.col("_run") == a)).sort("t")
    two = runs.filter((pl.col("traj_id") == tid) & (pl.col("_run") == b[0])).sort("t")
    lo, hi = max(one["t"].min(), b[1]), min(one["t"].max(), b[2])  # type: ignore[type-var]
    one = one.filter(pl.col("t").is_between(lo, hi))
    if len(one) < MIN_RUN:
        return False
    near = one.join_asof(two.select("t", lat2="lat", lon2="lon"), on="t", strategy="nearest")
    d = near.select(haversine_m(pl.col("lat"), pl.col("lon"), pl.col("lat2"), pl.col("lon2")))
    med = d.to_series().median()
    return med is not None and float(med) > FAR_M  # type: ignore[arg-type]
