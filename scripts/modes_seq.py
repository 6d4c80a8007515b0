"""Transport modes on ``user_time`` with a causal sequence filter over each user's segments
(issue 15, session 10); chosen on train + val, test read once per final arm.

Selection (no test): the train + val segments are pooled and every candidate (a GB base x a
filter setting) is scored three ways: ``forward`` (trajlm.eval.grouped_cv.forward_folds: fit on
each user's first o share, skip the next 10 % unlabelled, score the 10 % after: the shape of the
test, known users' latest block past a val gap), ``timeblock`` (session 9's user-time-block CV)
and ``val`` (fit train, score val; the filter chains from train). The chosen candidate has the
best mean of forward and timeblock accuracy among those not below GB on val (ties: earlier).
``--read-test`` then fits on train for each --seeds seed (GB ``random_state``) and scores test
once for the arm "GB + filter" (the lever alone) and the chosen one: the filter runs over val +
test together (val unlabelled), test rows are scored. Δ: paired bootstrap 95 % CI vs GB (per
segment, correctness averaged over the seeds).

    python scripts/modes_seq.py --data /tmp/stores/geolife --out out/modes10 --read-test

Writes DIR/seq.json and DIR/modes_seq.md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.motion_features_lit import LIT_GROUPS
from trajlm.data.segments import make_mode_segments, segment_labels, split_segments
from trajlm.data.store import read_store
from trajlm.eval.classify import FeatureGBClassifier, MeanEnsemble, ProbabilityEnsemble
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.grouped_cv import forward_folds, user_time_folds
from trajlm.eval.mode_sequence import ModeSequenceFilter, SequenceFilteredClassifier, segment_times
from trajlm.eval.user_prior import UserPrior

# session 9's CV-chosen user_time recipe (docs/modes.md): all literature groups + stage B
SESSION9 = dict(lit=tuple(LIT_GROUPS), learning_rate=0.05, max_iter=300, max_leaf_nodes=31,
                class_weight="balanced")  # fmt: skip
BASES: dict[str, list[dict]] = {  # name -> members whose probabilities are averaged
    "GB": [{}],
    "GB [balanced]": [{"class_weight": "balanced"}],
    "GB session-9 recipe": [SESSION9],
    "GB [balanced] + session-9 recipe": [{"class_weight": "balanced"}, SESSION9],
}
FILTERS: dict[str, dict | None] = {
    "no filter": None,
    "filter": {},
    "filter power 1": {"power": 1.0},
    "filter + user mix": {"user_gamma": 1.0},
}


def _gb(kw: dict, seed: int = 0) -> FeatureGBClassifier:
    return FeatureGBClassifier(random_state=seed, **kw)


def _proba(members: list[dict], X: np.ndarray, names: list[str], fit, q, y, seed=0) -> np.ndarray:
    """Mean probabilities of the members fitted on rows ``fit`` for rows ``q`` (precomputed X),
    columns = every class of ``y`` (sorted; a class absent from ``fit`` gets 0)."""
    classes, out = np.unique(y), []
    for kw in members:
        groups = {**LIT_GROUPS, "prior": tuple(n for n in names if n.startswith("prior_"))}
        cols = [i for i, n in enumerate(names) if i < 30 or any(n in groups[g]
                                                                  for g in kw.get("lit", ()))]  # fmt: skip
        m = _gb({k: v for k, v in kw.items() if k != "lit"}, seed).fit_arrays(
            X[fit][:, cols], y[fit]
        )
        p = np.zeros((len(q), len(classes)))
        p[:, np.searchsorted(classes, m.classes_.astype(str))] = m.proba_arrays(X[q][:, cols])
        out.append(p)
    return np.mean(out, axis=0)


def _schemes(pool: pl.DataFrame, n_train_rows: np.ndarray) -> dict:
    """The three selection schemes as (fit, skipped, score) row triples."""
    empty = np.array([], int)
    return {
        "forward": forward_folds(pool),
        "timeblock": [(f, empty, s) for f, s in user_time_folds(pool)],
        "val": [(np.flatnonzero(n_train_rows), empty, np.flatnonzero(~n_train_rows))],
    }


def flag_check(pool: pl.DataFrame, n_train_rows: np.ndarray, log) -> dict:
    """Would a scheme have flagged session 9's user_time test misses? GB, the session-9 recipe
    and each + the user prior (trajlm.eval.user_prior), no filter: accuracy and paired 95 % CI
    vs GB per scheme (session 9's test: recipe -3.6, + user prior +0.0 points)."""
    X, names = FeatureGBClassifier(lit=tuple(LIT_GROUPS)).features(pool)
    y, users = segment_labels(pool), segment_times(pool)["users"]
    classes, res = np.unique(y), {}
    arms = {"GB": ({}, False), "session-9 recipe": (SESSION9, False),
            "GB + user prior": ({}, True), "session-9 recipe + user prior": (SESSION9, True)}  # fmt: skip
    for sname, folds in _schemes(pool, n_train_rows).items():
        ok = {}
        for lab, (kw, prior) in arms.items():
            o = np.full(len(y), np.nan)
            for f, _, sc in folds:
                Xa = X
                if prior:
                    up = UserPrior()
                    Xa = np.zeros((len(y), X.shape[1] + len(classes)))
                    Xa[:, : X.shape[1]] = X
                    Xa[f, X.shape[1] :] = up.fit_transform(users[f], y[f])
                    Xa[sc, X.shape[1] :] = up.transform(users[sc])
                    names_a = names + [f"prior_{c}" for c in classes]
                    kw = {**kw, "lit": tuple(kw.get("lit", ())) + ("prior",)}
                p = _proba([kw], Xa, names_a if prior else names, f, sc, y)
                o[sc] = classes[p.argmax(1)] == y[sc]
            ok[lab] = o
            s = ~np.isnan(o)
            ci = paired_bootstrap_ci(o[s], ok["GB"][s])
            res.setdefault(sname, {})[lab] = {"acc": 100 * float(o[s].mean()), "ci_vs_gb": ci,
                                              "n": int(s.sum())}  # fmt: skip
            log(f"  flag check, {sname}: {lab} {100 * o[s].mean():.1f} %, Δ vs GB "
                f"{100 * ci['diff']:+.1f} [{100 * ci['lo']:+.1f}, {100 * ci['hi']:+.1f}]")  # fmt: skip
    return res


def select(pool: pl.DataFrame, n_train_rows: np.ndarray, log) -> dict:
    """Every (base, filter) candidate's accuracy on the three schemes; returns the records."""
    X, names = FeatureGBClassifier(lit=tuple(LIT_GROUPS)).features(pool)
    y = segment_labels(pool)
    classes = np.unique(y)
    tm = segment_times(pool)
    schemes = _schemes(pool, n_train_rows)
    recs = {}
    for sname, folds in schemes.items():
        for bname, members in BASES.items():
            probs = [_proba(members, X, names, f, np.concatenate([sk, s]), y) for f, sk, s in folds]
            for fname, fkw in FILTERS.items():
                ok = np.full(len(y), np.nan)
                for (f, sk, s), p in zip(folds, probs, strict=True):
                    q = np.concatenate([sk, s])
                    if fkw is not None:
                        seq = ModeSequenceFilter(**fkw).fit(tm["users"][f], tm["t_start"][f],
                                                            tm["t_end"][f], y[f], classes)  # fmt: skip
                        p = seq.filter(p, tm["users"][q], tm["t_start"][q], tm["t_end"][q], classes)
                    ok[s] = classes[p[len(sk) :].argmax(1)] == y[s]
                r = recs.setdefault(f"{bname} / {fname}", {"base": bname, "filter": fname})
                r[sname] = 100 * float(np.nanmean(ok))
                r[f"{sname}_n"] = int(np.sum(~np.isnan(ok)))
            log(f"  {sname}: {bname}: " + ", ".join(
                f"{fn} {recs[f'{bname} / {fn}'][sname]:.1f}" for fn in FILTERS))  # fmt: skip
    return recs


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="Store with per-point labels (GeoLife).")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--read-test", action="store_true", help="Score the final arms on test once.")
    ap.add_argument(
        "--pretrained",
        help="With --read-test: + GB and the hybrid head's 3-seed "
        "mean (session 6's best, w on val), with and without the filter; the filter "
        "arm is read on test only if it is not below the unfiltered one on val.",
    )
    ap.add_argument("--flag-check", action="store_true",
                    help="Only the check of the schemes against session 9's test misses.")  # fmt: skip
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(msg, flush=True)

    segs = make_mode_segments(read_store(args.data).drop("split"))[0]
    parts = split_segments(segs, "user_time")
    pool = pl.concat([parts["train"], parts["val"]])
    is_train = np.isin(segment_times(pool)["ids"], segment_times(parts["train"])["ids"])
    if args.pretrained:  # only the hybrid arms (no selection re-run)
        path = args.out / "hybrid.json"
        path.write_text(json.dumps(hybrid_arms(parts, args.pretrained, args.seeds, log), indent=1,
                                   default=float))  # fmt: skip
        return path
    if args.flag_check:
        path = args.out / "flag_check.json"
        path.write_text(json.dumps(flag_check(pool, is_train, log), indent=1, default=float))
        return path
    recs = select(pool, is_train, log)
    gb_val = recs["GB / no filter"]["val"]
    ok = [k for k, r in recs.items() if r["val"] >= gb_val]
    chosen = max(
        ok, key=lambda k: ((recs[k]["forward"] + recs[k]["timeblock"]) / 2, -list(recs).index(k))
    )
    log(f"chosen: {chosen}")
    out = {"candidates": recs, "chosen": chosen}
    lines = ["# Transport modes, user_time: sequence filter (session 10)", "",
             "| candidate | forward (%) | timeblock (%) | val (%) |", "|---|---|---|---|"]  # fmt: skip
    lines += [f"| {k}{' (chosen)' if k == chosen else ''} | {r['forward']:.1f} | "
              f"{r['timeblock']:.1f} | {r['val']:.1f} |" for k, r in recs.items()]  # fmt: skip
    n = {s: recs[chosen][f"{s}_n"] for s in ("forward", "timeblock", "val")}
    lines += ["", f"scored rows: {n}", ""]
    if args.read_test:
        out["test"] = read_test(parts, chosen, args.seeds, log)
        lines += ["| method (test) | accuracy (%) | macro-F1 (%) | Δ acc vs GB, pp [95 % CI] |",
                  "|---|---|---|---|"]  # fmt: skip
        for lab, r in out["test"].items():
            ci = r["ci_vs_gb"]
            d = "" if ci is None else (f"{100 * ci['diff']:+.1f} [{100 * ci['lo']:+.1f}, "
                                       f"{100 * ci['hi']:+.1f}]")  # fmt: skip
            lines.append(f"| {lab} | {np.mean(r['acc']):.1f} ± {np.std(r['acc']):.1f} | "
                         f"{np.mean(r['f1']):.1f} | {d} |")  # fmt: skip
    (args.out / "seq.json").write_text(json.dumps(out, indent=1, default=float))
    path = args.out / "modes_seq.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _make(bname: str, fname: str, seed: int):
    members = [_gb(kw, seed) for kw in BASES[bname]]
    base = members[0] if len(members) == 1 else MeanEnsemble(members, bname)
    fkw = FILTERS[fname]
    return base if fkw is None else SequenceFilteredClassifier(base, ModeSequenceFilter(**fkw))


