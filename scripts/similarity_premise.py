"""Why pretrained states lose similarity search, and a harder task (issue 14, the premise).

Three stages, one store (PROTOCOL task 5; docs/pretraining.md "Session 9"):

    # no training: every pooling (block 0..L-1, "all", final) x (raw, standardize, whiten)
    # of the pretrained checkpoint and of random inits, on VAL: mean cosine between trips,
    # top-1 / mean rank on the odd/even halves and on the hard queries
    python scripts/similarity_premise.py diag --data STORE --pretrained RUN/best --out DIR
    # contrastive fine-tunes (both arms, seed 0) for each LR:TEMP:EPOCHS:LAYER, scored on VAL
    python scripts/similarity_premise.py sweep ... --configs 1e-3:0.1:8:final 3e-3:0.05:16:all
    # the rule per arm on the sweep: "ARM CONFIG NORM" lines (best val top-1, hard clock-shifted)
    python scripts/similarity_premise.py pick ... --out DIR
    # the chosen setting per arm, seeds 0-2, TEST, both tasks, with DTW / Frechet / Hausdorff /
    # resampled shape, paired bootstrap CIs (pretrained - random init; each arm - best baseline)
    python scripts/similarity_premise.py test ... --pre-config C --scratch-config C --norm N

The hard task (``trajlm.similarity.make_hard_similarity_task``): the query is a 50-80 %
sub-window of the trip's odd-indexed points, every 2nd point of it, with 20-50 m of Gaussian
noise; the database the even-indexed points (task seed 0, the same queries for every arm).
"hard, clock-shifted": the same queries with their timestamps moved by 2-10 h (a random net
matches the halves on the time of day alone; docs/pretraining.md "Session 9").
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import polars as pl
import torch

from trajlm.data.features import LocalProjection
from trajlm.data.store import read_store
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.report import write_markdown_table
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.similarity import (
    EmbeddingSearch,
    ResampledShape,
    discrete_frechet_matrix,
    dtw_distance_matrix,
    hausdorff_matrix,
    make_hard_similarity_task,
    make_similarity_task,
)
from trajlm.tasks.contrastive import ContrastiveConfig, fit_contrastive
from trajlm.tasks.embed import ModelEmbedder, StandardizedEmbedder, mean_pair_cosine

N_POINTS = 32  # points per query / view, as in section 3 (scripts/similarity_results.py)
SHIFT_S = (7_200.0, 36_000.0)  # the clock-shifted hard queries: moved by 2-10 h


def tasks(df: pl.DataFrame) -> dict:
    """{name: SimilarityTask} on one split: the PROTOCOL halves and the hard queries."""
    return {"halves": make_similarity_task(df), "hard": make_hard_similarity_task(df, seed=0),
            "hard, clock-shifted": make_hard_similarity_task(df, seed=0, shift_s=SHIFT_S)}  # fmt: skip


def ranks_of(dist: np.ndarray) -> np.ndarray:
    """(N,) rank of each query's true match (database row i), ties counted against it."""
    return 1 + (dist < np.diag(dist)[:, None]).sum(1)


def summary(r: np.ndarray) -> dict:
    return {"mean_rank": float(r.mean()), "top1": float(100 * (r <= 1).mean()),
            "top5": float(100 * (r <= 5).mean())}  # fmt: skip


def embedder_ranks(emb, task) -> np.ndarray:
    return ranks_of(EmbeddingSearch(emb.embed, "l2").fit(task.database).rank_all(task.query))


def normed(emb, train: pl.DataFrame, norm: str):
    """The embedder as is ("raw") or standardized / whitened with train statistics."""
    return emb if norm == "raw" else StandardizedEmbedder(emb, train, norm)


def random_init(run: str, seed: int) -> TrajectoryModel:
    """The checkpoint's architecture and NormStats, seeded weights (section 3's arm)."""
    torch.manual_seed(seed)
    cfg = TrajectoryModel.from_pretrained(run).config
    return TrajectoryModel(ModelConfig.from_dict(cfg.to_dict())).eval()


def parse_layer(x: str) -> int | str | None:
    return None if x == "final" else (x if x == "all" else int(x))


