"""Transport modes on GeoLife's user_time split: GB self-trained on the slice's unlabelled
segments (issue 15, session 35, helper modes35). Arms and the test rule: scripts/modes35/PREREG.md.

    s1  GB on train labels the unlabelled pieces; max probability >= 0.9 joins train; refit
    s3  three rounds of s1 (each round re-labels every piece)
    sc  s1 + trip consistency (a piece keeps its label only if it is its trip's majority)
    sk  per class the k most confident pieces, k = the class's labelled train count

    PYTHONPATH=. python scripts/modes35/selftrain.py --data /tmp/stores/geolife --out OUT \
        [--read-test ARM]

Only unlabelled points of each user's train period are read (before the user's first val or
test segment). Writes OUT/selftrain.json and OUT/selftrain.md (val; with --read-test:
OUT/selftrain_test.*). The post-rule exploration (val only) is scripts/modes35/explore.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.motion_features import segment_features
from trajlm.data.segments import make_mode_segments, segment_labels, split_segments
from trajlm.data.store import read_store
from trajlm.eval.grouped_cv import segment_users

MAX_PIECE, MIN_PIECE, SLOW_PCT = 150, 10, 5.0  # PREREG: piece cut and in-distribution filter
TAU, ROUNDS, SEEDS = 0.9, 3, (0, 1, 2)
ARMS = ("GB", "s1", "s3", "sc", "sk")
RULE_ARMS = ("s1", "s3", "sc", "sk")
MIN_GAIN = 0.02  # PREREG: Δ >= +2.0 points as well as a user-CI lower end > 0
LABELS = {
    "GB": "GB features (baseline)",
    "s1": "s1: self-training, 1 round, p >= 0.9",
    "s3": "s3: self-training, 3 rounds, p >= 0.9",
    "sc": "sc: s1 + trip-majority consistency",
    "sk": "sk: per class the k most confident (k = labelled count)",
}


def _modes32():
    """scripts/modes32/arms.py (its GB fit and the user bootstrap), loaded by path."""
    path = Path(__file__).resolve().parents[1] / "modes32" / "arms.py"
    spec = importlib.util.spec_from_file_location("modes32_arms", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


M32 = _modes32()


def train_period_cutoff(parts: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Per user: the first time of any of the user's val or test segments (``cutoff``)."""
    scored = pl.concat([parts["val"], parts["test"]], how="diagonal_relaxed")
    return scored.group_by(pl.col("user_id").cast(pl.Utf8)).agg(pl.col("t").min().alias("cutoff"))


