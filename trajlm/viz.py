"""Pictures: a map of trajectories, and history / truth / prediction with uncertainty."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import polars as pl
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from trajlm.data.features import LocalProjection

# Figures are built with the object API (Figure, not pyplot) and only ever written to files:
# no backend is chosen and no global pyplot state is touched, so importing this module in a
# notebook leaves its inline plotting alone.


def plot_trajectories(df: pl.DataFrame, out: str | Path, n: int = 100, seed: int = 0) -> Path:
    """Plot a random sample of `n` trajectories (lon/lat with an equal-metre aspect)."""
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
    ax.set_aspect(1.0 / np.cos(np.radians(float(sub["lat"].mean()))))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(f"{len(ids)} trajectories")
    out = Path(out)
    fig.savefig(out, dpi=120, bbox_inches="tight")
    return out


def plot_predictions(
    history: pl.DataFrame,
    pred: pl.DataFrame,
    out: str | Path,
    truth: pl.DataFrame | None = None,
    max_panels: int = 6,
) -> Path:
    """One panel per trajectory: history (grey), truth (green), prediction (red) with
    1-sigma uncertainty circles, in local metres around the last history point."""
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
            ax.add_patch(Ellipse((x, y), 2 * s, 2 * s, color="tab:red", alpha=0.12))
        ax.set_aspect("equal")
        ax.set_title(str(tid), fontsize=9)
        ax.set_xlabel("east (m)")
        ax.set_ylabel("north (m)")
    for ax in list(axes.flat)[len(ids) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.tight_layout()
    out = Path(out)
    fig.savefig(out, dpi=110)
    return out