def parse_config(text: str, seed: int) -> ContrastiveConfig:
    """LR:TEMPERATURE:EPOCHS:LAYER[:aug][:projN][:l2spW] -> the contrastive recipe (32-point
    views; "aug": sub-window + noise augmented views, ContrastiveConfig.augment; "projN": the
    loss on an N-wide projection head, ContrastiveConfig.projection_dim, search before the
    head; "l2spW": L2-SP toward the starting weights with weight W, ContrastiveConfig.l2sp)."""
    lr, temp, epochs, layer, *opts = text.split(":")
    proj = [int(o[4:]) for o in opts if o.startswith("proj")]
    l2sp = [o for o in opts if o.startswith("l2sp")]
    if set(opts) - {"aug"} - {f"proj{d}" for d in proj} - set(l2sp):
        raise ValueError(f"unknown options in {text!r}: use aug, projN and/or l2spW")
    return ContrastiveConfig(epochs=int(epochs), lr=float(lr), temperature=float(temp),
                             n_points=N_POINTS, seed=seed, layer=parse_layer(layer),
                             augment="aug" in opts, projection_dim=proj[0] if proj else 0,
                             l2sp=float(l2sp[0][4:]) if l2sp else 0.0)  # fmt: skip


def fine_tuned(model: TrajectoryModel, cfg: ContrastiveConfig, train, val,
               cache: Path | None = None, key: str = "") -> tuple:  # fmt: skip
    """``fit_contrastive`` (deterministic by cfg.seed); with ``cache`` the fine-tuned weights
    and info are kept as CACHE/KEY.{pt,json} and loaded instead of re-training (so the test's
    seed-0 run of a swept recipe reuses the sweep's; scratch files, never committed)."""
    if cache is not None and (cache / f"{key}.pt").exists():
        model.load_state_dict(torch.load(cache / f"{key}.pt"))
        return model.eval(), json.loads((cache / f"{key}.json").read_text()) | {"cached": True}
    t0 = time.perf_counter()
    info = fit_contrastive(model, train, val, cfg)
    info = {k: v for k, v in info.items() if k != "history"} | {"wall_s": time.perf_counter() - t0}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), cache / f"{key}.pt")
        (cache / f"{key}.json").write_text(json.dumps(info))
    return model.eval(), info


def diag(args, train, val) -> None:
    ts, rows, rec = tasks(val), [], []
    # the same points with the query's clock moved: what a model matches on the time of day
    ts["halves, clock-shifted"] = make_hard_similarity_task(val, 0, None, 1, None, shift_s=SHIFT_S)
    models = {"pretrained": TrajectoryModel.from_pretrained(args.pretrained).eval()}
    for s in args.seeds:
        models[f"random init s{s}"] = random_init(args.pretrained, s)
    n_layers = len(models["pretrained"].blocks)
    for name, model in models.items():
        for layer in [*range(n_layers), "all", "final"]:
            emb = ModelEmbedder(model, n_points=N_POINTS, layer=parse_layer(str(layer)))
            cos = mean_pair_cosine(emb.embed(ts["halves"].database))
            for norm in args.norms:
                e = normed(emb, train, norm)
                r = {t: summary(embedder_ranks(e, task)) for t, task in ts.items()}
                rec.append({"model": name, "layer": str(layer), "norm": norm, "cos": cos, **r})
                rows.append([name, str(layer), norm, f"{cos:.3f}",
                             *[f"{r[t]['top1']:.1f} / {r[t]['mean_rank']:.2f}" for t in ts]])  # fmt: skip
                print(" | ".join(rows[-1]), flush=True)
    (args.out / "diag.json").write_text(json.dumps(rec, indent=1))
    head = ["model", "pooled layer", "normalisation", "mean cosine between trips (raw)",
            *[f"{t} top-1 % / mean rank" for t in ts]]  # fmt: skip
    print(write_markdown_table(args.out / "diag.md", head, rows).read_text())