def unlabelled_pieces(store: pl.DataFrame, cutoff: pl.DataFrame) -> pl.DataFrame:
    """Pieces of the unlabelled points of each user's train period (PREREG): maximal runs of
    consecutive label-null points of one trajectory, >= MIN_PIECE points, runs longer than
    MAX_PIECE cut into ceil(n / MAX_PIECE) equal consecutive pieces. ``traj_id`` = piece id."""
    s = store.sort(["traj_id", "t"], maintain_order=True)
    null = pl.col("label").is_null()
    new_run = (pl.col("traj_id") != pl.col("traj_id").shift(1)).fill_null(True) | (
        null != null.shift(1)
    )
    s = s.with_columns(new_run.cast(pl.Int64).cum_sum().alias("_run"))
    s = s.with_columns(pl.col("user_id").cast(pl.Utf8)).join(
        cutoff, on="user_id", how="left", maintain_order="left"
    )  # polars does not keep a join's row order unless asked; the ranks below need it
    s = s.sort(["_run", "t"], maintain_order=True).filter(
        null & (pl.col("cutoff").is_null() | (pl.col("t") < pl.col("cutoff")))
    )
    n = pl.len().over("_run")
    s = s.filter(n >= MIN_PIECE).with_columns(
        pl.int_range(pl.len()).over("_run").alias("_r"), n.alias("_n")
    )
    k = (pl.col("_r") * ((pl.col("_n") + MAX_PIECE - 1) // MAX_PIECE)) // pl.col("_n")
    pid = pl.format("u{}#{}", pl.col("_run").cast(pl.Utf8).str.zfill(6), k)
    out = s.with_columns(pl.col("traj_id").alias("store_traj"), pid.alias("traj_id"))
    return out.drop("_run", "_r", "_n", "cutoff").sort(["traj_id", "t"])


def piece_table(pieces: pl.DataFrame) -> pl.DataFrame:
    """One row per piece in sorted id order: trip (source_traj_id), user, start / mid time."""
    return (
        pieces.group_by("traj_id")
        .agg(
            pl.col("source_traj_id").first().alias("trip"),
            pl.col("user_id").first(),
            pl.col("t").min().alias("t0"),
            ((pl.col("t").min() + pl.col("t").max()) / 2).alias("tmid"),
        )
        .sort("traj_id")
    )


def kept_pieces(store: pl.DataFrame, cutoff: pl.DataFrame, X: np.ndarray,
                names: list[str]) -> tuple[pl.DataFrame, np.ndarray, pl.DataFrame]:  # fmt: skip
    """(piece table, piece features, piece points) after PREREG's in-distribution filter: a
    piece slower (speed p50) than the SLOW_PCT percentile of the labelled rows ``X`` is dropped."""
    pieces = unlabelled_pieces(store, cutoff)
    table, Xu = piece_table(pieces), segment_features(pieces)[0]
    p50 = names.index("speed_mps_p50")
    fast = Xu[:, p50] >= np.percentile(X[:, p50], SLOW_PCT)
    return table.filter(pl.Series(fast)), Xu[fast], pieces


def _proba(X, y, Xq, seed, classes, w=None) -> np.ndarray:
    return M32._fit_proba(X, y, Xq, seed, classes, w)


def self_train(X, y, Xu, seed, classes, rounds=1, tau=TAU, weight=1.0, keep=None):
    """GB refit on train + pseudo-labelled pieces. ``keep(p_u) -> mask`` overrides the
    threshold. Returns (the final fitted-on rows' pseudo mask, labels, the Xq scorer)."""
    p_u = _proba(X, y, Xu, seed, classes)
    mask = keep(p_u) if keep else p_u.max(1) >= tau
    for _ in range(rounds - 1):
        yu = classes[p_u.argmax(1)]
        p_u = _proba(np.vstack([X, Xu[mask]]), np.concatenate([y, yu[mask]]), Xu, seed, classes,
                     np.concatenate([np.ones(len(y)), np.full(mask.sum(), weight)]))  # fmt: skip
        mask = keep(p_u) if keep else p_u.max(1) >= tau
    yu = classes[p_u.argmax(1)]

    def fit_score(Xq: np.ndarray) -> np.ndarray:
        w = np.concatenate([np.ones(len(y)), np.full(mask.sum(), weight)])
        return _proba(np.vstack([X, Xu[mask]]), np.concatenate([y, yu[mask]]), Xq, seed,
                      classes, w)  # fmt: skip

    return mask, yu, fit_score


def trip_majority(mask: np.ndarray, yu: np.ndarray, trips: np.ndarray) -> np.ndarray:
    """Of the kept pieces, those whose label is the (tied-)most common kept label of their trip."""
    out = mask.copy()
    for trip in np.unique(trips[mask]):
        idx = np.flatnonzero(mask & (trips == trip))
        labs, cnt = np.unique(yu[idx], return_counts=True)
        out[idx] = np.isin(yu[idx], labs[cnt == cnt.max()])
    return out


def class_matched(y: np.ndarray, classes: np.ndarray):
    """keep(p): per class c the k_c most confident pieces whose argmax is c (k_c = train count)."""

    def keep(p: np.ndarray) -> np.ndarray:
        arg, conf, m = p.argmax(1), p.max(1), np.zeros(len(p), bool)
        for i, c in enumerate(classes):
            idx = np.flatnonzero(arg == i)
            m[idx[np.argsort(-conf[idx], kind="stable")[: int(np.sum(y == c))]]] = True
        return m

    return keep


def arms(X, y, Xu, Xq, trips, seed, classes) -> tuple[dict, dict]:
    """Probabilities of every registered arm on Xq and the pseudo sets (mask, labels)."""
    out = {"GB": _proba(X, y, Xq, seed, classes)}
    sets = {}
    for arm, kw in (("s1", {}), ("s3", {"rounds": ROUNDS}),
                    ("sk", {"keep": class_matched(y, classes)})):  # fmt: skip
        mask, yu, fit_score = self_train(X, y, Xu, seed, classes, **kw)
        out[arm], sets[arm] = fit_score(Xq), (mask, yu)
    mask, yu = sets["s1"]
    mc = trip_majority(mask, yu, trips)
    w = np.concatenate([np.ones(len(y)), np.ones(mc.sum())])
    out["sc"] = _proba(np.vstack([X, Xu[mc]]), np.concatenate([y, yu[mc]]), Xq, seed, classes, w)
    sets["sc"] = (mc, yu)
    return {a: out[a] for a in ARMS}, sets


def recalls(probs: list[np.ndarray], y: np.ndarray, classes: np.ndarray) -> dict[str, float]:
    """Per-class recall (%) on the scored part, mean over seeds."""
    pred = [classes[p.argmax(1)] for p in probs]
    return {c: 100 * float(np.mean([np.mean(p[y == c] == c) for p in pred]))
            for c in classes if np.any(y == c)}  # fmt: skip


def consistency(train: pl.DataFrame, table: pl.DataFrame, mask, yu) -> dict[str, float]:
    """Trip consistency (PREREG): labelled train segments vs their trip's previous segment;
    kept pseudo pieces vs their trip's previous kept piece and the nearest labelled segment."""
    seg = (train.group_by("traj_id").agg(pl.col("source_traj_id").first().alias("trip"),
                                         pl.col("label").first(), pl.col("t").min().alias("t0"),
                                         ((pl.col("t").min() + pl.col("t").max()) / 2)
                                         .alias("tmid")).sort(["trip", "t0"]))  # fmt: skip

    def same_as_prev(df: pl.DataFrame) -> tuple[float, int]:
        d = (
            df.sort(["trip", "t0"])
            .with_columns(
                (pl.col("trip") == pl.col("trip").shift(1)).alias("has"),
                (pl.col("label") == pl.col("label").shift(1)).alias("same"),
            )
            .filter(pl.col("has"))
        )
        return (100 * float(d["same"].mean()) if len(d) else float("nan")), len(d)

    kept = table.with_columns(pl.Series("label", yu)).filter(pl.Series(mask))
    lab_prev, n_lab = same_as_prev(seg)
    ps_prev, n_ps = same_as_prev(kept)
    near = kept.join(seg.select("trip", pl.col("label").alias("lab"), pl.col("tmid").alias("tl")),
                     on="trip", how="inner", maintain_order="left")  # fmt: skip
    near = near.with_columns((pl.col("tmid") - pl.col("tl")).abs().alias("gap"))
    near = near.sort(["traj_id", "gap", "tl"]).group_by("traj_id", maintain_order=True).first()
    return {"train_same_as_prev": lab_prev, "train_pairs": n_lab,
            "pseudo_same_as_prev": ps_prev, "pseudo_pairs": n_ps,
            "pseudo_same_as_nearest_labelled": 100 * float((near["label"] == near["lab"]).mean()),
            "pseudo_with_labelled_trip": len(near)}  # fmt: skip


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="GeoLife store with per-point labels.")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--read-test", choices=RULE_ARMS, help="Score GB and this arm on test once.")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    store = read_store(args.data).drop("split")
    parts = split_segments(make_mode_segments(store)[0], "user_time")
    tr = parts["train"]
    classes = np.unique(segment_labels(tr))
    X, names = segment_features(tr)
    y = segment_labels(tr)
    table, Xu, pieces = kept_pieces(store, train_period_cutoff(parts), X, names)
    trips = table["trip"].to_numpy().astype(str)
    n_all = pieces["traj_id"].n_unique()
    print(f"pieces: {n_all} of >= {MIN_PIECE} points, {len(Xu)} kept after the speed filter, "
          f"{table['user_id'].n_unique()} users", flush=True)  # fmt: skip
    q = "test" if args.read_test else "val"
    Xq, yq = segment_features(parts[q])[0], segment_labels(parts[q])
    users = segment_users(parts[q])[1]
    probs: dict[str, list[np.ndarray]] = {a: [] for a in ARMS}
    kept = {}
    for seed in SEEDS:
        out, sets = arms(X, y, Xu, Xq, trips, seed, classes)
        for a, p in out.items():
            probs[a].append(p)
        kept[seed] = {a: {"n": int(m.sum()),
                          "mix": {str(c): int(k) for c, k in zip(*np.unique(yu[m], return_counts=True),
                                                                   strict=True)}}
                      for a, (m, yu) in sets.items()}  # fmt: skip
        print(f"  seed {seed}: arms fitted; kept {kept[seed]}", flush=True)
    if args.read_test:
        probs = {a: probs[a] for a in ("GB", args.read_test)}
    res = M32.score(probs, yq, users, classes)
    for a in probs:
        res[a]["recall"] = recalls(probs[a], yq, classes)
    cons = consistency(tr, table, *sets["s1"])
    ok = [a for a in RULE_ARMS if a in res and a != "GB" and res[a]["ci_user"]["lo"] > 0
          and res[a]["ci_user"]["diff"] >= MIN_GAIN]  # fmt: skip
    verdict = max(ok, key=lambda a: np.mean(res[a]["acc"])) if ok else None
    cls = [c for c in classes if np.any(yq == c)]
    lines = [f"# modes35: user_time {q} ({len(yq)} segments, {len(set(users))} users); "
             f"{len(Xu)} unlabelled pieces", "",
             f"| arm ({q}) | accuracy (%) | macro-F1 (%) | Δ vs GB, pp, segment CI | "
             f"Δ vs GB, pp, user CI | pseudo kept (seed 0) | recall {' / '.join(cls)} (%) |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for a, r in res.items():
        ci = ("", "") if a == "GB" else (M32._ci(r["ci_seg"]), M32._ci(r["ci_user"]))
        n_kept = kept[0][a]["n"] if a in kept[0] else ""
        rec = " / ".join(f"{r['recall'][c]:.0f}" for c in cls)
        lines.append(f"| {LABELS[a]} | {np.mean(r['acc']):.1f} ± {np.std(r['acc']):.1f} | "
                     f"{np.mean(r['f1']):.1f} | {ci[0]} | {ci[1]} | {n_kept} | {rec} |")  # fmt: skip
    lines += ["", f"Consistency (s1, seed {SEEDS[-1]}): {json.dumps(cons)}"]
    if q == "val":
        lines += ["", f"PREREG rule: test is read for: {verdict or 'no arm'}"]
    stem = "selftrain" + ("_test" if args.read_test else "")
    out = {"part": q, "n": len(yq), "n_users": len(set(users)), "n_pieces": len(Xu),
           "arms": res, "kept": kept, "consistency": cons, "rule": verdict}  # fmt: skip
    (args.out / f"{stem}.json").write_text(json.dumps(out, indent=1, default=_jsonable))
    path = args.out / f"{stem}.md"
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines), flush=True)
    return path


def _jsonable(v):
    return v.item() if hasattr(v, "item") else str(v)


if __name__ == "__main__":
    main()
