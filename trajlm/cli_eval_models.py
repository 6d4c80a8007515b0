"""`trajlm eval --model`: each path as the harness scores it (out of cli_eval.py, session 19):
a transformer run (or a named checkpoint) through the task adapter, a fitted classifier or an
embedding run for classify / similarity, a saved candidate selector or route-recovery model
scored as it is, never refit; and the warning when a selector's library is not this store's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

SELECTOR_PREFIX = "candidate selector:"
ROUTE_PREFIX = "route recovery:"


class _FittedClassifier:
    """A classifier saved by ``trajlm finetune --task classify``: scored as is, never refit."""

    def __init__(self, path: Path) -> None:
        from trajlm.tasks.classify import ModelClassifier

        self.clf, self.name = ModelClassifier.load(path), f"trajlm:{path.name}"
        if self.clf.gb_engine_ is not None:  # the folder answers with GB (classify23): said
            from trajlm import _cli_io as io

            io.warn(f"--model {path}: answers with {self.clf.engine_name} (trajlm finetune kept "
                    "it: the model was not reliably above it on val); its row "
                    f"{self.name!r} is that engine's")  # fmt: skip
        from trajlm.tasks.classify_labels import not_learned_line

        if line := not_learned_line(self.clf.not_learned_, list(self.clf.classes_)):
            from trajlm import _cli_io as io  # fix40c: scored on a class it cannot answer

            io.warn(f"--model {path}: {line}")
        self.seed = self.clf.seed  # the one it was fitted with (eval JSON "seeds")

    def classify(self, segments):
        return self.clf.classify(segments)


def _downstream_model(task: str, path: Path):
    """--model for classify (a fitted classifier directory) or similarity (a model run; its
    ``embedding.json`` from ``trajlm finetune --task similarity`` sets the query thinning)."""
    from trajlm import _cli_io as io
    from trajlm._safety import UserError, reading
    from trajlm.model.weights import CONFIG_NAME, SHIPPED_DIR

    if path.exists() or not (SHIPPED_DIR / str(path) / CONFIG_NAME).is_file():
        io.must_exist(path, "--model")  # else a named checkpoint ("trajlm-small"): embeds
    if task == "classify":
        if not (path / "classifier.json").exists():
            raise UserError(
                f"--model {path}: not a classifier (make one with trajlm finetune --task classify)"
            )
        with reading(path / "classifier.json", "fine-tune the classifier again", (RuntimeError,)):
            return _FittedClassifier(path)
    from trajlm.tasks.embed import ModelEmbedder

    model = io.load_model(path)
    return ModelEmbedder(model, name=f"trajlm:{path.name}", n_points=io.embedding_spec(path))


def _selector(task: str, path: Path, name: str):
    """--model DIR holding a saved candidate selector: scored as is, never refit."""
    from trajlm._safety import UserError
    from trajlm.eval.selector_predictor import CandidateSelectorPredictor

    if task != "predict":
        raise UserError(f"--model {path}: a candidate selector serves --task predict, not {task!r}")
    from trajlm import _cli_io as io
    from trajlm.eval.selector_verdict import verdict_line

    sel = CandidateSelectorPredictor.load(path)
    sel.name = f"{SELECTOR_PREFIX}{name}"
    if sel.verdict_:  # who answers (session 22); a folder from before: load's warning line
        from trajlm.errors import EvalNoteWarning  # TrajLM.evaluate: a warning, not a print

        io.tell(f"{sel.name} (val check): {verdict_line(sel.verdict_)}", EvalNoteWarning)
    return sel


def _route_recovery(task: str, path: Path, name: str):
    """--model DIR holding a saved route-recovery model: scored as is, never refit."""
    from trajlm._safety import UserError
    from trajlm.eval.route_recovery_predictor import RouteRecoveryPredictor

    if task != "recover":
        raise UserError(
            f"--model {path}: a route-recovery model serves --task recover, not {task!r}"
        )
    rec = RouteRecoveryPredictor.load(path)
    rec.name = f"{ROUTE_PREFIX}{name}"
    return rec


def warn_selector_library(predictors, df, console: Console) -> None:
    """A selector retrieves from the train trips it was fitted on: name one whose trips are
    not this evaluation's train split (then scored trips may sit in its library)."""
    import polars as pl

    from trajlm.eval.selector_predictor import trips_fingerprint

    sels = [p for p in predictors if p.name.startswith((SELECTOR_PREFIX, ROUTE_PREFIX))]
    if not sels:
        return
    here = trips_fingerprint(df.filter(pl.col("split") == "train"))
    for p in sels:
        if p.settings_.get("train_trips_sha1") not in (None, here):
            console.print(
                f"warning: {p.name} was fitted on other train trips than this store's train "
                "split: its library may hold scored trips, or none from here (fit it here)",
                markup=False,
            )


def _saved_verdict(path: Path) -> dict | None:
    """The val verdict saved with the weights --model PATH loads (session 22), or None."""
    from trajlm.eval.val_verdict import read_verdict
    from trajlm.model.weights import resolve_weights

    return read_verdict(resolve_weights(path, log=False))