def sweep(args, train, val) -> None:
    ts, rows, rec = tasks(val), [], []
    log = args.out / "sweep.jsonl"  # appended per run: a (recipe, arm) already there is kept
    lines = log.read_text().splitlines() if log.exists() else []
    done = {(r["config"], r["arm"]) for r in map(json.loads, lines)}
    for text in args.configs:
        for arm in args.arms:
            if (text, arm) in done:
                continue
            model = (TrajectoryModel.from_pretrained(args.pretrained) if arm == "pretrained"
                     else random_init(args.pretrained, 0))  # fmt: skip
            cfg = parse_config(text, 0)
            model, info = fine_tuned(model, cfg, train, val, args.cache, f"{arm}_{text}_s0")
            emb = ModelEmbedder(model, n_points=N_POINTS, layer=cfg.layer)
            cos = mean_pair_cosine(emb.embed(ts["halves"].database))
            for norm in args.norms:
                e = normed(emb, train, norm)
                r = {t: summary(embedder_ranks(e, task)) for t, task in ts.items()}
                rec.append(
                    {"config": text, "arm": arm, "norm": norm, "cos": cos, "info": info, **r}
                )
                rows.append([text, arm, norm, str(info["best_epoch"]), f"{info['wall_s']:.0f}",
                             f"{cos:.3f}",
                             *[f"{r[t]['top1']:.1f} / {r[t]['mean_rank']:.2f}" for t in ts]])  # fmt: skip
                print(" | ".join(rows[-1]), flush=True)
            with open(log, "a") as f:
                f.write("".join(json.dumps(x) + "\n" for x in rec[-len(args.norms) :]))
    head = ["lr:temp:epochs:layer", "arm", "normalisation", "best epoch", "wall s",
            "mean cosine", *[f"{t} top-1 % / mean rank" for t in ts]]  # fmt: skip
    print(write_markdown_table(args.out / "sweep.md", head, rows).read_text())


def pick(sweep_jsonl: Path, arm: str, task: str = "hard, clock-shifted") -> tuple[str, str]:
    """The rule fixed before each sweep: for one arm, the (config, normalisation) with the
    best val top-1 on ``task`` (ties: the lower mean rank, then the first swept)."""
    recs = [json.loads(x) for x in sweep_jsonl.read_text().splitlines() if x.strip()]
    recs = [r for r in recs if r["arm"] == arm]
    if not recs:
        raise ValueError(f"no {arm!r} rows in {sweep_jsonl}")
    best = min(
        enumerate(recs), key=lambda ir: (-ir[1][task]["top1"], ir[1][task]["mean_rank"], ir[0])
    )
    return best[1]["config"], best[1]["norm"]


def baseline_ranks(train: pl.DataFrame, task) -> dict[str, np.ndarray]:
    proj = LocalProjection.fit(train)
    Q, q_len, D, d_len = task.padded(proj)
    out = {n: ranks_of(f(Q, D, q_len, d_len)) for n, f in (
        ("DTW", dtw_distance_matrix), ("discrete Fréchet", discrete_frechet_matrix),
        ("Hausdorff", hausdorff_matrix))}  # fmt: skip
    out["resampled shape"] = embedder_ranks(ResampledShape(proj), task)
    return out