def read_test(parts: dict, chosen: str, seeds: list[int], log) -> dict:
    """Fit on train per seed, score test once per arm (filter over val + test)."""
    from sklearn.metrics import f1_score

    ctx = pl.concat([parts["val"], parts["test"]])
    ids = segment_times(ctx)["ids"]
    is_test = np.isin(ids, segment_times(parts["test"])["ids"])
    yt = segment_labels(parts["test"])
    arms = {"GB features (baseline)": ("GB", "no filter"), "GB + filter": ("GB", "filter")}
    arms[f"chosen: {chosen}"] = tuple(chosen.split(" / "))
    res, gb_ok = {"persistence": persistence(parts)}, None
    log(f"  label persistence (same mode as the user's previous segment): {res['persistence']}")
    for lab, (bname, fname) in arms.items():
        preds = []
        for seed in seeds:
            clf = _make(bname, fname, seed).fit(parts["train"])
            preds.append(clf.classify(ctx)[is_test])
        okm = np.mean([p == yt for p in preds], axis=0)
        gb_ok = okm if gb_ok is None else gb_ok
        ci = None if lab.startswith("GB features") else paired_bootstrap_ci(okm, gb_ok)
        res[lab] = {"acc": [100 * float(np.mean(p == yt)) for p in preds], "ci_vs_gb": ci,
                    "f1": [100 * float(f1_score(yt, p, labels=np.unique(yt), average="macro",
                                                zero_division=0)) for p in preds],
                    "n": len(yt), "pred": [p.tolist() for p in preds]}  # fmt: skip
        log(f"  test: {lab} {np.mean(res[lab]['acc']):.1f} %" + (
            "" if ci is None else f", Δ {100 * ci['diff']:+.1f} [{100 * ci['lo']:+.1f}, "
            f"{100 * ci['hi']:+.1f}]"))  # fmt: skip
    return res


