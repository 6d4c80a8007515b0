"""`trajlm predict`'s answers by path: a candidate selector, a run's saved val verdict (the
engine that won on val), the model's own rollout, or TrajLM.predict for asked times, fixes under
a second apart and glitched last fixes. Split out of cli_predict.py (session 32, split32: the
option parsing and output writing stay there). Loaded by `trajlm predict` only when it runs:
polars / numpy / torch are imported inside the functions (tests/test_lazy_imports.py)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trajlm import _cli_io as io
from trajlm.cli_predict_words import motion_note
from trajlm.cli_predict_words import said as _said

if TYPE_CHECKING:  # type hints only: `import trajlm.cli` loads no polars
    import polars as pl

    from trajlm.data.coerce import Layout


def trained_sub_second(model: Path) -> bool:
    """True when the run was trained on fixes under a second apart (its coverage's median
    training step, `dt_s` p50, below 1 s: a `data ingest --sub-second` store at 0.4 s). Its
    input is then read with every fix kept (badin39: an ETH / UCY file was thinned to one fix a
    second, 627 of 1,068 dropped, for a model that only read 0.4-s steps)."""
    cov = io.model_dict(model / "config.json").get("coverage") if model.is_dir() else None
    step = ((cov or {}).get("dt_s") or {}).get("p50") if isinstance(cov, dict) else None
    return isinstance(step, int | float) and 0 < step < 1


def every_fix(df: pl.DataFrame, layout: Layout) -> pl.DataFrame | None:
    """``df`` (canonical, after --limit / --holdout) with the fixes ``coerce`` dropped for
    sharing a second with an earlier one put back at their exact times (api_subsec.all_fixes;
    those of hidden --holdout seconds left out), or None when none was dropped. TrajLM.predict
    reads them (session 18, subsec18: its steps at the track's own cadence, its asked times from
    the last fix given); the table alone would make `trajlm predict` answer otherwise."""
    import polars as pl

    from trajlm.api_subsec import all_fixes

    rows = layout.sub_second_rows
    if rows is None or not len(rows) or df.height == 0:
        return None
    end = df.group_by("traj_id").agg(pl.col("t").max().alias("__end"))
    full = all_fixes(df, layout).join(end, on="traj_id", how="left", maintain_order="left")
    return full.filter(pl.col("t").floor() <= pl.col("__end")).drop("__end")


def answer_points(model: Path, df: pl.DataFrame, steps: int, ahead: dict | None, int8: bool,
                  threads: int | None, source: str, frac: Any = None,
                  fixes: pl.DataFrame | None = None, fallback: bool = False,
                  radii: list[int] | None = None, hold: bool = True) -> pl.DataFrame:  # fmt: skip
    """Predictions in trajlm's names from a model, a candidate selector or (``ahead``:
    {"seconds_ahead" | "at_times": [...]}, --seconds-ahead / --at-times) the API's positions-at-times, with the coverage warnings each reads its history for;
    ``fallback``: a run's saved prediction verdict answers (TrajLM.predict, session 24).
    ``frac``: the input's sub-second parts (Layout.frac), read by a model as the API reads them
    (a 1.6 s interval is not 1 or 2 s; session 17). ``fixes``: every fix at its exact time
    (``every_fix``) where some shared a second: predicted by TrajLM.predict, as the API and
    the server predict them. ``hold``: --hold-stays (a phone at its stay held there)."""
    from trajlm._threads import apply_threads
    from trajlm.eval.saved_kind import is_route_recovery_dir, is_selector_dir  # no sklearn
    from trajlm.tasks.predict import predict_table

    if is_route_recovery_dir(model):
        io.fail(f"--model {model} is a route-recovery model: it fills gaps (trajlm eval --task "
                "recover, TrajLM.from_pretrained(DIR).recover), it does not predict")  # fmt: skip
    if is_selector_dir(model):  # a candidate selector (trajlm/api_selector.py): --steps only
        from trajlm.api_selector import SelectorTrajLM

        if int8 or ahead is not None:
            io.fail(f"--model {model} is a candidate selector: it takes --steps, not --int8, "
                    "--seconds-ahead or --at-times")  # fmt: skip
        sel = _said(lambda: SelectorTrajLM.from_pretrained(model, threads=threads), source)
        if sel.selector.verdict_:  # who answers (session 22); a folder from before: its warning
            io.say(sel.engine_line())
        return _said(lambda: sel.predict(df, steps=steps, radii=radii, hold_stays=hold), source)
    from trajlm.api_rollout import exact_times

    df = exact_times(df, frac) if fixes is None else fixes  # whole-second input: df as it is
    if fallback and (v := _predict_verdict(model)) is not None:
        from trajlm.api import TrajLM  # the run's val winner answers (session 24, pverdict24)
        from trajlm.eval.predict_verdict import short_verdict_line
        from trajlm.eval.saved_kind import VERDICT_NAME
        from trajlm.model.weights import resolve_weights

        # one readable line on every call (newuser31 #19: ~900 characters); the rest is saved
        io.say(short_verdict_line(v, str(resolve_weights(model, log=False) / VERDICT_NAME)))
        # --int8 too (irreg28: the verdict was skipped without a word; the model int8 where
        # it answers)
        quantize = "int8" if int8 else None
        lm = _said(lambda: TrajLM.from_pretrained(model, threads=threads, quantize=quantize),
                   source)  # fmt: skip
        if ahead is None:
            return _said(lambda: lm.predict(df, steps=steps, radii=radii, hold_stays=hold), source)
        if v["engine"] == "model":  # the model's own notes (reported motion), as below
            motion_note(df)
        try:  # --seconds-ahead follows the verdict too (smallval25), the engine named
            return _said(lambda: lm.predict(df, **ahead, radii=radii, hold_stays=hold), source)
        except ValueError as e:
            io.fail(f"{_option(ahead)}: {e}")
    m = io.load_model(model)
    if fallback:  # a run never checked against the baselines says so, as TrajLM.predict does
        _unchecked_note(model)
    if ahead is None:  # the gate reads the last max_len - steps points of each trajectory
        io.coverage_note(m, df, source, history=m.config.max_len - steps)
    apply_threads(threads, m.num_params())
    if int8:
        from trajlm.model.quantize import quantize_int8

        m = quantize_int8(m)
    if ahead is None:
        from trajlm.api_glitch import glitched_last
        from trajlm.api_inputs import single_point_line

        # the API's steps at the track's own cadence (subsec18), or from the fix before a
        # glitched last one (by its reports, predict18; by its own speeds, movers19)
        if fixes is not None or glitched_last(df).any():
            from trajlm.api import TrajLM

            lm = TrajLM(m, threads=threads)
            return _said(lambda: lm.predict(df, steps=steps, hold_stays=hold), source)
        if line := single_point_line(df):  # as the API and the server say (badin17 F1)
            io.warn(line, source)
        from trajlm.api_rollout import with_calibrated_std
        from trajlm.api_stays import drop_poor_fixes, hold_stays

        # cell-tower fixes left out, a phone at its stay held there: as the API (newuser32)
        df = _said(lambda: drop_poor_fixes(df), None)
        out = with_calibrated_std(predict_table(m, df, steps), df)  # as the API (session 20)
        return _said(lambda: hold_stays(out, df) if hold else out, None)
    from trajlm.api import TrajLM
    from trajlm.model.coverage import load_coverage

    if load_coverage(m) is None:  # a checkpoint without coverage: the older distance note
        io.coverage_note(m, df, source)
    motion_note(df)
    try:
        return _said(lambda: TrajLM(m, threads=threads).predict(df, **ahead, hold_stays=hold),
                     source)  # fmt: skip
    except ValueError as e:
        io.fail(f"{_option(ahead)}: {e}")


def _unchecked_note(model: Path) -> None:
    """TrajLM.predict's once-per-run line (api_knn_note.knn_note) on the CLI: a run pretrained on
    a corpus (`make pretrain`) answered a user's store with no word that nothing checked it
    there (newuser34)."""
    from types import SimpleNamespace

    from trajlm.api_knn_note import knn_note
    from trajlm.model.weights import resolve_weights

    try:
        wdir = resolve_weights(model, log=False)
    except (OSError, ValueError):
        return
    if (line := knn_note(SimpleNamespace(path=wdir))) is not None:
        io.say(f"note: {line}")


def _option(ahead: dict) -> str:
    """The option a {keyword: times} of ``answer_points`` came from, for its error line."""
    return "--at-times" if "at_times" in ahead else "--seconds-ahead"


def _predict_verdict(model: Path) -> dict | None:
    """The prediction verdict `trajlm train` saved with --model's weights, or None."""
    from trajlm.eval.saved_kind import VERDICT_NAME
    from trajlm.model.weights import resolve_weights

    try:
        wdir = resolve_weights(model, log=False)
    except (OSError, ValueError):  # no weights there: io.load_model says so in one line
        return None
    if not (wdir / VERDICT_NAME).is_file():  # none saved (trajlm-small): skip val_verdict's imports
        return None
    from trajlm.eval.val_verdict import read_verdict

    with warnings.catch_warnings():  # a verdict of other weights: TrajLM.predict says it
        warnings.simplefilter("ignore")
        return (read_verdict(wdir) or {}).get("predict")


def engine_radii(model: Path) -> bool:
    """True where the run's verdict saved its engine's val error spread: that engine answers
    --radii with its own (api_predict_verdict.has_spread)."""
    from trajlm.api_predict_verdict import has_spread

    return has_spread(_predict_verdict(model))
