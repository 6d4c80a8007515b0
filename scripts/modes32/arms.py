"""Transport modes on GeoLife's user_time split: gradient-boosting arms against GB (issue 15,
session 32, helper modes32). The arms and the test rule are fixed in scripts/modes32/PREREG.md.

    a   GB on train + augmented copies (crops, thinning, GPS noise), each view weighted 1/4
    b2  GB with user-balanced sample weights (n_user^-1/2); b3: x inverse class share
    c0  + the segment's speeds over its user's speed scale, from the user's train points
    c1  the same scale from the user's unlabelled store points (an assumption: see PREREG)
    d   GB + hybrid soft vote, w_GB by user-grouped 3-fold CV on train (needs --hybrid first)

    PYTHONPATH=. python scripts/modes32/arms.py --data /tmp/stores/geolife --out OUT \
        [--hybrid PRETRAINED_RUN/best] [--split-by user_time|time] [--read-test ARM]

``--hybrid`` fine-tunes the hybrids (fold models seed 0, full models seeds 0 1 2) and caches
their probabilities in OUT/hybrid_<split>.npz; a later run without it reads the cache. Writes
OUT/arms_<split>.json and OUT/arms_<split>.md (val, or test with --read-test).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.augment_segments import SegmentAugment
from trajlm.data.motion_features import segment_features
from trajlm.data.segments import make_mode_segments, segment_labels, split_segments
from trajlm.data.store import read_store
from trajlm.eval.classify import FeatureGBClassifier
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.grouped_cv import grouped_folds, segment_users

M_PER_DEG = 6_371_000.0 * np.pi / 180.0  # haversine's earth radius, as motion_features
N_VIEWS, MAX_SIGMA_M = 4, 1.5  # arm a (PREREG)
MOVING_MPS, MAX_DT_S, MAX_MPS = 0.5, 120.0, 70.0  # arm c: which point speeds form a user's scale
SPEED_COLS = ("speed_mps_p10", "speed_mps_p50", "speed_mps_p90", "speed_mps_mean")
W_GRID = np.round(np.arange(0.0, 1.0001, 0.05), 2)
HYBRID_SPEC, EPOCHS, LR, SEEDS = "pre:full:64:linear:feat", 20, 3e-3, (0, 1, 2)
ARMS = ("GB", "a", "b1", "b2", "b3", "c0", "c1", "d")
RULE_ARMS = ("a", "b2", "b3", "c0", "c1", "d")  # b1's test was read in session 6
LABELS = {
    "GB": "GB features (baseline)",
    "a": "a: GB + augmented copies (crop, thin, GPS noise)",
    "b1": "b1: GB [balanced] (class weights)",
    "b2": "b2: GB user-balanced weights",
    "b3": "b3: GB class x user balanced weights",
    "c0": "c0: + user speed scale, user's train points",
    "c1": "c1: + user speed scale, user's unlabelled points (assumption)",
    "d": "d: GB + hybrid, w_GB by user-grouped CV on train",
}


def augmented_copies(train: pl.DataFrame, seed: int, n_views: int = N_VIEWS,
                     max_sigma_m: float = MAX_SIGMA_M,
                     augment: SegmentAugment | None = None) -> list[pl.DataFrame]:  # fmt: skip
    """``n_views`` random views of every train segment: SegmentAugment's crop + thinning (view k
    = epoch k; ``augment`` defaults to ``SegmentAugment()``), then every point moved by Gaussian
    noise of a per-segment sigma ~ U(0, max_sigma_m) metres. Deterministic per seed; labels and
    ids kept."""
    augment = SegmentAugment() if augment is None else augment
    out = []
    for k in range(n_views):
        v = augment.view(train, seed=seed, epoch=k)
        rng = np.random.default_rng([seed, k, 0x6E5])
        ids = v["traj_id"].to_numpy()
        _, seg = np.unique(ids, return_inverse=True)
        sigma = rng.uniform(0.0, max_sigma_m, seg.max() + 1)[seg] / M_PER_DEG  # degrees of lat
        lat = v["lat"].to_numpy()
        north, east = rng.normal(0.0, 1.0, (2, len(v))) * sigma
        out.append(v.with_columns(pl.Series("lat", lat + north),
                                  pl.Series("lon", v["lon"].to_numpy() + east
                                            / np.cos(np.radians(lat)))))  # fmt: skip
    return out


def user_weights(users: np.ndarray, y: np.ndarray | None = None) -> np.ndarray:
    """Sample weights ∝ n_user^-1/2 (x the inverse class share when ``y`` is given), mean 1:
    one heavy user (062: 405 of 994 train segments) no longer sets most of the trees' splits."""
    _, inv, cnt = np.unique(users, return_inverse=True, return_counts=True)
    w = cnt[inv] ** -0.5
    if y is not None:
        _, yi, ycnt = np.unique(y, return_inverse=True, return_counts=True)
        w = w / ycnt[yi]
    return w / w.mean()


