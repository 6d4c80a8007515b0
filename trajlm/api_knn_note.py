"""`TrajLM.predict` says, once per loaded run, when `trajlm train` found the run's model not
better than the better of kNN continuation and linear-3 on its own store's val split (session 23, heldout23; the check:
trajlm/eval/knn_check.py, saved in RUN/train_summary.json). Runs trained before the check, the
package's checkpoints and runs that beat kNN on val load silently as before. A run whose check
was skipped (too few val trips: `val_check_skipped`) says so too (session 25, heldout25)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trajlm.errors import warn_at_caller

# why a run pretrained on a corpus has no val check (train_summary.json `val_check_skipped`,
# written by cli_train_check) and the key that says it as data: the note below branches on the
# key, not on the wording (review35; runs saved before the key carry this exact text)
CORPUS_UNCHECKED = (
    "trained on a pretraining corpus: no one store's train split to fit the baselines on, so "
    "nothing checked it on the data it answers"
)
CORPUS_KEY = "pretrained_on_corpus"


def _summary(path: Path) -> dict | None:
    for f in (path / "train_summary.json", path.parent / "train_summary.json"):
        if f.is_file():
            try:
                got = json.loads(f.read_text())
            except (OSError, ValueError):
                return None
            return got if isinstance(got, dict) else None
    return None


def knn_note(lm: Any) -> str | None:
    """The line for `lm` (a TrajLM) if its run's summary says it was worse than, or level with,
    kNN continuation on val; None otherwise."""
    path = getattr(lm, "path", None)
    if path is None:
        return None
    s = _summary(Path(path))
    if s and isinstance(why := s.get("val_check_skipped"), str):  # (heldout25)
        run = Path(path).parent if Path(path).name == "best" else Path(path)
        tune = (f"; `trajlm finetune --model {run} --data STORE --out FT` fine-tunes it on your "
                "store and checks it there (Python: TrajLM.fit(df, OUT, init_from=RUN))"
                if s.get(CORPUS_KEY) is True or why == CORPUS_UNCHECKED else "")  # fmt: skip
        return (
            f"{path}: this model was not checked against the prediction baselines on its "
            f"store's val split ({why}; train_summary.json): kNN continuation or linear-3 may "
            "predict better here; `trajlm eval --task predict --model RUN` scores it beside them"
            f"{tune}"
        )
    if not s or s.get("val_vs_best_baseline") not in ("worse", "level"):
        return None
    try:
        r = float(s["val_ade_vs_best_baseline"])
        lo, hi = (float(x) for x in s["val_ade_vs_best_baseline_ci"])
        name = str(s["val_best_baseline"])
    except (KeyError, TypeError, ValueError):
        return None
    from trajlm.eval.predict_verdict import val_words

    n = s.get("val_baseline_trips")
    how = {"kNN continuation": "KNNContinuation().fit(train)", "linear-3": "LinearExtrapolation(3)",
           "constant velocity [time]": "ConstantVelocity(use_time=True)",
           "linear-3 [time, fit]": "LinearExtrapolation(3, 'fit', use_time=True)"}  # fmt: skip
    return (
        f"{path}: this model was not better than the best baseline on its store's val split: "
        f"{val_words(r, lo, hi, name, n) if isinstance(n, int) else f'{r:.2f}x {name}, CI {lo:.2f}-{hi:.2f}'}"
        f" (5-step ADE; train_summary.json): the baseline may predict better here "
        f"(trajlm.baselines.{how.get(name, 'KNNContinuation().fit(train)')}.predict(df, steps=5)"
        "; `trajlm train-selector` answers with kNN where its network does not beat it on val)"
    )


def warn_knn_once(lm: Any) -> None:
    """Warn with ``knn_note`` the first time this TrajLM predicts."""
    if getattr(lm, "_knn_noted", False):
        return
    lm._knn_noted = True
    if (line := knn_note(lm)) is not None:
        warn_at_caller(line, UserWarning)
