"""`trajlm eval`: the PROTOCOL.md harness on a store, optionally with trained models.

Several `--model` runs (e.g. the same config trained with 3 seeds) are evaluated side by side
and summarised in one extra row, "trajlm (mean ± std over N runs)".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rich.console import Console

from trajlm.eval.protocol import TASKS, run_eval
from trajlm.eval.report import EvalResult

ALL_TASKS = (*TASKS, "classify", "similarity")


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


class _FittedClassifier:
    """A classifier saved by ``trajlm finetune --task classify``: scored as is, never refit."""

    def __init__(self, path: Path) -> None:
        from trajlm.tasks.classify import ModelClassifier

        self.clf, self.name = ModelClassifier.load(path), f"trajlm:{path.name}"

    def classify(self, segments):
        return self.clf.classify(segments)


def _downstream_model(task: str, path: Path):
    """--model for classify (a fitted classifier directory) or similarity (a model run; its
    ``embedding.json`` from ``trajlm finetune --task similarity`` sets the query thinning)."""
    import json

    if task == "classify":
        if not (path / "classifier.json").exists():
            raise SystemExit(
                f"{path}: not a classifier (make one with trajlm finetune --task classify)"
            )
        return _FittedClassifier(path)
    from trajlm.model import TrajectoryModel
    from trajlm.tasks.embed import ModelEmbedder

    spec = path / "embedding.json"
    n_points = json.loads(spec.read_text()).get("n_points") if spec.exists() else None
    model = TrajectoryModel.from_pretrained(path).eval()
    return ModelEmbedder(model, name=f"trajlm:{path.name}", n_points=n_points)


def _resplit(df, by: str):
    """The store's table with its `split` column replaced by the hold-out rule `by`."""
    from trajlm.data.splits import holdout_index

    try:
        idx = holdout_index(df.drop("split"), by).select("traj_id", "split")
    except ValueError as e:
        raise SystemExit(f"--holdout-by {by}: {e}") from None
    return df.drop("split").join(idx, on="traj_id", how="left")


def _warn_coverage(predictors, df, split_by: str, console: Console) -> None:
    """Name every feature of the test split outside a model's training coverage, and a split
    rule that differs from the one the model was trained under (its test trips may be seen)."""
    import polars as pl

    from trajlm.model.coverage import coverage_warnings, load_coverage

    test = df.filter(pl.col("split") == "test")
    for p in predictors:
        model = getattr(p, "model", None)
        cov = load_coverage(model) if model is not None else None
        if not cov:
            continue
        if cov.get("split_by", "time") != split_by:
            console.print(
                f"[yellow]warning:[/yellow] {p.name} was trained on a {cov.get('split_by')!r} "
                f"split, this evaluation uses {split_by!r}: its test trips may have been in "
                f"training (train on `trajlm data resplit --by {split_by}`)"
            )
        for line in coverage_warnings(cov, test):
            console.print(f"[yellow]warning:[/yellow] {p.name}: outside training coverage: {line}")


def run_eval_command(
    task: str,
    data: Path,
    models: list[Path] | None,
    seeds: int,
    out: Path | None,
    console: Console,
    split_by: str = "time",
    shifts: list[str] | None = None,
    holdout_by: str | None = None,
    context: str | None = None,
) -> EvalResult:
    from trajlm.data.store import load_manifest, read_store

    if task not in ALL_TASKS:
        raise SystemExit(f"--task must be one of {ALL_TASKS}, got {task!r}")
    if context is not None and context not in ("full", "motion", "auto"):
        raise SystemExit(f"--context must be full, motion or auto, got {context!r}")
    if not (data / "manifest.json").exists():
        raise SystemExit(f"{data}: not a trajlm store (no manifest.json)")
    manifest = load_manifest(data)
    report = manifest.get("drop_report", {})
    console.print(
        f"store {data}: {manifest['n_trajectories']:,} trajectories, {manifest['n_points']:,} "
        f"points; dropped at ingest: {report.get('dropped', {})}"
    )
    predictors = []
    if models and task in ("classify", "similarity"):
        predictors = [_downstream_model(task, path) for path in models]
    elif models:
        from trajlm.model import TrajectoryModel
        from trajlm.tasks.adapter import task_model

        names = [p.name for p in models]
        if len(set(names)) < len(names):
            names = [str(p) for p in models]
        for path, name in zip(models, names, strict=True):
            model = TrajectoryModel.from_pretrained(path).eval()
            if context is not None:  # e.g. "motion": the same weights without the clock
                model.config.context = model.embed.context = context
            # a model with infilling heads also serves recover and tte (trajlm/tasks/adapter.py)
            predictors.append(task_model(model, name=f"trajlm:{name}"))
    df = read_store(data)
    if holdout_by:
        df = _resplit(df, holdout_by)
    if task not in ("classify", "similarity"):
        _warn_coverage(predictors, df, holdout_by or manifest.get("split_by", "time"), console)
    if task == "classify":
        from trajlm.eval.classify import run_classify_eval

        if "label" not in df.columns:
            raise SystemExit(f"{data}: no `label` column; classify needs e.g. a GeoLife store")
        result = run_classify_eval(df, models=tuple(predictors), seeds=tuple(range(seeds)),
                                   split_by=split_by, verbose=False)  # fmt: skip
        console.print(f"segments: {result.meta.get('segment_report')}")
    elif task == "similarity":
        from trajlm.eval.similarity import run_similarity_eval

        result = run_similarity_eval(df, models=tuple(predictors), verbose=False)
    else:
        try:
            result = run_eval(df, task, models=tuple(predictors), seeds=tuple(range(seeds)),
                              verbose=False, shifts=tuple(shifts or ()))  # fmt: skip
        except ValueError as e:
            if "--shift" not in str(e):
                raise
            raise SystemExit(str(e)) from None
    if len(predictors) > 1:
        names = [p.name for p in predictors]
        aggregate_runs(result, names, f"trajlm (mean ± std over {len(names)} runs)")
    result.meta["store"] = str(data)
    result.meta["split_by"] = holdout_by or manifest.get("split_by", "time")
    result.meta["models"] = [str(p) for p in models or []]
    console.print(result.to_markdown(), markup=False, highlight=False)
    if out is not None:
        out = Path(out)
        if out.suffix == ".json":
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(result.to_json() + "\n")
            out.with_suffix(".md").write_text(result.to_markdown() + "\n")
        else:
            result.save(out)
        console.print(f"wrote {out}")
    return result
