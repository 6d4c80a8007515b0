"""The body of `trajlm train`, one function that `TrajLM.fit` calls too (session 26, fit26):
one training engine (config, trainer, checkpoints, the val check against kNN and the val verdict
at the end, train_summary.json) whether a run starts from the shell or from Python."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from trajlm import _cli_io as io
from trajlm._cli_io import console
from trajlm._cli_io import fail as _fail
from trajlm.cli_verdict import say_plain, val_check_run

if TYPE_CHECKING:
    from trajlm.train.config import TrainConfig


def _approx_params(cfg) -> int:
    """Transformer parameters from the config (12 d^2 per layer), for the threads policy."""
    return 12 * cfg.d_model * cfg.d_model * cfg.n_layers


def warn_long_warmup(cfg: TrainConfig) -> None:
    """One line when a run never leaves warmup (warmup_steps >= max_steps: the learning rate
    climbs for the whole run and the cosine decay never starts). Said, not changed: the
    schedule is the caller's (leftover32: shortening warmup would change every short run)."""
    if cfg.max_steps > 0 and cfg.warmup_steps >= cfg.max_steps:
        io.warn(f"train.warmup_steps {cfg.warmup_steps} >= max_steps {cfg.max_steps}: the run "
                f"never leaves warmup (the learning rate climbs to {cfg.max_steps / cfg.warmup_steps:.0%} "
                f"of train.lr {cfg.lr:g} at the last step; no cosine decay); set [train] "
                "warmup_steps below max_steps in the config (TrajLM.fit: config=)")  # fmt: skip


def run_train(data: Path, out: Path, config: Path | None, max_steps: int | None, resume: bool,
              overwrite: bool, seed: int | None, other_data: bool, device: str | None,
              threads: int | None, val_check: bool = True,
              say: Callable[[str], None] = say_plain, lm_class: type | None = None,
              init_from: str | None = None) -> dict:  # fmt: skip
    """Train a run at `out` on the store `data` as `trajlm train` does (its options, its
    messages); returns the summary printed at the end (train_summary.json's, with the val
    check's numbers). `say` prints the val verdict's lines. `lm_class`: trajlm.api.TrajLM
    (its callers pass it: no import cycle), through which the val check asks the model at
    report times on irregular stores (irreg27). ``init_from``: start from that run's weights
    (TrajLM.fit(init_from=); a config's [train] init_from otherwise)."""
    from trajlm._safety import check_output_dir
    from trajlm._threads import apply_threads
    from trajlm.train.defaults import default_recipe
    from trajlm.train.run_dir import legacy_run
    from trajlm.train.trainer import Trainer

    io.choice(device, ("auto", "cpu", "cuda"), "--device")
    if resume and overwrite:
        _fail("choose one of --resume (continue) and --overwrite (start again)")
    io.store(data)
    if out.resolve() == data.resolve() or data.resolve() in out.resolve().parents:
        _fail(f"--out {out} is inside the store --data {data}; choose another --out")
    check_output_dir(out, "run", overwrite=overwrite, resume=resume, option="--out",
                     legacy=legacy_run)  # fmt: skip
    # no --config: the new user's recipe (a residual on constant velocity kept no worse than
    # it on val, with trajlm-small's gates; session 20, heldout20), not the bare ModelConfig()
    cfg = io.load_config(config) if config else default_recipe()
    if resume and (out / "train_config.json").exists() and not config:
        cfg = {"train": io.run_train_config(out / "train_config.json"),
               "model": io.model_dict(out / "config.json")}  # fmt: skip
    overrides = {"max_steps": max_steps, "seed": seed, "device": device}
    model_cfg, train_cfg = io.configs_from(cfg, f"--config {config}" if config else "", overrides)
    if init_from is not None:  # TrajLM.fit(init_from=RUN): fine-tune that run (newuser34)
        train_cfg.init_from = init_from
    given = cfg.get("train", {})  # a config's max_steps (not a saved run's budget) or --max-steps
    if max_steps is not None or ("max_steps" in given and not given.get("step_budget")):
        train_cfg.auto_steps, train_cfg.step_budget = False, None  # the user chose: no budget
    if not train_cfg.init_from:  # a fine-tune's model config is its base run's, not [model]'s
        _warn_store_frame_on_corpus(data, model_cfg)
    train_cfg.progress = sys.stderr.isatty() or train_cfg.progress
    train_cfg.cpu_threads = apply_threads(threads or train_cfg.cpu_threads or None,
                                          _approx_params(model_cfg))  # fmt: skip
    trainer = Trainer(data, out, model_cfg, train_cfg)
    if trainer.rank == 0:  # the steps as the trainer runs them (a step budget set them)
        warn_long_warmup(trainer.cfg)
    summary = trainer.fit(resume=resume, overwrite=overwrite, other_data=other_data)
    if trainer.rank == 0:
        from trajlm.eval.eval_progress import plain_lines

        with plain_lines("val check"):  # off a terminal: a line as each check starts (leftover34b)
            summary = _checks(trainer, data, out, summary, val_check, say, lm_class)
        _say_kept_start(summary, train_cfg.init_from)
    return summary


def _say_kept_start(summary: dict, init_from: str | None) -> None:
    """One warning where a fine-tune (``[train] init_from``, ``TrajLM.fit(init_from=)``) kept
    its starting weights, in the caller's words (leftover39: only TrajLM.fit said it)."""
    from trajlm._cli_boundary import in_command
    from trajlm.train.kept_start import PYTHON_KNOBS, TRAIN_KNOBS, kept_start_note

    knobs = TRAIN_KNOBS if in_command() else PYTHON_KNOBS
    if note := kept_start_note(summary, init_from, knobs):
        io.warn(note, category=UserWarning)


def _checks(trainer, data: Path, out: Path, summary: dict, val_check: bool,
            say: Callable[[str], None], lm_class: type | None) -> dict:  # fmt: skip
    """The end of a run: the val checks around the summary's table (each says its start)."""
    from trajlm.cli_train_check import knn_summary, radii_summary, recover_radii_summary

    threads = trainer.cfg.cpu_threads
    if val_check:  # beside kNN on val (heldout23)
        summary = knn_summary(trainer, data, out, summary, lm_class)
        summary = radii_summary(out, data, summary, lm_class, threads)
    shown = {k: v for k, v in summary.items() if k not in ("val_spread", "val_by_source")}
    console.print(io.dict_table(shown, f"run {out}"))  # the table (newuser27): summary.json
    if val_check:  # the val verdict saved with the weights (verdict23)
        val_check_run(out, data, say)
        # read through the saved verdict, as a user's recover call reads it (uncert33)
        summary = recover_radii_summary(out, data, summary, lm_class, threads)
    return summary


def _warn_store_frame_on_corpus(data: Path, model_cfg) -> None:
    """A store-frame model reads absolute positions in one plane centred on the corpus's
    stats: on a multi-city corpus that plane is one city's (newuser3 F26)."""
    from trajlm.data.corpus import is_corpus, load_corpus

    if getattr(model_cfg, "position_frame", "store") != "store" or not is_corpus(data):
        return
    n = len(load_corpus(data).get("sources", []))
    if n > 1:
        io.warn(f"--data {data} is a corpus of {n} sources but the model reads positions in "
                'one store frame (position_frame = "store"): corpora need position_frame = '
                '"trajectory" (docs/pretraining.md; configs/trajlm_small.toml has it)')  # fmt: skip
