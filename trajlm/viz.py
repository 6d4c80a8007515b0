"""Pictures: a map of trajectories, and history / truth / prediction with uncertainty.

Both take any frame the API takes (Polars, pandas, GeoPandas, MovingPandas, in the caller's
column names and CRS, with the same ``traj_col=``, ``time_col=``, ``lat_col=``, ``lon_col=``,
``crs=`` options), so ``model.predict``'s output plots as it comes back; a canonical Polars
table (traj_id, t, lat, lon) as before. ``out=None`` returns the matplotlib ``Figure`` (shown
inline by Jupyter) instead of writing a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import polars as pl
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from trajlm.data.features import LocalProjection

# Figures are built with the object API (Figure, not pyplot) and only ever written to files:
# no backend is chosen and no global pyplot state is touched, so importing this module in a
# notebook leaves its inline plotting alone.


def _table(df: Any, columns: dict) -> pl.DataFrame:
    """A canonical table as is; any other frame through ``to_canonical`` (positions may be
    missing: NaN predictions plot as gaps), a vehicle's fixes cut into trips as TrajLM cuts
    them (pieces named ``VAN-01_1``). A frame with a ``piece`` column (a result of
    ``predict`` / ``recover`` / the baselines on such a vehicle) is read by (id, piece), as
    given: its trajectories meet the history's pieces by name (session 22, pieces22)."""
    canonical = isinstance(df, pl.DataFrame) and {"traj_id", "t", "lat", "lon"} <= set(df.columns)
    if canonical and not columns:
        return df
    from trajlm._arguments import with_gap_rule
    from trajlm.data.coerce import to_canonical
    from trajlm.data.coerce_pieces import PIECE
    from trajlm.errors import TrajlmInputError

    if isinstance(df, pl.LazyFrame):
        df = df.collect()
    if PIECE not in list(getattr(df, "columns", ())) or {"split_gaps", "traj_col"} & set(columns):
        return to_canonical(df, validate=False, **with_gap_rule(columns))
    try:  # the caller's id beside `piece`: the piece's name, as the cut names it
        table = to_canonical(df, validate=False, **{**columns, "split_gaps": False})
    except TrajlmInputError:  # `piece` is the only id (a frame of one mover's fixes)
        return to_canonical(df, validate=False, **{**columns, "traj_col": PIECE})
    name = pl.concat_str(pl.col("traj_id"), pl.lit("_"), pl.col(PIECE).cast(pl.Utf8))
    by_piece = table.sort("traj_id", PIECE, "t", maintain_order=True)  # _2 before _10 (tidy23)
    return by_piece.with_columns(name.alias("traj_id"))


def _save(fig: Figure, out: str | Path | None, **kwargs: Any) -> Path | Figure:
    if out is None:
        return fig
    out = Path(out)
    fig.savefig(out, **kwargs)
    return out


def plot_trajectories(
    df: Any,
    out: str | Path | None = None,
    n: int = 100,
    seed: int = 0,
    local_plane: bool = False,
    **columns: Any,
) -> Path | Figure:
    """Plot a random sample of `n` trajectories (lon/lat with an equal-metre aspect); a
    ``label`` column colours them. ``columns``: traj_col=, time_col=, lat_col=, lon_col=,
    crs= as ``TrajLM.predict`` takes them; ``crs="local"`` (or ``local_plane=True`` for a
    canonical table of a `--crs local` store) draws x / y metres, never the plane's bookkeeping
    lat / lon (newuser36). Returns the file written, or the Figure when ``out`` is None."""
    from trajlm.data.geo import from_wgs84, is_local

    local_plane = local_plane or is_local(columns.get("crs"))
    df = _table(df, columns)
    if local_plane:  # lat / lon columns hold y / x metres from here on
        x, y = from_wgs84(df["lat"].to_numpy(), df["lon"].to_numpy(), "local")
        df = df.with_columns(lat=pl.Series(y), lon=pl.Series(x))
    ids = df["traj_id"].unique(maintain_order=True)
    if len(ids) > n:
        ids = ids.sample(n, seed=seed)
    sub = df.filter(pl.col("traj_id").is_in(ids.implode()))
    fig = Figure(figsize=(8, 8))
    ax = fig.subplots()
    color_by = "label" if "label" in sub.columns else None
    cmap = matplotlib.colormaps["tab10"]
    labels = sorted(x for x in sub[color_by].unique().to_list() if x) if color_by else []
    for _, g in sub.group_by(["traj_id"], maintain_order=True):
        lab = g[color_by][0] if color_by else None
        c = cmap(labels.index(lab) % 10) if lab in labels else "tab:blue"
        ax.plot(g["lon"], g["lat"], "-", lw=0.8, alpha=0.7, color=c)
    for i, lab in enumerate(labels):
        ax.plot([], [], color=cmap(i % 10), label=lab)
    if labels:
        ax.legend(loc="best", fontsize=8)
    ax.set_aspect(1.0 if local_plane else 1.0 / np.cos(np.radians(float(sub["lat"].mean()))))
    # whole degrees on the ticks: a city 0.05 degrees wide west of -118 read "-0.09" with
    # "-1.184e2" in the corner (newuser35)
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.set_xlabel("x (m)" if local_plane else "longitude")
    ax.set_ylabel("y (m)" if local_plane else "latitude")
    ax.set_title(f"{len(ids)} trajectories")
    return _save(fig, out, dpi=120, bbox_inches="tight")


