"""What `trajlm eval` says beside its table, and its ``--horizon-s`` models (out of
cli_eval.py, session 16): training-coverage warnings, the run's notes (skipped baselines, the
horizon windows scored / skipped) and the models answering at asked times (api_horizon.py)."""

from __future__ import annotations

from rich.console import Console

from trajlm.eval.leak import could_have_seen


def horizon_models(predictors: list, df, horizons: tuple[float, ...]) -> list:
    """The predictors as ``trajlm eval`` scores them: with ``--horizon-s`` (``horizons``) each
    model answers at times as ``TrajLM.predict(seconds_ahead=)`` does (api_horizon.py), also
    on positions only when the store has reported motion; without, as they are."""
    if not horizons:
        return predictors
    from trajlm.api_horizon import at_times_models
    from trajlm.eval.dead_reckoning import has_motion

    return at_times_models(predictors, has_motion(df))


def print_run_notes(result, console: Console) -> None:
    """The run's notes (e.g. no val trip to tune kNN on) and, with ``--horizon-s``, how many
    windows were scored and why others were skipped."""
    for note in result.meta.get("skipped", []):
        console.print(f"note: {note}", markup=False, highlight=False)
    if hw := result.meta.get("horizon_windows"):
        console.print(f"windows: {hw['n_windows']}; skipped: {hw['skipped']}", markup=False,
                      highlight=False, soft_wrap=True)  # fmt: skip


def warn_coverage(predictors, df, split_by: str, console: Console) -> None:
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
        trained_on = cov.get("split_by", "time")
        if trained_on == "per-source":  # a corpus keeps each source's own chronological split
            trained_on = "time"
        if trained_on != split_by and could_have_seen(cov, test):
            console.print(
                f"warning: {p.name} was trained on a {cov.get('split_by')!r} "
                f"split, this evaluation uses {split_by!r}: its test trips may have been in "
                f"training (train on `trajlm data resplit --by {split_by}`)",
                markup=False,
            )
        for line in coverage_warnings(model, test):  # the model: its gate is said too
            console.print(
                f"warning: {p.name}: outside training coverage: {line}",
                markup=False,
                soft_wrap=True,
            )
