"""An ``EvalResult`` as a pandas DataFrame: the rows and numbers of `trajlm eval`'s table, one
column per number, for a notebook (``TrajLM.evaluate``, session 28, apieval28).

Columns: ``setting``, ``method``; each metric the table shows (``mae_m``, ``rmse_m``,
``fde_m``, ``mae_min``, ...) and, where a row has a spread over seeds, ``<metric>_std``; each
ratio the table shows as three columns (``ratio_to_best_baseline``, ``..._lo``, ``..._hi``: the
paired bootstrap 95 % CI over the scored trajectories) and ``best_baseline`` (the baseline
it divides by); ``n_trajectories``, ``n_points``, ``fit_s``, ``predict_s``. Empty cells are
NaN / None, as the table's empty cells. ``frame.attrs``: ``task``, ``verdict`` (the sentences
under the table), ``markdown`` (the table as `trajlm eval` prints it), ``comparisons`` (the
``compare=`` pairs, eval/row_pairs.py; [] when none was asked) and ``meta`` (the JSON
document's other fields).
"""

from __future__ import annotations

from typing import Any

from trajlm.eval.report import DIFF_COLUMNS, METRIC_COLUMNS, RATIO_COLUMNS, EvalResult, json_safe


def _metric_keys(rows: list[dict]) -> list[str]:
    """The metric keys of the rows: the table's order first, any other after."""
    seen = list(dict.fromkeys(k for r in rows for k in r["metrics"]))
    return [k for k in METRIC_COLUMNS if k in seen] + [k for k in seen if k not in METRIC_COLUMNS]


def result_records(result: EvalResult) -> list[dict[str, Any]]:
    """One flat dict per table row (the frame's rows; see the module docstring)."""
    keys = _metric_keys(result.rows)
    spread = {k for r in result.rows for k, v in (r.get("std") or {}).items() if v is not None}
    intervals = [k for k in (*RATIO_COLUMNS, *DIFF_COLUMNS) if any(k in r for r in result.rows)]
    records = []
    for r in result.rows:
        rec: dict[str, Any] = {"setting": r["setting"], "method": r["method"]}
        for k in keys:
            rec[k] = r["metrics"].get(k)
            if k in spread:
                rec[f"{k}_std"] = (r.get("std") or {}).get(k)
        for k in intervals:
            got = r.get(k) or {}
            value = got.get("ratio", got.get("diff"))
            lo, hi = got.get("ci95") or (None, None)
            rec.update({k: value, f"{k}_lo": lo, f"{k}_hi": hi})
            if k != "ratio_to_cv":  # the constant-velocity ratio names its baseline already
                rec.setdefault("best_baseline", got.get("baseline"))
        for k in ("n_trajectories", "n_points", "fit_s", "predict_s"):
            rec[k] = r.get(k)
        records.append(rec)
    return records


def result_frame(result: EvalResult) -> Any:
    """``result`` as a pandas DataFrame (see the module docstring)."""
    import pandas as pd

    frame = pd.DataFrame.from_records(result_records(result))
    meta = {k: v for k, v in json_safe(result.meta).items() if k != "verdict"}
    frame.attrs.update({"task": result.task, "verdict": json_safe(result.meta.get("verdict", [])),
                        "markdown": result.to_markdown(), "meta": meta,
                        "comparisons": meta.get("comparisons", [])})  # fmt: skip
    return frame


def keep_table(error: Exception) -> Exception:
    """``error`` with the table it was raised after (``run_eval_command`` keeps it on a
    ``--compare`` refusal as ``.result``: a name not in the table) as ``.table``, a frame, so
    a long evaluation is not lost to a typo from Python either (evalapi35)."""
    result = getattr(error, "result", None)
    if isinstance(result, EvalResult):
        error.table = result_frame(result)  # type: ignore[attr-defined]
    return error