def user_speed_scale(points: pl.DataFrame) -> dict[str, tuple[float, float]]:
    """Per user: (p50, p90) of the moving point speeds (m/s) of ``points`` (traj_id, t, lat,
    lon, user_id): consecutive points of one trajectory, 0 < dt <= 120 s, 0.5 < v < 70 m/s."""
    p = points.sort(["traj_id", "t"])
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    dlat = (pl.col("lat") - pl.col("lat").shift(1)).radians()
    dlon = (pl.col("lon") - pl.col("lon").shift(1)).radians() * pl.col("lat").radians().cos()
    s = p.select(
        pl.col("user_id").cast(pl.Utf8),
        pl.when(same).then((dlat**2 + dlon**2).sqrt() * 6_371_000.0).alias("step_m"),
        pl.when(same).then((pl.col("t") - pl.col("t").shift(1)).cast(pl.Float64)).alias("dt"),
    ).with_columns((pl.col("step_m") / pl.col("dt")).alias("v"))
    s = s.filter((pl.col("dt") > 0) & (pl.col("dt") <= MAX_DT_S) & (pl.col("v") > MOVING_MPS)
                 & (pl.col("v") < MAX_MPS))  # fmt: skip
    g = s.group_by("user_id").agg(pl.col("v").median().alias("p50"),
                                  pl.col("v").quantile(0.9, "linear").alias("p90"))  # fmt: skip
    return {u: (a, b) for u, a, b in g.iter_rows()}


def scaled_speed_columns(X: np.ndarray, names: list[str], users: np.ndarray,
                         scale: dict[str, tuple[float, float]]) -> np.ndarray:  # fmt: skip
    """(N, 8): each of the segment's speed p10 / p50 / p90 / mean over its user's p50 and p90;
    NaN for a user without a scale (HistGB routes NaN itself)."""
    sc = np.array([scale.get(u, (np.nan, np.nan)) for u in users], np.float64).reshape(-1, 2)
    cols = X[:, [names.index(c) for c in SPEED_COLS]]
    return np.hstack([cols / sc[:, :1], cols / sc[:, 1:]])


