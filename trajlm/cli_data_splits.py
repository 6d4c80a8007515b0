"""The lines `trajlm data ingest` says about the store it wrote when its val or test split
cannot check a model: empty (heldout27) or of trajectories too short to score (heldout28).
Split out of cli_data.py (session 28, tidy28: one idea a module); the names stay importable
from there.
"""

from __future__ import annotations


def empty_splits(manifest: dict) -> str | None:
    """The line said when an ingest wrote a store whose val or test split is empty (heldout27: a
    race car's MoTeC log of three outings read as one trajectory, 10-15 min pit stops under the
    30-min gap split): `trajlm train` then trains unchecked and `trajlm eval` has nothing."""
    splits = manifest.get("splits") or {}
    empty = [s for s in ("val", "test") if not (splits.get(s) or {}).get("n_trajectories")]
    if not manifest.get("n_trajectories"):
        return None
    if not empty:
        return short_splits(splits)
    gap = (manifest.get("clean_config") or {}).get("max_gap_s")
    cut = f"(now: silences over {gap:g} s)" if gap else "(now: not cut at silences)"
    return (
        f"warning: the {' and '.join(empty)} split{'s are' if len(empty) > 1 else ' is'} empty "
        f"({manifest['n_trajectories']:,} trajector{'y' if manifest['n_trajectories'] == 1 else 'ies'}): "
        "`trajlm train` cannot check the model on val nor `trajlm eval` score it on test. Cut long "
        f"recordings into trips: --max-gap-s S splits at silences over S seconds {cut}, "
        "--split-at-stops at stays, or --traj-col NAME names a column of trips / laps"
    )


def short_splits(splits: dict, window: int = 7) -> str | None:
    """The line said when the val or test split's trajectories hold fewer points on average than
    a 5-step prediction scores (7: 2 of history, 5 ahead). heldout28: a reindeer collar's failed
    fixes doubled its 30-min gaps, the 30-min gap split cut 26 collars into 144 pieces, and
    `trajlm eval` found no test trajectory of 7 points, with not a word at ingest."""
    short = []
    for name in ("val", "test"):
        n, pts = (
            (splits.get(name) or {}).get("n_trajectories"),
            (splits.get(name) or {}).get("n_points"),
        )
        if n and pts is not None and pts / n < window:
            short.append(f"{name} {pts / n:.1f} points a trajectory ({n:,} trajectories)")
    if not short:
        return None
    return (
        f"warning: {' and '.join(short)}: fewer than the {window} a 5-step prediction scores, "
        "so `trajlm train` checks little and `trajlm eval` may find nothing to score; if gaps "
        "cut the recordings (see gap_splits above), --max-gap-s S with S a few sampling "
        "intervals keeps them whole"
    )
