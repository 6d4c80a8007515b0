"""Summarise scripts/multitask_results.sh: OUTDIR/eval_<task>_{zeroshot,finetuned}.json ->
OUTDIR/multitask_results.md.

Per task and setting: every baseline, the multi-task checkpoint zero-shot, the task fine-tunes,
each as mean ± std over the training seeds (population std, as `trajlm eval`'s aggregate row),
and the ratio zero-shot / fine-tuned, paired by seed (lower is better for every metric, so the
issue-6 goal "within 15 % of task-specific fine-tuning" is a ratio <= 1.15).

Baselines do not depend on the training seed: their ± is the std over the recovery mask seeds
(random 50 % only); deterministic baselines have no ±.

Usage: python scripts/multitask_tables.py OUTDIR
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

TASKS = ("predict", "recover", "tte")
# metrics shown per task; the first is the headline of the goal check (tte: both)
METRICS = {
    "predict": [("mae_m", "ADE (m)", "{:.1f}"), ("fde_m", "FDE (m)", "{:.1f}")],
    "recover": [("mae_m", "MAE (m)", "{:.1f}"), ("rmse_m", "RMSE (m)", "{:.1f}")],
    "tte": [("mae_min", "MAE (min)", "{:.2f}"), ("mape_pct", "MAPE (%)", "{:.1f}")],
}
GOAL_METRICS = {"predict": ["mae_m", "fde_m"], "recover": ["mae_m"], "tte": ["mae_min", "mape_pct"]}
GOAL = 1.15


def seed_of(path: str) -> int | None:
    """Training seed of a run path like .../run-s1/best or .../ft-tte-s1/best."""
    m = re.search(r"-s(\d+)(/|$)", path)
    return int(m.group(1)) if m else None


def model_rows(doc: dict) -> dict[str, dict[int, dict]]:
    """{setting: {seed: metrics}} of the per-run model rows (the aggregate row is left out).

    Model rows follow the baselines in the order of ``doc["models"]``, per setting."""
    paths = doc.get("models", [])
    out: dict[str, dict[int, dict]] = {}
    settings = list(dict.fromkeys(r["setting"] for r in doc["results"]))
    for setting in settings:
        rows = [r for r in doc["results"] if r["setting"] == setting]
        runs = [r for r in rows if r["method"].startswith("trajlm:")]
        if len(runs) != len(paths):
            raise ValueError(f"{setting}: {len(runs)} model rows for {len(paths)} models")
        out[setting] = {}
        for i, (r, p) in enumerate(zip(runs, paths, strict=True)):
            s = seed_of(p)
            out[setting][i if s is None else s] = r["metrics"]
    return out


def baseline_rows(doc: dict) -> dict[str, list[dict]]:
    """{setting: [rows]} of the baselines (every method that is not a trained model)."""
    out: dict[str, list[dict]] = {}
    for r in doc["results"]:
        if not r["method"].startswith("trajlm"):
            out.setdefault(r["setting"], []).append(r)
    return out


def fmt(values, f: str) -> str:
    v = np.asarray([x for x in values if x is not None], dtype=float)
    if len(v) == 0:
        return "–"
    if len(v) == 1:
        return f.format(v[0])
    return f"{f.format(v.mean())} ± {f.format(v.std())}"


def task_section(task: str, zs: dict, ft: dict) -> tuple[list[str], list[list[str]]]:
    """Markdown lines of one task's table, and its goal-check rows."""
    metrics = METRICS[task]
    z_runs, f_runs, bases = model_rows(zs), model_rows(ft), baseline_rows(zs)
    sizes = zs.get("split_sizes", {}).get("test", {})
    lines = [
        f"## {task}",
        "",
        f"Test split: {sizes.get('n_trajectories', '?')} trajectories. Zero-shot seeds "
        f"{sorted(next(iter(z_runs.values()), {}))}, fine-tuned seeds "
        f"{sorted(next(iter(f_runs.values()), {}))}.",
        "",
    ]
    head = ["setting", "method", *[h for _, h, _ in metrics]]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    goal = []
    for setting in z_runs:
        for b in bases.get(setting, []):
            cells = []
            for k, _, f in metrics:
                v, sd = b["metrics"].get(k), (b.get("std") or {}).get(k)
                cell = "–" if v is None else f.format(v)
                cells.append(
                    cell + (f" ± {f.format(sd)}" if sd is not None and v is not None else "")
                )
            lines.append(f"| {setting} | {b['method']} | " + " | ".join(cells) + " |")
        z, f_ = z_runs[setting], f_runs.get(setting, {})
        paired = sorted(set(z) & set(f_))
        rows = [
            ("multi-task, zero-shot", [[z[s].get(k) for s in sorted(z)] for k, _, _ in metrics]),
            (f"fine-tuned on {task}", [[f_[s].get(k) for s in sorted(f_)] for k, _, _ in metrics]),
        ]
        ratios = []
        for k, _, _ in metrics:
            r = [z[s][k] / f_[s][k] for s in paired
                 if z[s].get(k) is not None and f_[s].get(k)]  # fmt: skip
            ratios.append(r)
        for name, vals in rows:
            cells = [fmt(v, f) for v, (_, _, f) in zip(vals, metrics, strict=True)]
            if name.startswith("multi"):  # the row the issue is about
                cells = [c if c == "–" else f"**{c}**" for c in cells]
            lines.append(f"| {setting} | {name} | " + " | ".join(cells) + " |")
        cells = [fmt(r, "{:.3f}") for r in ratios]
        lines.append(f"| {setting} | ratio zero-shot / fine-tuned | " + " | ".join(cells) + " |")
        for (k, h, _), r in zip(metrics, ratios, strict=True):
            if k in GOAL_METRICS[task] and r:
                m = float(np.mean(r))
                ok = "yes" if m <= GOAL else "no"
                goal.append([task, setting, h, fmt(r, "{:.3f}"), f"{max(r):.3f}", ok])
    return lines + [""], goal


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", type=Path, help="OUT/<data set> of scripts/multitask_results.sh")
    args = ap.parse_args(argv)
    d: Path = args.outdir
    body, goal, meta = [], [], {}
    for task in TASKS:
        paths = [d / f"eval_{task}_{kind}.json" for kind in ("zeroshot", "finetuned")]
        if not all(p.exists() for p in paths):
            print(f"skipping {task}: missing {[str(p) for p in paths if not p.exists()]}")
            continue
        zs, ft = (json.loads(p.read_text()) for p in paths)
        meta = meta or zs
        lines, g = task_section(task, zs, ft)
        body += lines
        goal += g
    if not body:
        raise SystemExit(f"{d}: no eval_<task>_zeroshot.json / _finetuned.json pairs")
    head = [
        f"# One checkpoint, many tasks: {d.name}",
        "",
        f"Store `{meta.get('store')}`, git `{meta.get('git_commit')}`. Generated by "
        "`scripts/multitask_tables.py` from `eval_<task>_{zeroshot,finetuned}.json`. "
        "Model rows: mean ± std over training seeds; baselines: ± over recovery mask seeds "
        "(random 50 % only). Every metric is lower-is-better; the goal is a zero-shot / "
        f"fine-tuned ratio <= {GOAL:.2f} (paired by seed).",
        "",
        "## Goal check",
        "",
        "| task | setting | metric | ratio zero-shot / fine-tuned | worst seed | <= 1.15 |",
        "|---|---|---|---|---|---|",
        *["| " + " | ".join(r) + " |" for r in goal],
        "",
    ]
    out = d / "multitask_results.md"
    out.write_text("\n".join(head + body))
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
