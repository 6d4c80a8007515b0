"""premise29: recovery fine-tunes of several pretraining seeds vs one shared scratch arm.

Scores scripts/premise29/run.sh's fine-tunes (docs/pretraining.md "Session 29 (premise29)") on
one split: per hidden point MAE (m) of each run, linear interpolation and Akima spline beside
them; per pretraining seed and pooled over them (the per-trip mean over every pretrained run
minus the per-trip mean over the scratch runs; all seeds share the scratch runs, so the pooled
difference is the mean of the per-seed ones), paired bootstrap 95 % CI over trips. Per gap
length (the run of consecutive hidden points a point sits in), the same difference restricted
to that bucket (the diagnosis, meant for val).

    python scripts/premise29/score.py --data /tmp/stores/porto --split val \
        --scratch /tmp/premise29/recover_scratch_porto \
        --pretrained seed1=/tmp/premise29/recover_pre_m1_seed1 seed2=/tmp/premise29/recover_pre_m1_seed2 \
        --out /tmp/premise29/val        # -> val/scores.json, val/scores.md
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from premise20_recover import SETTINGS  # noqa: E402

from trajlm.data.features import LocalProjection  # noqa: E402
from trajlm.data.metrics import point_errors  # noqa: E402
from trajlm.data.protocol_tasks import make_recovery_task  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.compare import paired_bootstrap_ci  # noqa: E402
from trajlm.eval.recovery_baselines import CubicSplineInterpolation, LinearInterpolation  # noqa: E402

GAP_BUCKETS = ((1, 1), (2, 2), (3, 4), (5, 10**9))  # hidden-run lengths, inclusive


def model_point_errors(weights: str, task) -> np.ndarray:
    """(M,) error (m) of a model's recovery at each hidden point, in task order."""
    from trajlm.model import TrajectoryModel
    from trajlm.tasks.recover import ModelRecoverer

    model = TrajectoryModel.from_pretrained(weights).eval()
    return point_errors(ModelRecoverer(model).recover(task)[~task.known], task.latlon[~task.known])


def baseline_point_errors(baseline, task, proj: LocalProjection) -> np.ndarray:
    """(M,) error (m) of an interpolation baseline at each hidden point (metric plane)."""
    out = baseline._recover(task.t.astype(float), task.xy(proj), task.known, task.groups)
    lat, lon = proj.inverse(out[:, 0], out[:, 1])
    hidden = ~task.known
    return point_errors(np.stack([lat, lon], -1)[hidden], task.latlon[hidden])


def gap_lengths(known: np.ndarray) -> np.ndarray:
    """(M,) length of the run of consecutive hidden points each hidden point belongs to
    (endpoints are always known, so a run never crosses two trajectories)."""
    hidden = ~known
    edges = np.diff(np.r_[0, hidden.astype(np.int8), 0])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return np.repeat(ends - starts, ends - starts)


def per_trip(err: np.ndarray, g: np.ndarray, trips: np.ndarray) -> np.ndarray:
    """Mean of ``err`` per trip id in ``trips`` (g: the trip id of each error)."""
    return (
        np.bincount(g, err, minlength=trips.max() + 1)[trips]
        / np.bincount(g, minlength=trips.max() + 1)[trips]
    )


def ci_text(ci: dict) -> str:
    return f"{ci['diff']:+.2f} ({ci['lo']:+.2f} to {ci['hi']:+.2f})"


def score_setting(setting: str, df, train, scratch: list[str], pre: dict[str, list[str]]) -> dict:
    mode, value = setting.split(":")
    kw = {"ratio": float(value)} if mode == "random" else {"interval_s": float(value)}
    task = make_recovery_task(df, mode=mode, seed=0, **kw)
    proj = LocalProjection.fit(train)
    g = task.groups[~task.known]
    gaps = gap_lengths(task.known)
    errs = {"linear": baseline_point_errors(LinearInterpolation(), task, proj),
            "akima": baseline_point_errors(CubicSplineInterpolation("akima"), task, proj)}  # fmt: skip
    runs = {"scratch": scratch, **pre}
    per_run = {a: [model_point_errors(w, task) for w in ws] for a, ws in runs.items()}
    errs |= {a: np.mean(v, 0) for a, v in per_run.items()}  # seed-averaged per point
    errs["pooled"] = np.mean([e for a in pre for e in per_run[a]], 0)
    trips = np.unique(g)
    rec: dict = {"setting": setting, "n_trips": len(trips), "n_points": len(g), "arms": {}}
    trip_means = {a: per_trip(e, g, trips) for a, e in errs.items()}
    for a, m in trip_means.items():
        seeds = [float(per_trip(e, g, trips).mean()) for e in per_run.get(a, [])]
        rec["arms"][a] = {"mae": float(m.mean()), "per_seed": seeds,
                          "std": float(np.std(seeds, ddof=1)) if len(seeds) > 1 else 0.0}  # fmt: skip
    rec["diffs"] = {f"{a} - {b}": paired_bootstrap_ci(trip_means[a], trip_means[b])
                    for a in [*pre, "pooled"] for b in ("scratch", "linear", "akima")}  # fmt: skip
    rec["by_gap"] = []
    for lo, hi in GAP_BUCKETS:
        sel = (gaps >= lo) & (gaps <= hi)
        if not sel.any():
            continue
        bt = np.unique(g[sel])
        m = {a: per_trip(e[sel], g[sel], bt) for a, e in errs.items()}
        rec["by_gap"].append({"gap": f"{lo}" if lo == hi else f"{lo}+" if hi > 999 else f"{lo}-{hi}",
                              "n_points": int(sel.sum()), "n_trips": len(bt),
                              "mae": {a: float(v.mean()) for a, v in m.items()},
                              "pooled - scratch": paired_bootstrap_ci(m["pooled"], m["scratch"]),
                              "scratch - linear": paired_bootstrap_ci(m["scratch"], m["linear"])})  # fmt: skip
    return rec