def build_predictors(task: str, models: list[Path] | None, context: str | None, graph,
                     fallback: bool = True) -> list:  # fmt: skip
    """The predictors of `models` (--model paths) for `task`; every path is checked (a task it
    does not serve, a road model without --network, a checkpoint without infilling heads) in
    one line naming it. ``graph``: the road network of --network, or None. ``fallback``: a
    bridge recovers with its run's saved val verdict (session 22; --no-fallback: without)."""
    from trajlm import _cli_io as io
    from trajlm._safety import UserError

    predictors: list = []
    if models and task in ("classify", "similarity"):
        predictors = [_downstream_model(task, path) for path in models]
    elif models:
        from trajlm.eval.eval_models import run_folder_name
        from trajlm.eval.saved_kind import is_route_recovery_dir, is_selector_dir  # no sklearn
        from trajlm.tasks.adapter import needs_network, task_model

        # RUN/best is named RUN (newuser34: TrajLM.evaluate of two runs gave two "trajlm:best")
        names = [run_folder_name(p) for p in models]
        if len(set(names)) < len(names):
            names = [str(p) for p in models]
        for path, name in zip(models, names, strict=True):
            if is_selector_dir(path):  # a saved candidate selector (trajlm train-selector)
                predictors.append(_selector(task, path, name))
                continue
            if is_route_recovery_dir(path):  # a saved route-recovery model (train-recovery)
                predictors.append(_route_recovery(task, path, name))
                continue
            model = io.load_model(path)
            if context is not None:  # e.g. "motion": the same weights without the clock
                model.config.context = model.embed.context = context
            if task == "recover" and graph is None and needs_network(model):
                raise UserError(f"--model {path}: a road-domain model; give --network")
            # a model with infilling heads also serves recover and tte (trajlm/tasks/adapter.py);
            # one without recovers through the bridge of its forward rollouts, as TrajLM.recover
            bridge = task == "recover" and getattr(model, "infill_head", None) is None
            tag = f"trajlm:{name} (bridge)" if bridge else f"trajlm:{name}"
            verdict = (_saved_verdict(path) or {}).get("recover") if bridge and fallback else None
            predictors.append(task_model(model, name=tag, road=graph, bridge=bridge,
                                         verdict=verdict))  # fmt: skip
            need = {"recover": ("recover", "recover gaps"),
                    "tte": ("travel_time", "estimate travel times")}.get(task)  # fmt: skip
            if need and not hasattr(predictors[-1], need[0]):  # the harness would drop it silently
                raise UserError(
                    f"--model {path}: this checkpoint has no infilling heads, so it cannot "
                    f"{need[1]}; give a multi-task run (trajlm train --config "
                    "configs/multitask.toml), or leave --model out to score the baselines"
                )
    return predictors


def val_checked_rows(predictors: list, df, tz: str | None = None) -> list:
    """--task tte: beside each model, "MODEL (val-checked: ENGINE)": the engine of lowest MAE
    on this store's val split (the model, or a baseline fitted on train) answers test
    (eval/travel_time_fallback.py; --no-fallback leaves these rows out)."""
    import polars as pl

    from trajlm.eval.travel_time_fallback import ValCheckedTTE

    train = df.filter(pl.col("split") == "train").drop("split")
    val = df.filter(pl.col("split") == "val").drop("split")
    out = []
    for p in predictors:
        if not hasattr(p, "travel_time") or not len(val):
            continue
        chk = ValCheckedTTE(p, tz=tz).fit(train, val)  # the store's clock (newuser28)
        chk.name = f"{p.name} (val-checked: {chk.chosen_})"
        out.append(chk)
    return out


def val_checked_predict_rows(predictors: list, models: list[Path] | None,
                             scored: Any = None, at_times: bool = False,
                             lm_class: type | None = None) -> list:  # fmt: skip
    """--task predict: beside each run `trajlm train` saved a prediction verdict with, "MODEL
    (val-checked: ENGINE)": the verdict's engine (the model, or kNN continuation from its saved
    train windows, or linear-3) answers test, as TrajLM.predict does (session 24, pverdict24;
    --no-fallback leaves these rows out). ``scored``: the table the k-step rows are scored on,
    one window per trajectory (a dead-reckoning verdict reads its speed / course; None: its
    fallback engine answers, named in the row). ``at_times`` (--at-report-times, --horizon-s):
    each row answers asked times through ``TrajLM.predict(seconds_ahead=...)`` with the run's
    verdict, the API's own path (irreg28: a model / kNN / linear-3 verdict's row answered in
    steps under --at-report-times, and --horizon-s stopped on it); ``lm_class``:
    trajlm.api.TrajLM, needed with ``at_times``."""
    from trajlm.eval.predict_verdict import DR, KNN_FAMILY, ValCheckedPredictor, load_index
    from trajlm.eval.saved_kind import is_route_recovery_dir, is_selector_dir  # no sklearn
    from trajlm.model.weights import resolve_weights

    out = []
    for p, path in zip(predictors, models or [], strict=False):
        if is_selector_dir(path) or is_route_recovery_dir(path) or not hasattr(p, "predict_next"):
            continue
        v = (_saved_verdict(path) or {}).get("predict")
        if v is None:
            continue
        index, proj = None, None
        if v["engine"] == DR:  # reads the test table's speed / course (eval/dr_verdict.py)
            from trajlm.eval.dr_verdict import DRValChecked

            row = DRValChecked(p, v, scored)
        else:
            if v["engine"] in KNN_FAMILY:
                index, proj = load_index(resolve_weights(path, log=False), v)
            row = ValCheckedPredictor(p, v, index, proj)
        if at_times:  # asked at times: the API's answer with this verdict, named as the row
            from trajlm.api_horizon import AtTimes

            row = AtTimes(p, row.name, path=resolve_weights(path, log=False),
                          lm_class=lm_class)  # fmt: skip
        row.saved_verdict = v  # knn_settings_notes reads its kNN's settings
        out.append(row)
    return out


