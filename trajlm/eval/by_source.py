"""Per-source rows of a prediction table on a corpus (newuser3 F22): the pooled MAE of a corpus
of several cities / fleets mixes them, so a model can beat constant velocity overall while
losing on one source. `trajlm eval --task predict` on a corpus of 2+ sources adds, beside the
pooled rows, one row per (setting, source, method): its MAE over that source's scored
trajectories, its ratio to constant velocity and to the strongest baseline *of that source*
(paired bootstrap 95 % CI, as eval/ratios.py), and n (one window per trajectory).

Nothing is scored again: the rows regroup each pooled row's per-trajectory errors
(``row["_per_traj"]``, in the order of ``row["_traj_ids"]``), so a source's rows average to the
pooled row when weighted by n. A corpus's trajectory ids are "<source>/<original id>"
(trajlm/data/corpus.py). The rows go to ``result.meta["by_source"]`` (JSON key ``by_source``;
``results`` is unchanged) and to a second Markdown table (``report.EvalResult.to_markdown``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.eval.ratios import CV, ratio_row


def source_of(traj_id: str) -> str:
    """The source of a corpus trajectory id ("porto/123" -> "porto")."""
    return str(traj_id).split("/", 1)[0]


def add_source_rows(result: Any) -> list[dict]:
    """Set ``result.meta["by_source"]`` from the rows that carry per-trajectory errors (in
    place) and return it; nothing when they span fewer than 2 sources."""
    baselines = set(result.meta.get("baselines", ()))
    out: list[dict] = []
    for setting in dict.fromkeys(r["setting"] for r in result.rows):
        rows = [r for r in result.rows if r["setting"] == setting and "_per_traj" in r]
        if not rows or "_traj_ids" not in rows[0]:
            continue
        src = np.array([source_of(t) for t in rows[0]["_traj_ids"]])
        names = list(dict.fromkeys(src.tolist()))
        if len(names) < 2:
            return []
        counts = np.asarray(rows[0].get("_traj_n", np.ones(len(src))), np.float64)
        for name in names:
            mask = src == name
            w = counts[mask]  # windows per trajectory (--windows; ones by default)
            mae = {r["method"]: float(np.average(r["_per_traj"][mask], weights=w)) for r in rows}
            base = {m: v for m, v in mae.items() if m in baselines}
            best = min(base, key=base.get) if base else None
            by = {r["method"]: r["_per_traj"][mask] for r in rows}
            n = int(mask.sum())
            for r in rows:
                k = r["n_points"] // max(int(counts.sum()), 1)  # points per window
                row = {"setting": setting, "source": name, "method": r["method"],
                       "mae_m": mae[r["method"]], "n_trajectories": n,
                       "n_points": int(w.sum()) * k}  # fmt: skip
                if CV in by:
                    row["ratio_to_cv"] = ratio_row(by[r["method"]], by[CV], CV, w)
                if best is not None:
                    row["ratio_to_best_baseline"] = ratio_row(by[r["method"]], by[best], best, w)
                out.append(row)
    if out:
        result.meta["by_source"] = out
    return out
