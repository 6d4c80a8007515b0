"""Evaluation results: one Markdown table for people, one JSON document for machines."""

from __future__ import annotations

import json
import math
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from trajlm.eval.ratios import add_ratios, ratio_cell

# row key -> column header of the ratios to the baselines (eval/ratios.py; predict only)
RATIO_COLUMNS = {
    "ratio_to_cv": "MAE / const. velocity (95 % CI)",
    "ratio_to_best_baseline": "MAE / best baseline (95 % CI)",
}

# row key -> column header of the differences to the strongest baseline (classify: accuracy,
# similarity: top-1; ``add_differences``)
DIFF_COLUMNS = {"diff_to_best_baseline": "- best baseline, pp (95 % CI)"}

# metric key -> (column header, format)
METRIC_COLUMNS = {
    "mae_m": ("MAE (m)", "{:.1f}"),
    "rmse_m": ("RMSE (m)", "{:.1f}"),
    "fde_m": ("FDE (m)", "{:.1f}"),
    "mae_min": ("MAE (min)", "{:.2f}"),
    "rmse_min": ("RMSE (min)", "{:.2f}"),
    "mape_pct": ("MAPE (%)", "{:.1f}"),
    "mae_ratio": ("MAE / unshifted", "{:.3f}"),
}


def add_differences(result: EvalResult, key: str, baselines: set[str]) -> None:
    """Add ``diff_to_best_baseline`` ({diff, ci95, baseline, metric, n}, percentage points) to
    every row of `result` (in place) that keeps its per-item hits in ``row["_per_item"]`` (N,)
    (1 = correct / top-1 hit, 0 = miss; a mean over a row's seeds): the paired bootstrap 95 %
    interval (``compare.paired_bootstrap_ci``, over the scored items) of the row's metric `key`
    minus that of its setting's strongest baseline (the highest `key` among `baselines`)."""
    from trajlm.eval.compare import paired_bootstrap_ci

    for setting in dict.fromkeys(r["setting"] for r in result.rows):
        rows = [r for r in result.rows if r["setting"] == setting and "_per_item" in r]
        base = [r for r in rows if r["method"] in baselines]
        best = max(base, key=lambda r: r["metrics"][key], default=None)
        if best is None:
            continue
        for r in rows:
            got = paired_bootstrap_ci(100.0 * np.asarray(r["_per_item"], np.float64),
                                      100.0 * np.asarray(best["_per_item"], np.float64))  # fmt: skip
            r["diff_to_best_baseline"] = {"diff": got["diff"], "ci95": [got["lo"], got["hi"]],
                                          "baseline": best["method"], "metric": key,
                                          "n": got["n"]}  # fmt: skip


def diff_cell(row: dict, key: str) -> str:
    """``+3.2 (+1.0 to +5.4)``, or "" when the row has no such difference."""
    got = row.get(key)
    if not got:
        return ""
    lo, hi = got["ci95"]
    return f"{got['diff']:+.1f} ({lo:+.1f} to {hi:+.1f})"


def split_meta(parts: dict) -> dict:
    """Counts of trajectories and points overall and per split (for the JSON metadata); a
    split's trajectories counted from its runs (split_tables' parts are in (traj_id, t) order:
    no hash of every id, scale38), the same counts as ``n_unique``."""
    from trajlm.data.table_order import count_trajectories

    n_traj = {s: count_trajectories(p) for s, p in parts.items()}
    return {
        "n_trajectories": int(sum(n_traj.values())),
        "n_points": int(sum(len(p) for p in parts.values())),
        "split_sizes": {
            s: {"n_trajectories": n_traj[s], "n_points": len(p)} for s, p in parts.items()
        },
    }