def knn_settings_notes(rows: list, result: Any) -> list[str]:
    """A line per val-checked row whose kNN (the run's saved index) was fitted at other
    settings than the table's row of the same engine (tuned on this store's val by the
    harness): the two differ by their settings, not by the engine (api29; heldout28 read
    1.72 vs 1.27 m for "kNN continuation" on a harvester's store)."""
    from trajlm.eval.predict_verdict import KNN, KNN_FAMILY, SCALED

    params = {r["method"]: r.get("params") or {} for r in result.rows}
    lines = []
    for row in rows:
        v = getattr(row, "saved_verdict", None) or {}
        knn, engine = v.get("knn"), v.get("engine")
        if engine not in KNN_FAMILY or not isinstance(knn, dict):
            continue
        base = KNN if engine == SCALED else engine
        tuned = params.get(base) or {}
        mine = (knn.get("history"), knn.get("n_neighbors"))
        theirs = (tuned.get("history"), tuned.get("n_neighbors"))
        if None in theirs or mine == theirs:
            continue
        why = ("its defaults: the run's val had too few trips to check" if v.get("unchecked")
               else "its defaults: tuned ones were not reliably better on the run's few val trips"
               if "default settings" in str(v.get("small_val", "")) else "tuned on the run's val")  # fmt: skip
        lines.append(
            f"note: '{row.name}' answers as TrajLM.predict does, with the kNN the run saved at "
            f"train ({mine[1]} neighbours, {mine[0]}-point histories: {why}); the '{base}' "
            f"row is tuned on this store's val ({theirs[1]} neighbours, {theirs[0]}-point "
            "histories): one engine at two settings, so their errors differ"
        )
    return lines


def save_verdicts(task: str, models: list[Path], df, data: Path, console: Console) -> None:
    """--save-verdict: the val verdict of each --model for `task` (tte or recover), saved
    beside the weights TrajLM.from_pretrained loads (trajlm/eval/val_verdict.py)."""
    from trajlm import _cli_io as io
    from trajlm.data.store import store_zone
    from trajlm.eval.eval_splits import split_blocks, split_rows
    from trajlm.eval.val_verdict import (
        recover_verdict,
        save_verdict,
        tte_verdict,
        verdict_line,
    )
    from trajlm.model.weights import resolve_weights
    from trajlm.tasks.adapter import task_model

    blocks = split_blocks(df)  # read split by split: slices, not copies (scale36)
    parts = {s: split_rows(df, s, blocks) for s in ("train", "val")}
    for path in models:
        model = io.load_model(path)
        wdir = resolve_weights(path, log=False)
        if task == "tte":
            v, od = tte_verdict(task_model(model, name=path.name), parts["train"], parts["val"],
                                tz=store_zone(data))  # fmt: skip
            saved = save_verdict(wdir, {"travel_time": v}, od, str(data))
        else:
            v = recover_verdict(model, parts["val"], train=parts["train"])
            saved = save_verdict(wdir, {"recover": v}, None, str(data))
        line = verdict_line("travel_time" if task == "tte" else "recover", v)
        console.print(f"{line}: wrote {saved}", markup=False, highlight=False, soft_wrap=True)


def check_save_verdict(task: str, models: list[Path] | None, score_on: str,
                       holdout_by: str | None) -> None:  # fmt: skip
    """--save-verdict's inputs, before any work: one line naming what does not fit."""
    from trajlm._safety import UserError
    from trajlm.model.weights import CONFIG_NAME, SHIPPED_DIR

    if task not in ("tte", "recover"):
        raise UserError(f"--save-verdict: saves a verdict of --task tte or recover, not {task}")
    if not models:
        raise UserError("--save-verdict: give the --model run whose val verdict to save")
    if score_on != "test" or holdout_by:
        raise UserError("--save-verdict: the verdict is read on the store's own val split; "
                        "leave out --score-on val and --holdout-by")  # fmt: skip
    for path in models:
        if not path.exists() and (SHIPPED_DIR / str(path) / CONFIG_NAME).is_file():
            raise UserError(
                f"--save-verdict: {path} is a checkpoint of the package; a verdict belongs to "
                'your store: copy it first (python -c "import trajlm; trajlm.TrajLM.'
                f"from_pretrained('{path}').save_pretrained('my-{path}')\") and give --model my-{path}"
            )