def test(args, train, val, test_df) -> None:
    ts, ranks = tasks(test_df), {}  # ranks[task][method] = (seeds or 1, queries)
    for t, task in ts.items():
        ranks[t] = {k: v[None].astype(float) for k, v in baseline_ranks(train, task).items()}
    arms = {"pretrained": args.pre_config, "random init": args.scratch_config}
    norms = {"pretrained": args.norm, "random init": args.scratch_norm or args.norm}
    infos = {}
    for arm, text in arms.items():
        per = {t: [] for t in ts}
        for s in args.seeds:
            model = (TrajectoryModel.from_pretrained(args.pretrained) if arm == "pretrained"
                     else random_init(args.scratch_from or args.pretrained, s))  # fmt: skip
            cfg = parse_config(text, s)
            key = f"{arm.split()[0]}_{text}_s{s}"  # "random init" -> the sweep's "random"
            model, infos[f"{arm} s{s}"] = fine_tuned(model, cfg, train, val, args.cache, key)
            emb = ModelEmbedder(model, n_points=N_POINTS, layer=cfg.layer)
            emb = normed(emb, train, norms[arm])
            for t, task in ts.items():
                per[t].append(embedder_ranks(emb, task))
            print(arm, s, infos[f"{arm} s{s}"], {t: summary(per[t][-1]) for t in ts}, flush=True)
        for t in ts:
            ranks[t][f"{arm} + contrastive"] = np.array(per[t], float)
    rows, rec = [], {"arms": arms, "norms": norms, "seeds": args.seeds, "infos": infos}
    metrics = {"mean rank": lambda r: r, "top-1 (%)": lambda r: 100.0 * (r <= 1),
               "top-5 (%)": lambda r: 100.0 * (r <= 5)}  # fmt: skip
    for t in ts:
        base = [k for k in ranks[t] if "contrastive" not in k]
        best = min(base, key=lambda k: ranks[t][k].mean())  # the strongest baseline by rank
        rec[t] = {"best_baseline": best, "n": int(ranks[t][best].shape[1])}
        for name, r in ranks[t].items():
            m = {k: f(r).mean(1) for k, f in metrics.items()}  # per seed
            rec[t][name] = {k: v.tolist() for k, v in m.items()}
            rows.append([t, name, *[f"{v.mean():.2f} ± {v.std(ddof=1):.2f}" if len(v) > 1
                                    else f"{v[0]:.2f}" for v in m.values()]])  # fmt: skip
        pairs = [
            ("pretrained + contrastive", "random init + contrastive"),
            ("pretrained + contrastive", best),
            ("random init + contrastive", best),
        ]
        for a, b in pairs:
            cis = {k: paired_bootstrap_ci(f(ranks[t][a]).mean(0), f(ranks[t][b]).mean(0))
                   for k, f in metrics.items()}  # fmt: skip
            rec[t][f"{a} - {b}"] = cis
            rows.append([t, f"{a} - {b} (95 % CI)",
                         *[f"{c['diff']:+.2f} ({c['lo']:+.2f} to {c['hi']:+.2f})"
                           for c in cis.values()]])  # fmt: skip
    (args.out / "test.json").write_text(json.dumps(rec, indent=1))
    head = ["task", "method", "mean rank", "top-1 (%)", "top-5 (%)"]
    print(write_markdown_table(args.out / "test.md", head, rows).read_text())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stage", choices=["diag", "sweep", "test", "pick"])
    ap.add_argument("--data", required=True, help="Store directory.")
    ap.add_argument("--pretrained", required=True, help="Pretrained run (RUN/best).")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--norms", nargs="+", default=["raw", "standardize", "whiten"])
    ap.add_argument(
        "--configs",
        nargs="+",
        default=["1e-3:0.1:8:final"],
        help="sweep: LR:TEMPERATURE:EPOCHS:LAYER[:aug][:projN] (layer: final, all or 0..L-1)",
    )
    ap.add_argument("--arms", nargs="+", default=["pretrained", "random"])
    ap.add_argument("--pre-config", default="1e-3:0.1:8:final")
    ap.add_argument("--scratch-config", default="1e-3:0.1:8:final")
    ap.add_argument("--norm", default="raw", help="test: raw, standardize or whiten")
    ap.add_argument("--scratch-norm", default=None, help="test: the random arm's (--norm)")
    ap.add_argument(
        "--scratch-from",
        default=None,
        help="test: the run whose architecture and NormStats the random arm takes (--pretrained)",
    )
    ap.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="sweep / test: keep and reuse fine-tuned weights here (scratch)",
    )
    args = ap.parse_args(argv)
    if args.stage == "pick":  # print "ARM CONFIG NORM" per arm from --out's sweep.jsonl
        for arm in args.arms:
            print(arm, *pick(args.out / "sweep.jsonl", arm))
        return
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    df = read_store(args.data)
    part = {s: df.filter(pl.col("split") == s).drop("split") for s in ("train", "val", "test")}
    if args.stage == "diag":
        diag(args, part["train"], part["val"])
    elif args.stage == "sweep":
        sweep(args, part["train"], part["val"])
    else:
        test(args, part["train"], part["val"], part["test"])


if __name__ == "__main__":
    main()