def markdown(recs: list[dict], split: str, pre: list[str]) -> str:
    lines = [f"# premise29 recovery, {split}", "",
             "| setting | arm | MAE (m) ± std over fine-tune seeds | - scratch (95 % CI) | - linear | - Akima |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for r in recs:
        for a, v in r["arms"].items():
            d = r["diffs"]
            cells = [
                ci_text(d[f"{a} - {b}"]) if f"{a} - {b}" in d else ""
                for b in ("scratch", "linear", "akima")
            ]
            lines.append(f"| {r['setting']} (n={r['n_trips']}) | {a} | {v['mae']:.2f} ± {v['std']:.2f} | "
                         + " | ".join(cells) + " |")  # fmt: skip
    lines += ["", "| setting | gap (hidden run) | points | trips | linear | Akima | scratch | pooled pretrained | pooled - scratch | scratch - linear |",
              "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in recs:
        for b in r["by_gap"]:
            m = b["mae"]
            lines.append(f"| {r['setting']} | {b['gap']} | {b['n_points']} | {b['n_trips']} | {m['linear']:.2f} | "
                         f"{m['akima']:.2f} | {m['scratch']:.2f} | {m['pooled']:.2f} | "
                         f"{ci_text(b['pooled - scratch'])} | {ci_text(b['scratch - linear'])} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def arg_parser(doc: str) -> argparse.ArgumentParser:
    """The scoring options (premise29 and premise30's score.py): the store, the split, the runs."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--split", choices=("val", "test"), required=True)
    ap.add_argument("--scratch", required=True, help="run prefix: PREFIX_sS/best per seed")
    ap.add_argument("--pretrained", required=True, nargs="+", help="NAME=PREFIX (PREFIX_sS/best)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--settings", nargs="+", default=list(SETTINGS))
    ap.add_argument("--out", type=Path, required=True)
    return ap


def fine_tunes(
    ap: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[list[str], dict[str, list[str]]]:
    """(the scratch runs, {NAME: its pretrained runs}) from --scratch / --pretrained NAME=PREFIX
    / --seeds (PREFIX_sS/best each); ``ap.error`` on a bad NAME or a missing fine-tune. Shared
    with scripts/premise30/score.py (leftover31: it was an exact copy there)."""
    pre = {}
    for item in args.pretrained:
        name, sep, prefix = item.partition("=")
        if not sep or not name or name in ("scratch", "pooled", "linear", "akima"):
            ap.error(f"--pretrained {item!r}: expected NAME=PREFIX with a new NAME")
        pre[name] = [f"{prefix}_s{s}/best" for s in args.seeds]
    scratch = [f"{args.scratch}_s{s}/best" for s in args.seeds]
    runs = [*scratch, *sum(pre.values(), [])]
    missing = [w for w in runs if not Path(w, "model.safetensors").exists()]
    if missing:
        ap.error(f"missing fine-tunes: {', '.join(missing)}")
    return scratch, pre


def main(argv: list[str] | None = None) -> None:
    import torch

    ap = arg_parser(__doc__)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    scratch, pre = fine_tunes(ap, args)
    df, train = read_store(args.data, split=args.split), read_store(args.data, split="train")
    recs = [score_setting(s, df, train, scratch, pre) for s in args.settings]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scores.json").write_text(json.dumps(recs, indent=1))
    md = markdown(recs, args.split, list(pre))
    (args.out / "scores.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
