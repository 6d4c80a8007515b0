"""The tables of ``scripts/candidate_results.py`` (issue 15; docs/candidates.md): one row per
method with the paired-bootstrap CI against kNN and place-aware kNN, its markdown, and the
breakdowns by the query's speed and by whether its owner has train trips."""

from __future__ import annotations

import numpy as np

from trajlm.eval.compare import paired_bootstrap_ci


def row(
    name: str,
    per_seed_err: list[np.ndarray],
    base_err: np.ndarray | None,
    place_err: np.ndarray | None,
    **extra,
) -> dict:
    """per_seed_err: list of (N, k) haversine errors, one per seed."""
    per_traj = np.mean([e.mean(1) for e in per_seed_err], 0)
    mae = [e.mean() for e in per_seed_err]
    fde = [e[:, -1].mean() for e in per_seed_err]
    out = {"method": name, "mae_m": float(np.mean(mae)), "mae_m_std": float(np.std(mae)),
           "fde_m": float(np.mean(fde)), "n_seeds": len(per_seed_err), **extra}  # fmt: skip
    if base_err is not None:
        out["vs_knn"] = paired_bootstrap_ci(per_traj, base_err.mean(1))
    if place_err is not None:
        out["vs_place_knn"] = paired_bootstrap_ci(per_traj, place_err.mean(1))
    return out


def markdown(title: str, rows: list[dict]) -> str:
    def ci(r, key):
        c = r.get(key)
        return (
            ""
            if c is None
            else f"{c['diff']:+.1f} [{c['lo']:+.1f}, {c['hi']:+.1f}] ({100 * c['rel']:+.1f} %)"
        )

    lines = [f"_{title}_", "", "| method | MAE (m) | FDE (m) | Δ MAE vs kNN [95 % CI] | Δ MAE vs place-aware kNN [95 % CI] |",
             "|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        mae = f"{r['mae_m']:.1f}" + (f" ± {r['mae_m_std']:.1f}" if r["n_seeds"] > 1 else "")
        lines.append(
            f"| {r['method']} | {mae} | {r['fde_m']:.1f} | {ci(r, 'vs_knn')} | {ci(r, 'vs_place_knn')} |"
        )
    return "\n".join(lines) + "\n"


SPEED_BINS = (0.0, 30.0, 100.0, np.inf)  # metres per step: foot-ish, bike/bus, car/rail


def by_group(
    masks: dict, base_err: np.ndarray, sel_errs: list[np.ndarray], cv_err: np.ndarray
) -> list[dict]:
    """kNN, selector (seed mean) and constant velocity MAE per group of trips (label -> (N,)
    mask), with the paired CI of selector - kNN per group."""
    out = []
    sel = np.mean([e.mean(1) for e in sel_errs], 0)
    for label, m in masks.items():
        if m.sum() < 2:
            out.append({"group": label, "n": int(m.sum())})
            continue
        ci = paired_bootstrap_ci(sel[m], base_err[m].mean(1))
        out.append({"group": label, "n": int(m.sum()), "knn": float(base_err[m].mean()),
                    "selector": float(sel[m].mean()), "cv": float(cv_err[m].mean()),
                    "vs_knn": ci})  # fmt: skip
    return out


def speed_masks(speed: np.ndarray) -> dict:
    """The query's mean step length (``step_scale``) in SPEED_BINS: does a gain on one
    split's speed mix carry to another's?"""
    edges = zip(SPEED_BINS[:-1], SPEED_BINS[1:], strict=True)
    return {(f"{lo:.0f}-{hi:.0f}" if np.isfinite(hi) else f">= {lo:.0f}"): (speed >= lo) & (speed < hi)
            for lo, hi in edges}  # fmt: skip


def owner_masks(traj_ids: list[str], train_ids: list[str]) -> dict:
    """Trips whose owner (the "<user>/" prefix of GeoLife's traj_id) has train trips, and the
    rest; empty when the ids carry no owner. GeoLife's chronological split puts mostly new
    users in test, so the second group is the test-like part of val."""
    if not traj_ids or not all("/" in t for t in traj_ids):
        return {}
    known = {t.split("/")[0] for t in train_ids}
    m = np.array([t.split("/")[0] in known for t in traj_ids])
    return {"owner has train trips": m, "new owner": ~m}


def group_markdown(title: str, head: str, rows: list[dict]) -> str:
    lines = [f"_{title}_", "", f"| {head} | trips | constant velocity | kNN | selector | Δ vs kNN [95 % CI] |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for b in rows:
        if "knn" not in b:
            lines.append(f"| {b['group']} | {b['n']} | | | | |")
            continue
        c = b["vs_knn"]
        lines.append(f"| {b['group']} | {b['n']} | {b['cv']:.1f} | {b['knn']:.1f} | {b['selector']:.1f} | "
                     f"{c['diff']:+.1f} [{c['lo']:+.1f}, {c['hi']:+.1f}] ({100 * c['rel']:+.1f} %) |")  # fmt: skip
    return "\n".join(lines) + "\n"