def user_bootstrap_ci(a: np.ndarray, b: np.ndarray, users: np.ndarray, n_boot: int = 2000,
                      seed: int = 0) -> dict[str, float]:  # fmt: skip
    """Mean of a - b over segments and its 95 % interval when whole users are resampled with
    replacement (the user is the unit of independence on user_time)."""
    d = np.asarray(a, np.float64) - np.asarray(b, np.float64)
    _, inv = np.unique(users, return_inverse=True)
    s, c = np.bincount(inv, d), np.bincount(inv)
    draw = np.random.default_rng(seed).integers(0, len(s), (n_boot, len(s)))
    means = s[draw].sum(1) / c[draw].sum(1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return {"diff": float(d.mean()), "lo": float(lo), "hi": float(hi), "n_users": int(len(s))}


def _gb(seed: int, **kw) -> FeatureGBClassifier:
    return FeatureGBClassifier(random_state=seed, **kw)


def _fit_proba(X, y, Xq, seed, classes, w=None, **kw) -> np.ndarray:
    """GB probabilities of rows Xq, columns = ``classes`` (a class absent from y gets 0)."""
    m = _gb(seed, **kw)._new_gb(seed).fit(X, y, sample_weight=w)
    p = np.zeros((len(Xq), len(classes)))
    p[:, np.searchsorted(classes, m.classes_.astype(str))] = m.predict_proba(Xq)
    return p


def gb_arms(parts: dict, unlabelled: pl.DataFrame, seed: int, classes: np.ndarray,
            q: str) -> dict[str, np.ndarray]:  # fmt: skip
    """Probabilities of every GB arm on part ``q`` (fitted on train, this seed)."""
    tr, te = parts["train"], parts[q]
    X, names = segment_features(tr)
    Xq = segment_features(te)[0]
    y = segment_labels(tr)
    u, uq = segment_users(tr)[1], segment_users(te)[1]
    out = {"GB": _fit_proba(X, y, Xq, seed, classes)}
    views = augmented_copies(tr, seed)
    Xa = np.vstack([X] + [segment_features(v)[0] for v in views])
    ya = np.concatenate([y] + [segment_labels(v) for v in views])
    wa = np.concatenate([np.ones(len(y))] + [np.full(len(y), 1 / N_VIEWS)] * N_VIEWS)
    out["a"] = _fit_proba(Xa, ya, Xq, seed, classes, wa)
    out["b1"] = _fit_proba(X, y, Xq, seed, classes, class_weight="balanced")
    out["b2"] = _fit_proba(X, y, Xq, seed, classes, user_weights(u))
    out["b3"] = _fit_proba(X, y, Xq, seed, classes, user_weights(u, y))
    for arm, pts in (("c0", tr), ("c1", unlabelled)):
        sc = user_speed_scale(pts)
        Xc = np.hstack([X, scaled_speed_columns(X, names, u, sc)])
        Xcq = np.hstack([Xq, scaled_speed_columns(Xq, names, uq, sc)])
        out[arm] = _fit_proba(Xc, y, Xcq, seed, classes)
    return out


def _hybrids(train: pl.DataFrame, val: pl.DataFrame, pre: str, seeds) -> list:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # scripts/ for modes_results
    from modes_results import classifiers

    return [m.fit(train, val) for m in classifiers(HYBRID_SPEC, pre, list(seeds), EPOCHS, LR)]


def _in_classes(m, p: np.ndarray, classes: np.ndarray) -> np.ndarray:
    out = np.zeros((len(p), len(classes)))
    out[:, np.searchsorted(classes, np.asarray(m.classes_, str))] = p
    return out


def run_hybrid(parts: dict, pre: str, classes: np.ndarray, path: Path, log) -> None:
    """Out-of-fold hybrid probabilities on train (3 user-grouped folds, seed 0) and the full
    hybrids' (seeds 0 1 2) on val and test, cached in ``path`` (test is not scored here)."""
    import torch

    torch.set_num_threads(1)
    tr = parts["train"]
    ids, users = segment_users(tr)
    oof = np.zeros((len(ids), len(classes)))
    for k, (_, sc) in enumerate(grouped_folds(users, 3)):
        fit_df = tr.filter(~pl.col("traj_id").is_in(ids[sc].tolist()))
        m = _hybrids(fit_df, parts["val"], pre, [0])[0]
        oof[sc] = _in_classes(m, m.predict_proba(tr.filter(pl.col("traj_id").is_in(
            ids[sc].tolist()))), classes)  # fmt: skip
        log(f"  hybrid fold {k}: fitted on {len(ids) - len(sc)} segments")
    full = _hybrids(tr, parts["val"], pre, SEEDS)
    probs = {q: np.stack([_in_classes(m, m.predict_proba(parts[q]), classes) for m in full])
             for q in ("val", "test")}  # fmt: skip
    np.savez(path, oof=oof, val=probs["val"], test=probs["test"], classes=classes)


def oof_weight(parts: dict, oof_hybrid: np.ndarray, classes: np.ndarray) -> float:
    """w_GB on the 0.05 grid with the best pooled out-of-fold accuracy on train (the same 3
    user-grouped folds for GB); ties: lower log loss, then the larger w_GB."""
    tr = parts["train"]
    X, y = segment_features(tr)[0], segment_labels(tr)
    users = segment_users(tr)[1]
    p_gb = np.zeros_like(oof_hybrid)
    for fit, sc in grouped_folds(users, 3):
        p_gb[sc] = _fit_proba(X[fit], y[fit], X[sc], 0, classes)
    yi = np.searchsorted(classes, y)
    best = None
    for w in W_GRID:
        p = w * p_gb + (1 - w) * oof_hybrid
        log_loss = float(-np.log(p[np.arange(len(y)), yi] + 1e-12).mean())
        key = (float(np.mean(p.argmax(1) == yi)), -log_loss, w)
        best = key if best is None or key > best else best
    return float(best[2])


def score(probs: dict[str, list[np.ndarray]], y: np.ndarray, users: np.ndarray,
          classes: np.ndarray) -> dict:  # fmt: skip
    """Per arm: accuracy per seed, macro-F1, Δ vs GB with the segment and the user CIs."""
    from sklearn.metrics import f1_score

    ok = {a: np.mean([classes[p.argmax(1)] == y for p in ps], axis=0) for a, ps in probs.items()}
    res = {}
    for arm, ps in probs.items():
        pred = [classes[p.argmax(1)] for p in ps]
        r = {"acc": [100 * float(np.mean(p == y)) for p in pred],
             "f1": [100 * float(f1_score(y, p, labels=np.unique(y), average="macro",
                                         zero_division=0)) for p in pred]}  # fmt: skip
        if arm != "GB":
            r["ci_seg"] = paired_bootstrap_ci(ok[arm], ok["GB"])
            r["ci_user"] = user_bootstrap_ci(ok[arm], ok["GB"], users)
        res[arm] = r
    return res


def _ci(c: dict) -> str:
    return f"{100 * c['diff']:+.1f} [{100 * c['lo']:+.1f}, {100 * c['hi']:+.1f}]"


def table(res: dict, part: str, extra: dict) -> list[str]:
    lines = [f"| arm ({part}) | accuracy (%) | macro-F1 (%) | Δ vs GB, pp, segment CI | "
             "Δ vs GB, pp, user CI |", "|---|---|---|---|---|"]  # fmt: skip
    for arm, r in res.items():
        ci = ("", "") if arm == "GB" else (_ci(r["ci_seg"]), _ci(r["ci_user"]))
        note = extra.get(arm, "")
        lines.append(f"| {LABELS[arm]}{note} | {np.mean(r['acc']):.1f} ± {np.std(r['acc']):.1f} "
                     f"| {np.mean(r['f1']):.1f} | {ci[0]} | {ci[1]} |")  # fmt: skip
    return lines


def rule(res: dict) -> str | None:
    """PREREG: the best mean val accuracy among RULE_ARMS whose user CI's lower end is > 0."""
    ok = [a for a in RULE_ARMS if a in res and res[a]["ci_user"]["lo"] > 0]
    return max(ok, key=lambda a: np.mean(res[a]["acc"])) if ok else None


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="GeoLife store with per-point labels.")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--split-by", default="user_time", choices=("user_time", "time"))
    ap.add_argument("--hybrid", help="Pretrained run: fine-tune and cache arm d's hybrids.")
    ap.add_argument("--read-test", choices=RULE_ARMS, help="Score GB and this arm on test once.")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(msg, flush=True)

    store = read_store(args.data).drop("split")
    unlabelled = store.filter(pl.col("label").is_null()).select("traj_id", "t", "lat", "lon",
                                                                 "user_id")  # fmt: skip
    parts = split_segments(make_mode_segments(store)[0], args.split_by)
    classes = np.unique(segment_labels(parts["train"]))
    cache = args.out / f"hybrid_{args.split_by}.npz"
    if args.hybrid:
        run_hybrid(parts, args.hybrid, classes, cache, log)
    q = "test" if args.read_test else "val"
    probs: dict[str, list[np.ndarray]] = {a: [] for a in ARMS if a != "d"}
    for seed in SEEDS:
        for arm, p in gb_arms(parts, unlabelled, seed, classes, q).items():
            probs[arm].append(p)
        log(f"  seed {seed}: GB arms fitted")
    extra = {}
    if cache.exists():
        h = np.load(cache)
        w = oof_weight(parts, h["oof"], classes)
        probs["d"] = [w * g + (1 - w) * p for g, p in zip(probs["GB"], h[q], strict=True)]
        probs["hybrid"] = list(h[q])
        LABELS["hybrid"] = "hybrid head alone (reference)"
        extra["d"] = f" (w_GB {w:.2f})"
    if args.read_test:
        probs = {a: probs[a] for a in ("GB", args.read_test)}
    y, users = segment_labels(parts[q]), segment_users(parts[q])[1]
    res = score(probs, y, users, classes)
    out = {"split": args.split_by, "part": q, "n": len(y), "n_users": len(set(users)),
           "arms": res, "w_gb": extra.get("d")}  # fmt: skip
    lines = [f"# modes32: {args.split_by}, {q} ({len(y)} segments, {len(set(users))} users)", ""]
    lines += table(res, q, extra)
    if q == "val" and args.split_by == "user_time":
        out["rule"] = rule(res)
        lines += ["", f"PREREG rule: test is read for: {out['rule'] or 'no arm'}"]
    stem = f"arms_{args.split_by}" + ("_test" if args.read_test else "")
    (args.out / f"{stem}.json").write_text(json.dumps(out, indent=1, default=float))
    path = args.out / f"{stem}.md"
    path.write_text("\n".join(lines) + "\n")
    log("\n".join(lines))
    return path


if __name__ == "__main__":
    main()
