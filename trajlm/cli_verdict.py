"""The val check at the end of `trajlm train` and `trajlm finetune` (session 23, verdict23).

Session 22 saved a run's val verdict (trajlm/eval/val_verdict.py) only when its user ran
``trajlm eval --task tte|recover --save-verdict``; a user who trained and then called
``TrajLM.from_pretrained(RUN).travel_time(...)`` got the model even where gradient boosting was
better on val. Now training ends with that check, for the tasks the new weights answer:

- travel time, when the model has infilling heads (``TrajLM.travel_time`` needs them): the
  model against distance / mean speed, linear regression and gradient boosting (fitted on the
  train split), on at most ``TTE_VAL_TRIPS`` val trips (seeded);
- recovery, when recover's default path is the bridge of forward rollouts (a next-point model):
  the bridge against Akima / PCHIP / linear on up to 100 val trips x 300 fixes.

The verdict is saved beside the weights ``TrajLM.from_pretrained(RUN)`` loads (RUN/best), as
``trajlm eval --save-verdict`` saves it; each task's line says the engine, the val numbers and
the seconds the check took. A corpus (``make pretrain``) gets none: its run is a base for
other stores, and a verdict belongs to the store it answers. ``--no-val-check`` skips it (the run then answers as before, with
the API's one line naming the command that saves a verdict). A store without a val split, or
a task the store cannot judge, is said in one line and skipped: the training itself stands.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from trajlm.data.store_label import eval_command, named

TTE_VAL_TRIPS = 2_000  # the travel-time check's val trips (seeded sample above that)
NO_VAL_CHECK_HELP = (
    "End with the val check (seconds): the engine that answers travel time / recovery (the "
    "model, or the baseline better on val) saved with the weights; --no-val-check: the model "
    "answers unchecked (trajlm eval --save-verdict saves a verdict later)."
)
TRAIN_VAL_CHECK_HELP = (
    "End with the val checks (seconds): the kept model beside kNN continuation, the engine "
    "that answers travel time / recovery (the model, or the baseline better on val) saved with "
    "the weights, and the run's own radii fitted on val (radii.json; recover_radii.json where "
    "val has 20 or more trips); --no-val-check: none of these, the model answers unchecked "
    "(trajlm eval --save-verdict saves a verdict later)."
)


def say_plain(line: str) -> None:
    """One line on the console, as written (no markup, no wrapping); under the Python API
    (TrajLM.fit) a ``VerdictNoteWarning`` (api29: which engine answers is a note to filter)."""
    from trajlm._cli_io import tell
    from trajlm.errors import VerdictNoteWarning

    tell(line, VerdictNoteWarning)


def verdict_tasks(model: Any) -> tuple[str, ...]:
    """The tasks whose default API path reads a saved verdict for this model: travel time
    (infilling heads) or recovery by the bridge (no infilling heads)."""
    infill = getattr(model, "infill_head", None) is not None
    return ("travel_time",) if infill else ("recover",)


def _val_sample(val: Any, n: int, seed: int = 0) -> Any:
    import polars as pl

    ids = val["traj_id"].unique(maintain_order=True)
    if len(ids) <= n:
        return val
    return val.filter(pl.col("traj_id").is_in(ids.sample(n, seed=seed).implode()))


def val_check_run(run: Path, data: Path, say: Any, df: Any = None) -> dict:
    """`_val_check_run`; after a saved training a failure is one warning line, not a traceback
    (as the kNN check's, cli_train_check)."""
    from trajlm import _cli_io as io

    try:
        return _val_check_run(run, data, say, df)
    except Exception as e:  # the run is trained and saved: the check's failure is said
        options = f" --model {run} --task tte|recover --save-verdict"
        io.warn(
            f"the val check (verdict) was skipped: {e}; {eval_command(data, options)} makes one"
        )
        return {"val_check": f"skipped: {e}"}


def _val_check_run(run: Path, data: Path, say: Any, df: Any = None) -> dict:
    """Compute and save the val verdicts of the run's weights on the store ``data`` (its train
    and val splits; test is never read). ``say(line)`` prints each line. Returns
    {task: engine or the reason it was skipped, "val_check_s": seconds}."""
    import polars as pl

    from trajlm import _cli_io as io
    from trajlm.data.corpus import is_corpus
    from trajlm.data.store import store_zone
    from trajlm.errors import TrajlmInputError
    from trajlm.eval.eval_splits import split_blocks, split_rows
    from trajlm.eval.val_verdict import recover_verdict, save_verdict, tte_verdict, verdict_line
    from trajlm.model.weights import resolve_weights
    from trajlm.tasks.adapter import task_model

    if is_corpus(data):  # a base for other stores: a verdict belongs to the store it answers
        say(f"val check: --data {data} is a corpus (a base for other stores): no verdict saved; "
            "a verdict belongs to the store the run answers: trajlm eval --data STORE --model "
            f"{run} --task tte|recover --save-verdict (or trajlm finetune on that store)")  # fmt: skip
        return {"val_check": "skipped: corpus"}
    start = time.perf_counter()
    model = io.load_model(run)
    wdir = resolve_weights(run, log=False)
    if df is None:  # train and val only, held once (scale36)
        df = io.read_splits_checked(data, "--data", splits=("train", "val"))
    if "split" not in df.columns:
        df = df.with_columns(split=pl.lit("train"))
    blocks = split_blocks(df)
    parts = {s: split_rows(df, s, blocks) for s in ("train", "val")}
    out: dict = {}
    if not len(parts["val"]):
        say(f"val check: {named(data, '--data')} has no val split: no verdict saved (the "
            "model answers unchecked; a store of `trajlm data ingest` has one)")  # fmt: skip
        return {"val_check": "skipped: no val split"}
    from trajlm.eval.eval_progress import say as stage

    for task in verdict_tasks(model):
        stage(f"the {task.replace('_', ' ')} verdict (the model beside the baselines) on val")
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            if task == "travel_time":
                val = _val_sample(parts["val"], TTE_VAL_TRIPS)
                v, od = tte_verdict(
                    task_model(model, name=run.name), parts["train"], val, tz=store_zone(data)
                )  # the store's clock (newuser28)
            else:
                v, od = recover_verdict(model, parts["val"], train=parts["train"]), None
        except TrajlmInputError as e:
            say(f"val check ({task.replace('_', ' ')}): skipped: {e}")
            out[task] = "skipped"
            continue
        saved = save_verdict(wdir, {task: v}, od, str(data))
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        say(f"val check: {verdict_line(task, v)}: wrote {saved} ({secs:.1f} s, {cpu:.1f} s CPU)")
        out[task] = v["engine"]
    out["val_check_s"] = round(time.perf_counter() - start, 1)
    return out


__all__ = [
    "NO_VAL_CHECK_HELP",
    "TRAIN_VAL_CHECK_HELP",
    "TTE_VAL_TRIPS",
    "say_plain",
    "val_check_run",
    "verdict_tasks",
]
