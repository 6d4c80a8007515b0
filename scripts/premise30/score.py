"""premise30: recovery fine-tunes of both arms, raw and with one-point gaps answered by a spline.

Scores one recipe's fine-tunes (docs/pretraining.md "Session 30 (premise30)") on one split, for
PROTOCOL's random 50 % and every 240 s: per hidden point MAE (m) of each run beside linear
interpolation and the Akima spline, in three views of the same model outputs:
- ``model``: the fine-tunes' own answers (session 29's score);
- ``switch_akima`` (recipe (b), pre-registered): a hidden point alone between two known ones
  (a one-point gap) takes the Akima spline's answer, every longer gap the model's;
- ``switch_linear``: the same with the chord (secondary, reported beside).
The switch is a post-hoc rule per hidden point, so its error is the baseline's error on one-point
gaps and the model's elsewhere (no model re-run). Per view: pooled pretrained - scratch (per trip:
the mean over every pretrained fine-tune minus the mean over the scratch ones), - linear,
- Akima, and scratch - Akima, paired bootstrap 95 % CIs over trips; the raw view's gap-length
breakdown as in scripts/premise29/score.py (whose helpers this reuses).

    python scripts/premise30/score.py --data /tmp/stores/porto --split val \
        --scratch /tmp/premise30/r50_scratch_porto --pretrained seed1=/tmp/premise30/r50_pre_m1_seed1 \
        --out /tmp/premise30/val_a      # -> val_a/scores.json, val_a/scores.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script  # noqa: E402

p29 = load_script("premise29_score", "premise29/score.py")

from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.data.protocol_tasks import make_recovery_task  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.compare import paired_bootstrap_ci  # noqa: E402
from trajlm.eval.recovery_baselines import CubicSplineInterpolation, LinearInterpolation  # noqa: E402

VIEWS = {"model": None, "switch_akima": "akima", "switch_linear": "linear"}


def switched(model_err: np.ndarray, base_err: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    """(M,) errors of the rule "one-point gaps by the baseline, longer gaps by the model"."""
    return np.where(gaps == 1, base_err, model_err)


def view_record(errs: dict, per_run: dict, pre: list[str], g: np.ndarray) -> dict:
    """Arms' MAE (± std over runs) and the paired CIs of one view's per-point errors."""
    trips = np.unique(g)
    trip_means = {a: p29.per_trip(e, g, trips) for a, e in errs.items()}
    rec: dict = {"arms": {}}
    for a, m in trip_means.items():
        seeds = [float(p29.per_trip(e, g, trips).mean()) for e in per_run.get(a, [])]
        rec["arms"][a] = {"mae": float(m.mean()), "per_seed": seeds,
                          "std": float(np.std(seeds, ddof=1)) if len(seeds) > 1 else 0.0}  # fmt: skip
    pairs = [(a, b) for a in [*pre, "pooled"] for b in ("scratch", "linear", "akima")]
    rec["diffs"] = {f"{a} - {b}": paired_bootstrap_ci(trip_means[a], trip_means[b])
                    for a, b in [*pairs, ("scratch", "akima")]}  # fmt: skip
    return rec


def score_setting(setting: str, df, train, scratch: list[str], pre: dict[str, list[str]]) -> dict:
    mode, value = setting.split(":")
    kw = {"ratio": float(value)} if mode == "random" else {"interval_s": float(value)}
    task = make_recovery_task(df, mode=mode, seed=0, **kw)
    proj = LocalProjection.fit(train)
    g = task.groups[~task.known]
    gaps = p29.gap_lengths(task.known)
    base = {"linear": p29.baseline_point_errors(LinearInterpolation(), task, proj),
            "akima": p29.baseline_point_errors(CubicSplineInterpolation("akima"), task, proj)}  # fmt: skip
    raw = {
        a: [p29.model_point_errors(w, task) for w in ws]
        for a, ws in {"scratch": scratch, **pre}.items()
    }
    rec: dict = {"setting": setting, "n_trips": len(np.unique(g)), "n_points": len(g),
                 "n_one_point_gap": int((gaps == 1).sum()), "views": {}}  # fmt: skip
    for view, kind in VIEWS.items():
        per_run = {a: [e if kind is None else switched(e, base[kind], gaps) for e in v]
                   for a, v in raw.items()}  # fmt: skip
        errs = dict(base) | {a: np.mean(v, 0) for a, v in per_run.items()}
        errs["pooled"] = np.mean([e for a in pre for e in per_run[a]], 0)
        rec["views"][view] = view_record(errs, per_run, list(pre), g)
    return rec


def markdown(recs: list[dict], split: str, pre: list[str]) -> str:
    lines = [f"# premise30 recovery, {split}", "",
             "| setting | view | arm | MAE (m) ± std over runs | - scratch (95 % CI) | - linear | - Akima |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in recs:
        for view, v in r["views"].items():
            d = v["diffs"]
            for a, m in v["arms"].items():
                cells = [p29.ci_text(d[f"{a} - {b}"]) if f"{a} - {b}" in d else ""
                         for b in ("scratch", "linear", "akima")]  # fmt: skip
                lines.append(f"| {r['setting']} (n={r['n_trips']}) | {view} | {a} | "
                             f"{m['mae']:.2f} ± {m['std']:.2f} | " + " | ".join(cells) + " |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    import torch

    ap = p29.arg_parser(__doc__)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    scratch, pre = p29.fine_tunes(ap, args)
    if (args.out / "scores.json").exists():
        ap.error(f"{args.out}/scores.json exists: each split is scored once, into a new --out")
    df, train = read_store(args.data, split=args.split), read_store(args.data, split="train")
    recs = [score_setting(s, df, train, scratch, pre) for s in args.settings]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scores.json").write_text(json.dumps(recs, indent=1))
    md = markdown(recs, args.split, list(pre))
    (args.out / "scores.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
