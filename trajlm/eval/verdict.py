"""One sentence per evaluated model under `trajlm eval`'s table (session 19, evalcli19): how far
its error lies from the strongest baseline of its setting, with the paired bootstrap 95 % CI the
table already holds, and a word for it.

Only numbers of the table are read: ``ratio_to_best_baseline`` (predict, recover, tte: MAE over
the strongest baseline's MAE, eval/ratios.py) and ``diff_to_best_baseline`` (classify,
similarity: accuracy / top-1 minus the strongest baseline's, percentage points,
report.add_differences). The word is "better" only when the whole interval is on the better
side, "worse" only when it is all on the worse side, else "level": a CI that crosses no change
is never called better.
"""

from __future__ import annotations

import math
from typing import Any

MIN_TRAJ = 10  # fewer scored items than this: the sentence says it is a smoke test
_KEYS = {"ratio_to_best_baseline": "ratio", "diff_to_best_baseline": "diff"}
_METRIC_WORDS = {"accuracy_pct": "accuracy", "top1_pct": "top-1"}


def split_phrase(meta: dict) -> str:
    """Which split the numbers come from, e.g. "test split, held out by hour=21"."""
    out = f"{meta.get('scored_split', 'test')} split"
    rule = meta.get("split_by")
    if rule == "user_time":  # classify: segments split by user, then time
        out += ", segments held out by user"
    elif rule and rule not in ("time", "per-source"):
        out += f", held out by {rule}"
    return out


def _judged(rows: list[dict], models: list[str] | None) -> list[dict]:
    """The rows to judge: the named models' (all "trajlm..." rows when None); a row averaging
    runs ("mean ± std over N runs") stands for its runs, which get no sentence of their own."""

    def named(method: str) -> bool:
        return method.startswith("trajlm") if models is None else method in models

    def runs(r: dict) -> list[str]:  # aggregate_runs' member names (classify: a count)
        got = (r.get("params") or {}).get("runs")
        return list(got) if isinstance(got, list | tuple) else []

    picked = [r for r in rows if any(k in r for k in _KEYS)]
    picked = [r for r in picked
              if named(r["method"]) or runs(r) and all(map(named, runs(r)))]  # fmt: skip
    members = {m for r in picked for m in runs(r)}
    return [r for r in picked if r["method"] not in members]


def ci_word(lo: float, hi: float, lower_is_better: bool, pivot: float) -> str:
    """ "better" / "worse" only when the whole 95 % CI [lo, hi] is on that side of ``pivot``,
    else "level" (the verdict's word; eval/row_pairs.py says its pairs with it too)."""
    # a CI within round-off of the pivot is level: an answer equal to the baseline's (a
    # fallback to it) read "worse" by a 1e-11 difference (tasks21)
    tol = 1e-9 * max(1.0, abs(pivot))
    lo_above, hi_below = lo > pivot + tol, hi < pivot - tol
    if lower_is_better:
        return "better" if hi_below else "worse" if lo_above else "level"
    return "better" if lo_above else "worse" if hi_below else "level"


def verdicts(result: Any, models: list[str] | None = None) -> list[dict]:
    """One entry per (judged model row, setting): {method, setting, baseline, metric, change,
    ci95, unit ("%" of the baseline's MAE, or "pp"), verdict (better / level / worse / none),
    n, split, text}. ``models``: the method names to judge (default: the models ``run_eval``
    was given, else the "trajlm..." rows)."""
    split = split_phrase(result.meta)
    if models is None:
        models = result.meta.get("verdict_models")
    out = []
    for r in _judged(result.rows, models):
        key = next(k for k in _KEYS if k in r)
        got = r[key]
        lo, hi = (got.get("ci95") or (math.nan, math.nan))[:2]
        n = int(got.get("n") or 0)
        entry = {"method": r["method"], "setting": r["setting"], "baseline": got["baseline"],
                 "split": split, "n": n}  # fmt: skip
        if key == "ratio_to_best_baseline":
            value, unit, metric, lower = got["ratio"], "%", "MAE", True
            change = 100.0 * (value - 1.0)
            ci = [100.0 * (lo - 1.0), 100.0 * (hi - 1.0)]
            pivot = 1.0
        else:
            value = change = got["diff"]
            unit, metric, lower = "pp", _METRIC_WORDS.get(got.get("metric"), "score"), False
            ci, pivot = [lo, hi], 0.0
        who = f"{r['method']} ({r['setting']})"
        if not all(math.isfinite(x) for x in (value, lo, hi)):
            entry.update(metric=metric, change=None, ci95=None, unit=unit, verdict="none")
            entry["text"] = (
                f"{who}: no verdict against {got['baseline']} (nothing scored to compare)"
            )
            out.append(entry)
            continue
        word = ci_word(lo, hi, lower, pivot)
        side = "below" if change < 0 else "above"
        unit_txt = " %" if unit == "%" else " pp"
        text = (f"{who}: {metric} {abs(change):.1f}{unit_txt} {side} {got['baseline']} (95 % CI "
                f"{ci[0]:+.1f}..{ci[1]:+.1f}{unit_txt}): {word}")  # fmt: skip
        if n < MIN_TRAJ:
            what = (
                "trajector" + ("y" if n == 1 else "ies") if unit == "%" else f"item{'s' * (n != 1)}"
            )
            text += f" (from {n} scored {what}: a smoke test, not a comparison)"
        entry.update(metric=metric, change=change, ci95=ci, unit=unit, verdict=word, text=text)
        out.append(entry)
    return out


def verdict_lines(entries: list[dict]) -> list[str]:
    """The sentences under the table: ``Verdict (SPLIT): TEXT``, one per entry."""
    return [f"Verdict ({e['split']}): {e['text']}" for e in entries]