def hybrid_arms(parts: dict, pre: str, seeds: list[int], log) -> dict:
    """GB + hybrid 3-seed mean (w on val) with / without the filter; val decides the test read."""
    import torch
    from modes_results import classifiers  # scripts/ is sys.path[0] when run as a script
    from sklearn.metrics import f1_score

    torch.set_num_threads(1)
    ctx = pl.concat([parts["val"], parts["test"]])
    ids = segment_times(ctx)["ids"]
    is_test = np.isin(ids, segment_times(parts["test"])["ids"])
    yv, yt = segment_labels(parts["val"]), segment_labels(parts["test"])
    models = classifiers("pre:full:64:linear:feat", pre, seeds, 20, 3e-3)
    for m in models:
        m.fit(parts["train"], parts["val"])
    ens = ProbabilityEnsemble(_gb({}), MeanEnsemble(models, "hybrid 3-seed mean"))
    ens.fit(parts["train"], parts["val"])
    filt = SequenceFilteredClassifier(ens, name="GB + hybrid 3-seed mean + filter")
    filt.fit(parts["train"], parts["val"])
    val = {k: 100 * float(np.mean(c.classify(parts["val"]) == yv)) for k, c in
           (("no filter", ens), ("filter", filt))}  # fmt: skip
    log(f"  val: GB + hybrid mean (w_GB {ens.weight_}) {val['no filter']:.1f} %, + filter "
        f"{val['filter']:.1f} %")  # fmt: skip
    arms = {"GB + hybrid 3-seed mean, w on val": ens}
    if val["filter"] >= val["no filter"]:
        arms["GB + hybrid 3-seed mean + filter"] = filt
    gb_ok = (_gb({}).fit(parts["train"]).classify(parts["test"]) == yt).astype(float)
    res, ref = {}, None
    for lab, clf in arms.items():
        p = clf.classify(ctx)[is_test]
        ok = (p == yt).astype(float)
        ci = paired_bootstrap_ci(ok, gb_ok)
        res[lab] = {"acc": [100 * float(ok.mean())], "ci_vs_gb": ci, "val": val, "n": len(yt),
                    "f1": [100 * float(f1_score(yt, p, labels=np.unique(yt), average="macro",
                                                zero_division=0))],
                    "w_gb": ens.weight_, "pred": [p.tolist()]}  # fmt: skip
        if ref is not None:
            res[lab]["ci_vs_unfiltered"] = paired_bootstrap_ci(ok, ref)
        ref = ok
        log(f"  test: {lab} {100 * ok.mean():.1f} %, Δ vs GB {100 * ci['diff']:+.1f} "
            f"[{100 * ci['lo']:+.1f}, {100 * ci['hi']:+.1f}]")  # fmt: skip
    return res


def persistence(parts: dict) -> dict:
    """Per part: share of segments whose user's previous segment (any part) has the same mode,
    overall and when the gap between them is under 3 h (diagnostic, labels of every part)."""
    tm = {k: segment_times(v) for k, v in parts.items()}
    ys = {k: segment_labels(v) for k, v in parts.items()}
    part = np.concatenate([[k] * len(ys[k]) for k in parts])
    u, t0, t1 = (np.concatenate([tm[k][f] for k in parts]) for f in ("users", "t_start", "t_end"))
    y = np.concatenate([ys[k] for k in parts])
    same, gap, who = [], [], []
    for uu in np.unique(u):
        o = np.flatnonzero(u == uu)
        o = o[np.argsort(t0[o], kind="stable")]
        same += list(y[o[1:]] == y[o[:-1]])
        gap += list(t0[o[1:]] - t1[o[:-1]])
        who += list(part[o[1:]])
    same, gap, who = np.array(same), np.array(gap), np.array(who)
    return {k: {"n": int((who == k).sum()), "same": round(float(same[who == k].mean()), 3),
                "same_gap_lt_3h": round(float(same[(who == k) & (gap < 10800)].mean()), 3)}
            for k in parts}  # fmt: skip


if __name__ == "__main__":
    main()
