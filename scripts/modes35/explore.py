"""modes35, after the pre-registered rule (exploratory, user_time **val** only, test never read):
why self-training leaves GB where it is, and the variants the registered arms did not cover.

    1  precision of GB's confident predictions on val (how clean a p >= tau pseudo-label is)
    2  s1 over a threshold x pseudo-weight grid
    3  time contiguity as the labeller: a piece takes the mode of the nearest labelled train
       segment of its trip when the time gap is <= 300 s (n1), and only where GB agrees (n2)
    4  ``--forward``: s1 as registered, the grid's best cell and n1 vs GB on session 10's
       forward folds of train + val (each fold reads only pieces before the user's first
       segment outside that fold's fit part)

    PYTHONPATH=. python scripts/modes35/explore.py --data /tmp/stores/geolife --out OUT [--forward]

Writes OUT/explore.json and OUT/explore.md (OUT/forward.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import polars as pl
import selftrain as ST  # scripts/modes35, the script's own folder

from trajlm.data.motion_features import segment_features
from trajlm.data.segments import make_mode_segments, segment_labels, split_segments
from trajlm.data.store import read_store
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.grouped_cv import forward_folds, segment_users

TAUS, WEIGHTS, NEAR_GAP_S = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99), (1.0, 0.5, 0.25), 300


def nearest_labelled(table: pl.DataFrame, pieces: pl.DataFrame, train: pl.DataFrame) -> np.ndarray:
    """Per piece (``table`` order): the mode of the labelled train segment of the same trip with
    the smallest time gap between the two, if that gap is <= NEAR_GAP_S; else None."""
    span = pieces.group_by("traj_id").agg(pl.col("t").max().alias("t1"))
    p = table.join(span, on="traj_id", maintain_order="left").select("traj_id", "trip", "t0", "t1")
    seg = train.group_by("traj_id").agg(
        pl.col("source_traj_id").first().alias("trip"),
        pl.col("label").first().alias("lab"),
        pl.col("t").min().alias("s0"),
        pl.col("t").max().alias("s1"),
    )
    gap = pl.max_horizontal(pl.col("s0") - pl.col("t1"), pl.col("t0") - pl.col("s1"), pl.lit(0))
    j = p.join(seg.drop("traj_id"), on="trip").with_columns(gap.alias("gap"))
    j = j.filter(pl.col("gap") <= NEAR_GAP_S).sort(["traj_id", "gap", "s0"])  # ties: earlier
    j = j.group_by("traj_id", maintain_order=True).first().select("traj_id", "lab")
    # a join's row order is only kept when asked: the labels must line up with ``table``
    return table.join(j, on="traj_id", how="left", maintain_order="left")["lab"].to_numpy()


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="GeoLife store with per-point labels.")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--forward", action="store_true", help="Forward folds of train + val.")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    store = read_store(args.data).drop("split")
    parts = split_segments(make_mode_segments(store)[0], "user_time")
    if args.forward:
        return forward(store, parts, args.out)
    tr, va = parts["train"], parts["val"]
    classes = np.unique(segment_labels(tr))
    X, names = segment_features(tr)
    y = segment_labels(tr)
    table, Xu, pieces = ST.kept_pieces(store, ST.train_period_cutoff(parts), X, names)
    Xq, yq, users = segment_features(va)[0], segment_labels(va), segment_users(va)[1]
    seed = 0  # every arm here is deterministic (HistGB without a feature share)
    p_gb = ST._proba(X, y, Xq, seed, classes)
    ok_gb = classes[p_gb.argmax(1)] == yq
    lines = ["# modes35 exploration (user_time val, after the rule; test not read)", "",
             "| GB on val: p_max >= tau | share of val (%) | accuracy of those (%) |",
             "|---|---|---|"]  # fmt: skip
    out: dict = {"precision": {}, "grid": {}, "near": {}}
    for tau in TAUS:
        m = p_gb.max(1) >= tau
        out["precision"][tau] = (100 * float(m.mean()), 100 * float(ok_gb[m].mean()))
        lines.append(f"| {tau} | {100 * m.mean():.1f} | {100 * ok_gb[m].mean():.1f} |")

    def row(name: str, p: np.ndarray, n_kept: int) -> dict:
        ok = classes[p.argmax(1)] == yq
        r = {"acc": 100 * float(ok.mean()), "n_kept": n_kept,
             "ci_seg": ST.M32.paired_bootstrap_ci(ok.astype(float), ok_gb.astype(float)),
             "ci_user": ST.M32.user_bootstrap_ci(ok, ok_gb, users),
             "recall": ST.recalls([p], yq, classes)}  # fmt: skip
        rec = " / ".join(f"{v:.0f}" for v in r["recall"].values())
        lines.append(f"| {name} | {n_kept} | {r['acc']:.1f} | {ST.M32._ci(r['ci_seg'])} | "
                     f"{ST.M32._ci(r['ci_user'])} | {rec} |")  # fmt: skip
        return r

    lines += ["", "| variant (val) | pseudo rows | accuracy (%) | Δ vs GB, segment CI | "
              "Δ vs GB, user CI | recall " + " / ".join(classes) + " (%) |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    for tau in TAUS:
        for w in WEIGHTS:
            mask, yu, fit_score = ST.self_train(X, y, Xu, seed, classes, tau=tau, weight=w)
            out["grid"][f"{tau}/{w}"] = row(f"s1, tau {tau}, weight {w}", fit_score(Xq),
                                            int(mask.sum()))  # fmt: skip
    near = nearest_labelled(table, pieces, tr)
    has = np.array([v is not None for v in near])
    yn = np.where(has, near, "").astype(str)
    p_u = ST._proba(X, y, Xu, seed, classes)
    agree = has & (classes[p_u.argmax(1)] == yn)
    out["near"]["n_with_label"], out["near"]["gb_agrees"] = int(has.sum()), int(agree.sum())
    for name, m in (("n1: nearest labelled segment's mode (gap <= 300 s)", has),
                    ("n2: n1 where GB's argmax agrees", agree)):  # fmt: skip
        Xa, ya = np.vstack([X, Xu[m]]), np.concatenate([y, yn[m]])
        out["near"][name] = row(name, ST._proba(Xa, ya, Xq, seed, classes), int(m.sum()))
    lines += ["", f"Pieces with a labelled neighbour within {NEAR_GAP_S} s: {int(has.sum())} of "
              f"{len(has)}; GB's argmax agrees with it on {int(agree.sum())}."]  # fmt: skip
    (args.out / "explore.json").write_text(json.dumps(out, indent=1, default=float))
    path = args.out / "explore.md"
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines), flush=True)
    return path


FORWARD_ARMS = ("s1 as registered (tau 0.9, weight 1)", "s1, tau 0.9, weight 0.25 (grid's best)",
                "n1: nearest labelled segment's mode")  # fmt: skip


def forward(store: pl.DataFrame, parts: dict, out: Path) -> Path:
    """FORWARD_ARMS vs GB on the forward folds of train + val (seed 0; all deterministic)."""
    pool = pl.concat([parts["train"], parts["val"]])
    ids, users = segment_users(pool)
    X, names = segment_features(pool)
    y = segment_labels(pool)
    classes = np.unique(y)
    ok = {a: np.full(len(y), np.nan) for a in ("GB", *FORWARD_ARMS)}
    for fit, _, sc in forward_folds(pool):
        later = pool.filter(~pl.col("traj_id").is_in(ids[fit].tolist()))
        cutoff = ST.train_period_cutoff({"val": later, "test": parts["test"]})
        table, Xu, pieces = ST.kept_pieces(store, cutoff, X[fit], names)
        fit_df = pool.filter(pl.col("traj_id").is_in(ids[fit].tolist()))
        near = nearest_labelled(table, pieces, fit_df)
        has = np.array([v is not None for v in near])
        yn = np.where(has, near, "").astype(str)
        p = {"GB": ST._proba(X[fit], y[fit], X[sc], 0, classes)}
        for a, w in zip(FORWARD_ARMS[:2], (1.0, 0.25), strict=True):
            p[a] = ST.self_train(X[fit], y[fit], Xu, 0, classes, weight=w)[2](X[sc])
        p[FORWARD_ARMS[2]] = ST._proba(np.vstack([X[fit], Xu[has]]),
                                       np.concatenate([y[fit], yn[has]]), X[sc], 0, classes)  # fmt: skip
        for a, pa in p.items():
            ok[a][sc] = classes[pa.argmax(1)] == y[sc]
        print(f"  fold: {len(fit)} fit, {len(sc)} scored, {len(Xu)} pieces", flush=True)
    s = ~np.isnan(ok["GB"])
    lines = ["| forward folds (train + val) | accuracy (%) | Δ vs GB, segment CI | "
             "Δ vs GB, user CI |", "|---|---|---|---|",
             f"| GB ({int(s.sum())} segments, {len(set(users[s]))} users) | "
             f"{100 * ok['GB'][s].mean():.1f} | | |"]  # fmt: skip
    for a in FORWARD_ARMS:
        lines.append(f"| {a} | {100 * ok[a][s].mean():.1f} | "
                     f"{ST.M32._ci(paired_bootstrap_ci(ok[a][s], ok['GB'][s]))} | "
                     f"{ST.M32._ci(ST.M32.user_bootstrap_ci(ok[a][s], ok['GB'][s], users[s]))} |")  # fmt: skip
    print("\n".join(lines), flush=True)
    path = out / "forward.md"
    path.write_text("\n".join(lines) + "\n")
    return path


if __name__ == "__main__":
    main()