def plot_predictions(
    history: Any,
    pred: Any,
    out: str | Path | None = None,
    truth: Any = None,
    max_panels: int = 6,
    **columns: Any,
) -> Path | Figure:
    """One panel per trajectory: history (grey), truth (green), prediction (red) with
    1-sigma uncertainty circles, in local metres around the last history point.

    ``history``, ``pred`` (``TrajLM.predict``'s output or a baseline's) and ``truth`` may be any
    frame the API takes, all with the same ``columns`` options (traj_col=, time_col=,
    lat_col=, lon_col=, crs=). Returns the file written, or the Figure when ``out`` is None."""
    history, pred = _table(history, columns), _table(pred, columns)
    truth = None if truth is None else _table(truth, columns)
    if "std_m" not in pred.columns:
        pred = pred.with_columns(pl.lit(float("nan")).alias("std_m"))
    if "step" not in pred.columns:
        pred = pred.with_columns(pl.col("t").rank("ordinal").over("traj_id").alias("step"))
    ids = pred["traj_id"].unique(maintain_order=True).to_list()[:max_panels]
    cols = min(3, len(ids))
    rows = int(np.ceil(len(ids) / cols))
    fig = Figure(figsize=(4.5 * cols, 4.5 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, tid in zip(axes.flat, ids, strict=False):
        h = history.filter(pl.col("traj_id") == tid).sort("t")
        p = pred.filter(pl.col("traj_id") == tid).sort("step")
        proj = LocalProjection(float(h["lat"][-1]), float(h["lon"][-1]))
        hx, hy = proj.forward(h["lat"].to_numpy(), h["lon"].to_numpy())
        px, py = proj.forward(p["lat"].to_numpy(), p["lon"].to_numpy())
        ax.plot(hx, hy, ".-", color="0.5", label="history")
        if truth is not None:
            tr = truth.filter(pl.col("traj_id") == tid).sort("t")
            tx, ty = proj.forward(tr["lat"].to_numpy(), tr["lon"].to_numpy())
            ax.plot(
                np.r_[hx[-1], tx], np.r_[hy[-1], ty], "o-", color="tab:green", ms=3, label="truth"
            )
        ax.plot(
            np.r_[hx[-1], px], np.r_[hy[-1], py], "s-", color="tab:red", ms=3, label="prediction"
        )
        for x, y, s in zip(px, py, p["std_m"].to_numpy(), strict=True):
            if not np.isfinite(s * x * y):  # baselines carry no sigma; NaN at-times rows
                continue
            ax.add_patch(Ellipse((x, y), 2 * s, 2 * s, color="tab:red", alpha=0.12))
        ax.set_aspect("equal")
        ax.set_title(str(tid), fontsize=9)
        ax.set_xlabel("east (m)")
        ax.set_ylabel("north (m)")
    for ax in list(axes.flat)[len(ids) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.tight_layout()
    return _save(fig, out, dpi=110)
