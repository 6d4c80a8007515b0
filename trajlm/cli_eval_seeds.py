"""Seeds of one recipe as one row of `trajlm eval`'s table (split from cli_eval.py, session 35,
evalapi35).

Several `--model` runs (e.g. the same config trained with 3 seeds) are scored side by side and
summarised in one extra row, "trajlm (mean ± std over N runs)", for runs whose configs match
apart from the seed (``recipe_key``); different models (a fine-tune and its base) keep one row
each. Candidate selectors and route-recovery models of several runs get their mean row too.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from trajlm.cli_eval_models import ROUTE_PREFIX, SELECTOR_PREFIX
from trajlm.eval.report import EvalResult, aggregate_runs

# train_config.json fields that do not change what is learned (beside the seed itself)
_NOT_RECIPE = ("seed", "device", "cpu_threads", "num_workers", "progress", "log_every",
               "save_every", "compile")  # fmt: skip
# the trained-on data's fingerprint in config.json's coverage (counts, time span, box)
_DATA_KEYS = ("n_points", "n_trajectories", "time_span_unix", "bbox")


def recipe_key(path: Path) -> str | None:
    """What a run was trained with, less the seed: its config.json (less the store statistics
    and coverage), train_config.json (less ``_NOT_RECIPE``) and the data it was trained on
    (coverage's ``_DATA_KEYS``); None when either file is missing
    (a named checkpoint): such a model is never averaged with another. A fine-tune's OUT is
    read through OUT/train, so `finetune --seed 0/1/2` runs average like training seeds.
    RUN/best is read with RUN's train_config.json."""
    import json

    path = Path(path)
    model_dir = path
    if (path / "finetune_summary.json").exists() and (path / "train").is_dir():
        path = path / "train"  # a `trajlm finetune --seed N` OUT: its training run (session 14)
        # a LoRA / selective OUT/train keeps only the trainable tensors: the model's config is
        # OUT/merged's (newuser38: 3 LoRA seeds got no mean row)
        model_dir = path if (path / "config.json").exists() else model_dir / "merged"
    run = path.parent if path.name == "best" and not (path / "train_config.json").exists() else path
    try:
        mc = json.loads((model_dir / "config.json").read_text())
        tc = json.loads((run / "train_config.json").read_text())
    except (OSError, ValueError):
        return None
    cov = mc.get("coverage") if isinstance(mc.get("coverage"), dict) else {}
    # what it was trained on, without the path (a frame's seeds each get a temporary store):
    # two `make pretrain` runs of one recipe on two corpora were averaged as seeds (newuser39)
    data = {k: cov.get(k) for k in _DATA_KEYS}
    mc = {k: v for k, v in mc.items() if k not in ("stats", "coverage")}
    tc = {k: v for k, v in tc.items() if k not in _NOT_RECIPE}
    return json.dumps([mc, tc, data], sort_keys=True)


def seed_groups(paths: list[Path], names: list[str]) -> list[list[str]]:
    """`names` (one per path) grouped by ``recipe_key``; only groups of 2+ (seeds of one
    recipe) are returned."""
    groups: dict[str, list[str]] = {}
    for path, name in zip(paths, names, strict=True):
        key = recipe_key(path)
        if key is not None:
            groups.setdefault(key, []).append(name)
    return [g for g in groups.values() if len(g) > 1]


def add_seed_rows(
    result: EvalResult, models: list[Path], predictors: list, console: Console
) -> None:
    """Seeds of one kind -> one "mean ± std" row each (in place): transformer runs of one
    recipe (``recipe_key``), candidate selectors, route-recovery models."""
    for prefix, label in (
        ("trajlm:", "trajlm"),
        (SELECTOR_PREFIX, "candidate selector"),
        (ROUTE_PREFIX, "route recovery"),
    ):
        names = [p.name for p in predictors if p.name.startswith(prefix)]
        if len(names) < 2:
            continue
        if prefix != "trajlm:":
            aggregate_runs(result, names, f"{label} (mean ± std over {len(names)} runs)")
            continue
        paths = [m for m, p in zip(models, predictors, strict=True) if p.name.startswith(prefix)]
        groups = seed_groups(paths, names)
        for group in groups:  # seeds of one recipe; other models keep their own row
            tag = f"{label} {group[0].removeprefix(prefix)}…" if len(groups) > 1 else label
            aggregate_runs(result, group, f"{tag} (mean ± std over {len(group)} runs)")
        if sum(map(len, groups)) < len(names):
            console.print(
                "note: --model runs whose configs or training data differ apart from the seed (or "
                "that have no train_config.json) are reported one row each, not averaged",
                markup=False, highlight=False,
            )  # fmt: skip


def later_row_heads(
    scored: list, answers: list, answer_names: str | list[str] | None
) -> tuple[str, ...]:
    """The names rows made after scoring start with (``add_seed_rows``' "trajlm (mean ± std
    ...)", cli_eval_answers' "NAME (mean ± std over N files)"): --compare may name them before
    the table exists (fix39's early check leaves them to the table's)."""
    heads = [label for prefix, label in (("trajlm:", "trajlm"), (SELECTOR_PREFIX, "candidate selector"),
                                         (ROUTE_PREFIX, "route recovery"))
             if sum(m.name.startswith(prefix) for m in scored) > 1]  # fmt: skip
    if len(answers) > 1:
        given = [answer_names] if isinstance(answer_names, str) else list(answer_names or [])
        heads += given or ["answers"]
    return tuple(heads)