def mean_std(row: dict, key: str, fmt: str = "{:.1f}") -> str:
    """``"mean ± std"`` of one metric of a result row (``std`` 0 where the row has none: one
    run, or a deterministic baseline)."""
    sd = (row.get("std") or {}).get(key) or 0.0
    return f"{fmt.format(row['metrics'][key])} ± {fmt.format(sd)}"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table of string cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def write_markdown_table(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write ``markdown_table(header, rows)`` to `path`, print it, and return `path`."""
    text = markdown_table(header, rows)
    Path(path).write_text(text + "\n")
    print(text)
    return Path(path)


def git_commit() -> str | None:
    """`git rev-parse HEAD` of the source tree, or None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() or None


@dataclass
class EvalResult:
    """Rows of (setting, method, metrics +- std, sizes, times) plus run metadata.

    Each row: ``setting`` (e.g. "k=5", "random 50%", "every 60 s"), ``method``, ``metrics``
    {key: value}, ``std`` {key: std over seeds, or None when the run is deterministic},
    ``n_trajectories``, ``n_points`` (evaluated points), ``fit_s``, ``predict_s``, ``params``.
    """

    task: str
    rows: list[dict] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def metric(self, method: str, key: str, setting: str | None = None) -> float:
        """Look up one value, e.g. ``result.metric("constant velocity", "mae_m")``."""
        for r in self.rows:
            if r["method"] == method and (setting is None or r["setting"] == setting):
                return r["metrics"][key]
        raise KeyError(f"no row for method={method!r} setting={setting!r}")

    def to_dict(self) -> dict:
        rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.rows]
        return {"task": self.task, **self.meta, "results": rows}  # "_per_traj": not for JSON

    def to_json(self) -> str:
        return json.dumps(json_safe(self.to_dict()), indent=2)

    def to_markdown(self) -> str:
        keys = [k for k in METRIC_COLUMNS if any(k in r["metrics"] for r in self.rows)]
        ratios = [k for k in RATIO_COLUMNS if any(k in r for r in self.rows)]
        diffs = [k for k in DIFF_COLUMNS if any(k in r for r in self.rows)]
        head = ["setting", "method", *[METRIC_COLUMNS[k][0] for k in keys]]
        head += [RATIO_COLUMNS[k] for k in ratios]
        head += [_diff_header(self.rows, k) for k in diffs] + ["n traj", "n points", "fit (s)"]
        head += ["predict (s)"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in self.rows:
            cells = [r["setting"], r["method"]]
            for k in keys:
                v, sd = r["metrics"].get(k), (r.get("std") or {}).get(k)
                cell = "" if v is None else METRIC_COLUMNS[k][1].format(v)
                if sd is not None and v is not None:
                    cell += " ± " + METRIC_COLUMNS[k][1].format(sd)
                cells.append(cell)
            cells += [ratio_cell(r, k) for k in ratios] + [diff_cell(r, k) for k in diffs]
            cells += [str(r["n_trajectories"]), str(r["n_points"])]
            cells += [f"{r['fit_s']:.2f}", f"{r['predict_s']:.3f}"]
            lines.append("| " + " | ".join(cells) + " |")
        sizes = self.meta.get("split_sizes", {})
        scored = self.meta.get("scored_split", "test")  # --score-on val swapped val and test
        name = {"val": "test", "test": "val"} if scored == "val" else {}
        foot = ", ".join(f"{name.get(s, s)}: {v['n_trajectories']} traj" for s, v in sizes.items())
        rule = self.meta.get("split_description")  # a hold-out named (cliuser18)
        scored += f" split, {rule}" if rule else " split"
        title = f"### {self.task} ({scored}; {foot})" if foot else f"### {self.task}"
        if self.meta.get("task_definition"):  # which points are scored (session 14)
            title += "\n\n" + self.meta["task_definition"]
        best = {r["setting"]: r["ratio_to_best_baseline"]["baseline"] for r in self.rows
                if "ratio_to_best_baseline" in r}  # fmt: skip
        if best:  # which baseline the last ratio column divides by
            lines.append("")
            each = {"recover": "MAE over its hidden points", "tte": "absolute error"}.get(
                self.task,
                "MAE at the asked horizon" if "horizon_windows" in self.meta else
                "k-step MAE over its windows, weighted by their count" if
                "prediction_windows" in self.meta else "k-step MAE",
            )  # fmt: skip
            lines.append(f"MAE ratios: mean over the scored trajectories of each one's {each}, "
                         "paired bootstrap 95 % CI over trajectories; strongest baseline = "
                         + "; ".join(f"{s}: {b}" for s, b in best.items()))  # fmt: skip
        diff_best = {r["setting"]: r["diff_to_best_baseline"]["baseline"] for r in self.rows
                     if "diff_to_best_baseline" in r}  # fmt: skip
        if diff_best:
            lines.append("")
            lines.append("Differences to the strongest baseline: paired bootstrap 95 % CI over "
                         "the scored items (segments / queries; seeds averaged per item); "
                         "strongest baseline = "
                         + "; ".join(f"{s}: {b}" for s, b in diff_best.items()))  # fmt: skip
        if self.meta.get("knn_settings"):  # which kNN settings and which rule (knn30)
            lines += ["", self.meta.get("knn_rule", "kNN settings chosen on val") + ":"]
            lines += [f"- {line}" for line in self.meta["knn_settings"]]
        if self.meta.get("verdict"):  # one sentence per model (eval/verdict.py, session 19)
            from trajlm.eval.verdict import verdict_lines

            lines += ["", *verdict_lines(self.meta["verdict"])]
        if self.meta.get("comparisons"):  # --compare's pairs (eval/row_pairs.py, outside35)
            from trajlm.eval.row_pairs import comparison_lines

            lines += comparison_lines(self.meta["comparisons"])
        return "\n".join([title, "", *lines, *_source_table(self.meta.get("by_source"))])

    def save(self, out: str | Path) -> tuple[Path, Path]:
        """Write ``<out>/eval_<task>.json`` and ``.md`` (``out`` is a directory)."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        js, md = out / f"eval_{self.task}.json", out / f"eval_{self.task}.md"
        js.write_text(self.to_json() + "\n")
        md.write_text(self.to_markdown() + "\n")
        return js, md


def _diff_header(rows: list[dict], key: str) -> str:
    """The difference column's header, naming its metric (accuracy / top-1)."""
    metric = next(r[key]["metric"] for r in rows if key in r)
    name = METRIC_COLUMNS.get(metric, (metric,))[0].replace(" (%)", "")
    return f"{name} {DIFF_COLUMNS[key]}"


def _source_table(rows: list[dict] | None) -> list[str]:
    """The per-source rows of a corpus (eval/by_source.py) as a second table, or nothing."""
    if not rows:
        return []
    head = ["setting", "source", "method", "MAE (m)", *RATIO_COLUMNS.values(), "n traj"]
    lines = ["", "By source (the same scored trajectories, grouped by their source; the ratios "
             "divide by that source's own baselines):", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]  # fmt: skip
    for r in rows:
        cells = [r["setting"], r["source"], r["method"], f"{r['mae_m']:.1f}"]
        cells += [ratio_cell(r, k) for k in RATIO_COLUMNS] + [str(r["n_trajectories"])]
        lines.append("| " + " | ".join(cells) + " |")
    best = {f"{r['setting']}, {r['source']}": r["ratio_to_best_baseline"]["baseline"]
            for r in rows if "ratio_to_best_baseline" in r}  # fmt: skip
    if best:
        lines += ["", "strongest baseline by source = " + "; ".join(
            f"{s}: {b}" for s, b in best.items())]  # fmt: skip
    return lines


def json_safe(o):
    """JSON-safe copy: NumPy scalars/arrays to Python, NaN/inf to null (strict JSON)."""
    if isinstance(o, dict):
        return {str(k): json_safe(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [json_safe(v) for v in o]
    if hasattr(o, "tolist"):
        return json_safe(o.tolist())
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, (int, float, str, bool)) or o is None:
        return o
    return str(o)


def aggregate_runs(result: EvalResult, names: list[str], label: str) -> None:
    """Append, per setting, a row with the mean and std of `names`' metrics (in place)."""
    settings = list(dict.fromkeys(r["setting"] for r in result.rows))
    for setting in settings:
        rows = [r for r in result.rows if r["setting"] == setting and r["method"] in names]
        if len(rows) < 2:
            continue
        keys = rows[0]["metrics"].keys()
        result.rows.append(
            {
                **rows[0],
                "method": label,
                "metrics": {k: float(np.mean([r["metrics"][k] for r in rows])) for k in keys},
                "std": {k: float(np.std([r["metrics"][k] for r in rows])) for k in keys},
                "predict_s": float(np.mean([r["predict_s"] for r in rows])),
                "params": {**rows[0].get("params", {}), "runs": names},
            }
        )
        for key in ("ratio_to_cv", "ratio_to_best_baseline", "_per_traj"):
            result.rows[-1].pop(key, None)  # rows[0]'s: the runs' mean is recomputed below
        if all("_per_traj" in r for r in rows):
            result.rows[-1]["_per_traj"] = np.mean([r["_per_traj"] for r in rows], 0)
    if any("_per_traj" in r for r in result.rows):
        add_ratios(result)  # the averaged rows get theirs
