"""Transport modes (PROTOCOL.md task 4, issue 7): fine-tuning modes of a pretrained model.

Each --spec is INIT:MODE[:N_POINTS[:HEAD[:OPTS]]]: INIT ``pre`` (the --pretrained run) or
``scratch`` (its architecture, random init); MODE full | selective | lora<r> | frozen; N_POINTS
thins every segment to that many points (one window) instead of 64-point windows; HEAD mlp |
linear; OPTS (issue 15) ``+``-joined: ``feat`` (hybrid head: the GB baseline's segment features
beside the pooled embedding), ``bal`` (class-balanced loss), ``adapt`` (issue 14 item 7: a
``pre`` checkpoint's step scale re-fitted on the train segments, weights rescaled;
``ModelClassifier(refit_scales="adapt")``). Every spec is fitted once per
--seeds seed and reported as mean ± std beside the harness baselines, with the trainable share,
the bytes fine-tuning saves and the training time. ``--ensemble`` also scores, per spec, the
average of GB's and the model's probabilities (weight fitted on val; the same fitted models).
Every model row gets the paired bootstrap 95 % CI of its accuracy minus GB's (per segment,
correctness averaged over seeds; trajlm.eval.compare). ``--score-on val`` tunes without
reading test. ``--paired A B`` (repeatable; the foundation premise, docs/pretraining.md) adds the
same paired CI of spec A's accuracy minus spec B's (DIR/modes_summary.json "paired"), and every
spec's per-seed predicted labels are saved there ("pred") for later pairings.

    python scripts/modes_results.py --data GEOLIFE_STORE --pretrained RUN/best --out DIR \
        --specs pre:full:64:linear pre:lora1:64:linear scratch:full:64:linear \
        --epochs 20 --lr 3e-3 --seeds 0 1 2 --split-by user_time

Writes DIR/eval_classify.{json,md} (the harness), DIR/model-<spec>/ (the first seed's saved
classifier) and DIR/classify.md (the table of docs/results.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from trajlm.data.augment_segments import SegmentAugment
from trajlm.data.route_affinity import RouteAffinity
from trajlm.data.segments import make_mode_segments, segment_labels, split_segments
from trajlm.data.store import read_store
from trajlm.eval.classify import (
    FeatureGBClassifier,
    MeanEnsemble,
    ProbabilityEnsemble,
    run_classify_eval,
)
from trajlm.eval.classify_route import RouteGBClassifier, RouteVoteClassifier
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.report import mean_std, write_markdown_table
from trajlm.model import TrajectoryModel
from trajlm.tasks.classify import ModelClassifier

BASELINES = ("majority class", "GB features", "GB features [balanced]")
HEADER = ["method", "accuracy (%)", "macro-F1 (%)", "Δ acc vs GB, pp [95 % CI]", "trainable",
          "trainable (%)", "saved by fine-tuning (kB)", "train (s)"]  # fmt: skip
# aug / augw: train segments re-cut per epoch, hybrid features of the view / whole segment
OPTS = {"feat": "features", "bal": "class_weight", "aug": "augment", "augw": "augment",
        "adapt": "refit_scales", "route": "route"}  # fmt: skip
ROUTE_GAP_S = 86400.0  # route features' leak guard: the same user's segments within a day (val)


def classifiers(spec: str, pretrained: str, seeds: list[int], epochs: int, lr: float) -> list:
    """One ModelClassifier per seed for a spec INIT:MODE[:N_POINTS[:HEAD[:OPTS]]]."""
    init, mode, *rest = spec.split(":")
    if init not in ("pre", "scratch"):
        raise SystemExit(f"--specs {spec}: INIT must be pre or scratch, got {init!r}")
    n_points = int(rest[0]) if rest and rest[0] else None
    head = rest[1] if len(rest) > 1 else "mlp"
    opts = [o for o in (rest[2].split("+") if len(rest) > 2 else []) if o]
    if bad := [o for o in opts if o not in OPTS]:
        raise SystemExit(f"--specs {spec}: unknown option {bad[0]!r} (choose from {sorted(OPTS)})")
    kw = dict(mode=mode, epochs=epochs, lr=lr, name=f"trajlm {spec}", n_points=n_points, head=head,
              features="feat" in opts, class_weight="balanced" if "bal" in opts else None,
              refit_scales="adapt" if "adapt" in opts else "keep")  # fmt: skip
    if "aug" in opts or "augw" in opts:  # issue 15, lever 5: re-cut per epoch (modes7)
        kw |= dict(augment=SegmentAugment(), augment_features="whole" if "augw" in opts else "view")
    if "route" in opts:  # session 8: route-affinity features beside the motion ones
        kw["route"] = RouteAffinity(exclude_gap_s=ROUTE_GAP_S)
    if mode.startswith("lora"):
        kw["mode"], kw["lora_r"] = "lora", int(mode[4:] or 8)
    arch = TrajectoryModel.from_pretrained(pretrained).config
    source = pretrained if init == "pre" else None
    return [ModelClassifier(source, model_config=arch, seed=s, **kw) for s in seeds]


def gb_ci(correct: np.ndarray, gb_correct: np.ndarray) -> tuple[str, dict]:
    """'+1.2 [-3.0, +5.1]' (pp): paired bootstrap of per-segment correctness minus GB's."""
    ci = paired_bootstrap_ci(correct, gb_correct)
    return f"{100 * ci['diff']:+.1f} [{100 * ci['lo']:+.1f}, {100 * ci['hi']:+.1f}]", ci


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="Store with per-point labels (GeoLife).")
    ap.add_argument("--pretrained", required=True, help="Pretrained run directory.")
    ap.add_argument("--out", required=True, type=Path, help="Output directory.")
    ap.add_argument("--specs", nargs="+", required=True, help="INIT:MODE[:N_POINTS[:HEAD[:OPTS]]]")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--split-by", default="user_time", choices=("time", "user_time"))
    ap.add_argument("--ensemble", action="store_true", help="Also GB + model probabilities.")
    ap.add_argument("--score-on", default="test", choices=("val", "test"))
    ap.add_argument("--paired", nargs=2, metavar=("A", "B"), action="append", default=[],
                    help="Paired CI of spec A's accuracy minus spec B's (both in --specs); "
                    "repeatable.")  # fmt: skip
    ap.add_argument("--seed-average", action="store_true",
                    help="Also each spec's seeds averaged into one model (+ GB).")  # fmt: skip
    ap.add_argument("--route", action="store_true",
                    help="Also GB + route features, the route kNN vote + GB and every model "
                    "ensembled with GB + route features (session 8).")  # fmt: skip
    args = ap.parse_args(argv)
    if bad := [s for pair in args.paired for s in pair if s not in args.specs]:
        raise SystemExit(f"--paired {bad[0]}: not one of --specs {args.specs}")
    torch.set_num_threads(1)
    out: Path = args.out
    df = read_store(args.data).drop("split")
    groups = [classifiers(s, args.pretrained, args.seeds, args.epochs, args.lr) for s in args.specs]
    ensembles = []
    if args.ensemble:  # the same fitted model objects, plus one GB per seed
        ensembles = [[ProbabilityEnsemble(FeatureGBClassifier(random_state=m.seed), m,
                                          name=f"GB + {m.name} (w on val)") for m in g]
                     for g in groups]  # fmt: skip
    route_gb = []
    if args.route:  # the stronger baseline, retrieval alone, and each model with it
        rgap = RouteAffinity(exclude_gap_s=ROUTE_GAP_S)
        route_gb = [RouteGBClassifier(rgap, random_state=s) for s in args.seeds]
        ensembles.append(route_gb)
        ensembles.append([ProbabilityEnsemble(FeatureGBClassifier(random_state=0),
                                              RouteVoteClassifier(rgap),
                                              name="GB + route kNN vote (w on val)")])  # fmt: skip
        ensembles += [[ProbabilityEnsemble(r, m, name=f"GB + route features + {m.name} (w on val)")
                       for r, m in zip(route_gb, g, strict=True)] for g in groups]  # fmt: skip
    if args.seed_average:  # one method: the mean of a spec's seed replicates (+ GB)
        for g in groups:
            avg = MeanEnsemble(g, name=f"{g[0].name}, mean of {len(g)} seeds")
            avg.seed = g[0].seed
            ensembles.append([avg])
            ensembles.append([ProbabilityEnsemble(FeatureGBClassifier(random_state=0), avg,
                                                  name=f"GB + {avg.name} (w on val)")])  # fmt: skip
    res = run_classify_eval(df, models=tuple(groups + ensembles), seeds=tuple(args.seeds),
                            split_by=args.split_by, out=out, verbose=True,
                            score_on=args.score_on)  # fmt: skip
    rows = {r["method"]: r for r in res.rows}
    parts = split_segments(make_mode_segments(df)[0], args.split_by)
    scored = parts[args.score_on]
    y = segment_labels(scored)
    gb_correct = FeatureGBClassifier(random_state=0).fit(parts["train"]).classify(scored) == y
    rgb_correct = None  # GB + route features, seed 0: the strongest baseline when --route
    if route_gb:
        rgb_correct = route_gb[0].classify(scored) == y

    def scores(name: str) -> list[str]:
        return [mean_std(rows[name], "accuracy_pct"), mean_std(rows[name], "macro_f1_pct")]

    table = [[name, *scores(name), "", "", "", "", f"{rows[name]['fit_s']:.1f}"]
             for name in BASELINES]  # fmt: skip
    summary: dict = {"split_by": args.split_by, "scored_on": args.score_on, "methods": {},
                     "labels": y.tolist()}  # fmt: skip
    correct_of = {}  # method -> (N,) per-segment correctness averaged over seeds
    for group in groups + ensembles:
        first = group[0]
        pred = [m.classify(scored) for m in group]  # (seeds,) x (N,) labels
        correct = correct_of[first.name] = np.mean([p == y for p in pred], axis=0)
        ci_text, ci = gb_ci(correct, gb_correct)
        rec = summary["methods"][first.name] = {"ci_vs_gb": ci, "seeds": {},
                                                "pred": [p.tolist() for p in pred]}  # fmt: skip
        if rgb_correct is not None:
            rtext, rec["ci_vs_route_gb"] = gb_ci(correct, rgb_correct)
            ci_text += f"; vs GB + route {rtext}"
        if isinstance(first, RouteGBClassifier):
            table.append([first.name, *scores(first.name), ci_text, "", "", "",
                          f"{rows[first.name]['fit_s']:.1f}"])  # fmt: skip
            continue
        if isinstance(first, MeanEnsemble):
            table.append([first.name, *scores(first.name), ci_text, "", "", "",
                          f"{len(first.members)} models"])  # fmt: skip
            continue
        if isinstance(first, ProbabilityEnsemble):
            rec["weights"] = [m.weight_ for m in group]
            inner = [getattr(m.b, "members", [m.b]) for m in group]
            train_s = np.mean([sum(x.info_.get("train_s", 0) if hasattr(x, "info_") else 0
                                   for x in ms) for ms in inner])  # fmt: skip
            w = ", ".join(f"{m.weight_:.2f}" for m in group)
            table.append([f"{first.name}, w_GB = {w}", *scores(first.name), ci_text, "", "", "",
                          f"{train_s:.0f} + GB"])  # fmt: skip
            continue
        for m in group:
            info = {k: v for k, v in m.info_.items() if k != "history"}
            rec["seeds"][m.seed] = info
            print(m.name, m.seed, info, flush=True)
        saved = out / f"model-{first.name.replace(' ', '_').replace(':', '-').replace('+', '_')}"
        kb = first.save(saved) / 1e3 if first.route is None else float("nan")  # not storable
        train_s = np.mean([m.info_["train_s"] for m in group])
        info = first.info_
        table.append([first.name, *scores(first.name), ci_text, f"{info['trainable']:,}",
                      f"{info['pct']:.1f}", f"{kb:.0f}", f"{train_s:.0f}"])  # fmt: skip
    summary["paired"] = []
    for pair in args.paired:  # A minus B, per segment, correctness seed-averaged (+: A better)
        a, b = (groups[args.specs.index(s)][0].name for s in pair)
        ci = paired_bootstrap_ci(correct_of[a], correct_of[b])
        summary["paired"].append({"a": a, "b": b, **ci})
        print(f"{a} - {b}: {100 * ci['diff']:+.1f} pp accuracy "
              f"[{100 * ci['lo']:+.1f}, {100 * ci['hi']:+.1f}] (n={ci['n']})", flush=True)  # fmt: skip
    (out / "modes_summary.json").write_text(json.dumps(summary, indent=2, default=float))
    return write_markdown_table(out / "classify.md", HEADER, table)


if __name__ == "__main__":
    main()
