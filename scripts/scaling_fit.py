"""Power-law fits, plots and tables of the scaling study (docs/scaling.md) from the JSON that
scripts/scaling_study.py writes.

    python scripts/scaling_fit.py /tmp/scaling/out/scaling.json --img docs/img --out fits.json

For each axis (x = parameters of the size sweep, or train points of the data sweep) and metric
(corpus val loss, corpus val 5-step MAE, Porto val 5-step MAE), the runs at one x are averaged
over seeds and fitted two ways:
  * L(x) = a x^(-alpha) + c (scipy curve_fit; 3 parameters: with 4 points one degree of
    freedom is left, so its alpha is reported with its leave-one-out range);
  * log L = log a - alpha log x (2 parameters, c = 0; only for positive metrics).
The plots show only these aggregate numbers (one point per run, no trajectory data).
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import numpy as np

# (key, label); the losses (NLL, no natural zero) get their log-log fit on exp(L)
METRICS = [("val_loss", "corpus val loss (NLL, all sources)"),
           ("val_loss_road", "val loss without AIS and T-Drive"),
           ("corpus_val_ratio_cv", "corpus val MAE / CV (geo. mean over sources)"),
           ("porto_val_mae_m", "Porto val 5-step MAE (m)")]  # fmt: skip
LOSSES = ("val_loss", "val_loss_road")
NOISY = ("ais", "tdrive")  # 25 val trips each, km-scale steps: their NLL swings by 1-2 per seed
AXES = {"params": ("n_params", "parameters N"), "data": ("train_points", "train points D")}


def derive(runs: list[dict]) -> list[dict]:
    """Adds corpus_val_ratio_cv, the geometric mean over sources of each source's MAE / constant
    velocity's (the corpus MAE in metres is dominated by the km-scale steps of T-Drive and AIS;
    the ratio weighs every source alike), and val_loss_road, the training-weighted val loss
    without the two sources whose few val trips make it swing from seed to seed (NOISY)."""
    from trajlm.data.corpus import load_corpus_spec

    spec = Path(__file__).resolve().parent.parent / "configs" / "pretrain.toml"
    weights = {s.name: s.weight for s in load_corpus_spec(spec).sources}  # the training weights
    for r in runs:
        per = {k: v for k, v in r.get("val_loss_by_source", {}).items() if k not in NOISY}
        if per:
            w = {k: weights.get(k, 1.0) for k in per}
            r["val_loss_road"] = sum(per[k] * w[k] for k in per) / sum(w.values())
        by = r.get("corpus_val_by_source", {})
        ratios = [v["mae_m"] / v["cv_mae_m"] for v in by.values() if v["cv_mae_m"] > 0]
        if ratios:
            r["corpus_val_ratio_cv"] = float(np.exp(np.mean(np.log(ratios))))
    return runs


def power_law(x, a, alpha, c):
    return a * np.power(x, -alpha) + c


def fit3(x: np.ndarray, y: np.ndarray) -> dict | None:
    """a x^-alpha + c by least squares (x rescaled to its first value for conditioning)."""
    from scipy.optimize import curve_fit

    if len(x) < 4:
        return None
    x0 = x.min()
    span = y.max() - y.min() or 1.0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p, cov = curve_fit(power_law, x / x0, y, p0=(span, 0.5, y.min() - 0.1 * span),
                               bounds=([0, 0, -np.inf], [np.inf, 5.0, np.inf]), maxfev=20000)  # fmt: skip
    except (RuntimeError, ValueError):
        return None
    a, alpha, c = p
    err = float(np.sqrt(cov[1, 1])) if np.all(np.isfinite(cov)) else float("nan")
    rmse = float(np.sqrt(np.mean((power_law(x / x0, *p) - y) ** 2)))
    # alpha at a bound: the points do not pin the curve (alpha -> 0 is the logarithm's limit)
    at_bound = bool(alpha < 1e-3 or alpha > 4.99)
    return {"a": float(a * x0**alpha), "alpha": float(alpha), "alpha_se": err, "c": float(c),
            "rmse": rmse, "dof": len(x) - 3, "at_bound": at_bound}  # fmt: skip


def fit_loglog(x: np.ndarray, y: np.ndarray) -> dict | None:
    if len(x) < 2 or np.any(y <= 0):
        return None
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    resid = np.log(y) - (intercept + slope * np.log(x))
    return {"a": float(np.exp(intercept)), "alpha": float(-slope),
            "rmse_log": float(np.sqrt(np.mean(resid**2))), "dof": len(x) - 2}  # fmt: skip


def loo_alpha(x: np.ndarray, y: np.ndarray, fit) -> list[float] | None:
    """The exponent's range when each point in turn is left out (None below 4 points left)."""
    alphas = []
    for i in range(len(x)):
        keep = np.arange(len(x)) != i
        f = fit(x[keep], y[keep])
        if f is not None:
            alphas.append(f["alpha"])
    return [float(min(alphas)), float(max(alphas))] if alphas else None


def curve(runs: list[dict], kind: str, metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, the mean over seeds and the std over seeds (0 with one seed) of the sweep `kind`."""
    xkey = AXES[kind][0]
    pick = [r for r in runs if metric in r and (r["kind"] == kind or _shared(r, runs, kind))]
    xs = sorted({r[xkey] for r in pick})
    ys = [[r[metric] for r in pick if r[xkey] == x] for x in xs]
    return (np.array(xs, float), np.array([np.mean(v) for v in ys]),
            np.array([np.std(v, ddof=1) if len(v) > 1 else 0.0 for v in ys]))  # fmt: skip


def _shared(r: dict, runs: list[dict], kind: str) -> bool:
    """The size sweep's whole-corpus run at the data sweep's size is the data sweep's largest
    point too."""
    if kind != "data" or r["kind"] != "params":
        return False
    data_sizes = {d["size"] for d in runs if d["kind"] == "data"}
    return r["size"] in data_sizes


def fits(runs: list[dict]) -> dict:
    out = {}
    for kind in AXES:
        for metric, _ in METRICS:
            x, y, _s = curve(runs, kind, metric)
            if len(x) < 2:
                continue
            ylog = np.exp(y) if metric in LOSSES else y  # exp(NLL): a positive "perplexity"
            out[f"{kind}/{metric}"] = {
                "x": x.tolist(), "y": y.tolist(),
                "power_law": fit3(x, y), "power_law_loo_alpha": loo_alpha(x, y, fit3),
                "loglog": fit_loglog(x, ylog), "loglog_loo_alpha": loo_alpha(x, ylog, fit_loglog)
                if len(x) > 2 else None, "loglog_on_exp": metric in LOSSES,
            }  # fmt: skip
    return out


def plot(runs: list[dict], fitted: dict, kind: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(METRICS), figsize=(4.6 * len(METRICS), 4))
    for ax, (metric, label) in zip(axes, METRICS, strict=True):
        x, y, s = curve(runs, kind, metric)
        if len(x) == 0:
            ax.set_visible(False)
            continue
        ax.errorbar(x, y, yerr=s, fmt="o", color="C0", capsize=3, label="runs (mean over seeds)")
        f = fitted.get(f"{kind}/{metric}", {})
        grid = np.geomspace(x.min() / 1.5, x.max() * 4, 100)
        if f.get("power_law") and not f["power_law"]["at_bound"]:
            p = f["power_law"]
            ax.plot(grid, power_law(grid, p["a"], p["alpha"], p["c"]), "-", color="C1",
                    label=f"a x^-{p['alpha']:.2f} + {p['c']:.3g}")  # fmt: skip
        if f.get("loglog"):
            p = f["loglog"]
            yfit = p["a"] * grid ** -p["alpha"]
            yfit = np.log(yfit) if f["loglog_on_exp"] else yfit
            name = "exp(L) = a x^-" if f["loglog_on_exp"] else "a x^-"
            ax.plot(grid, yfit, "--", color="C2", label=f"{name}{p['alpha']:.3f} (log-log)")
        cv = {"corpus_val_mae_m": "corpus_val_cv_mae_m", "porto_val_mae_m": "porto_val_cv_mae_m"}
        if metric in cv and runs and cv[metric] in runs[0]:
            ax.axhline(runs[0][cv[metric]], color="grey", lw=1, ls=":", label="constant velocity")
        if metric == "corpus_val_ratio_cv":
            ax.axhline(1.0, color="grey", lw=1, ls=":", label="constant velocity")
        ax.set_xscale("log")
        ax.set_xlabel(AXES[kind][1])
        ax.set_title(label, fontsize=10)
        ax.legend(fontsize=7)
    sweep = "model size (whole corpus)" if kind == "params" else "corpus fraction (fixed size)"
    fig.suptitle(f"trajlm scaling: {sweep}, same steps and batch for every run", fontsize=11)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def table(runs: list[dict], kind: str) -> str:
    xkey = AXES[kind][0]
    rows = sorted([r for r in runs if r["kind"] == kind or _shared(r, runs, kind)],
                  key=lambda r: (r[xkey], r["seed"]))  # fmt: skip
    head = ("| size | fraction | seed | params | train points | tokens seen | train wall (s) | "
            "val loss | corpus val MAE (m) | corpus MAE / CV | Porto val MAE (m) |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    lines = [head]
    for r in rows:
        lines.append(f"| {r['size']} | {r['fraction']:g} | {r['seed']} | {r['n_params']:,} | "
                     f"{r['train_points']:,} | {r['tokens_seen']:,} | {r['train_wall_s']:.0f} | "
                     f"{r['val_loss']:.4f} | {r['corpus_val_mae_m']:.1f} | "
                     f"{r.get('corpus_val_ratio_cv', float('nan')):.3f} | "
                     f"{r.get('porto_val_mae_m', float('nan')):.1f} |")  # fmt: skip
    return "\n".join(lines)


def compute_table(runs: list[dict]) -> str:
    """The compute check: the data sweep's size at its fractions, trained longer (seed 0)."""
    longer = [r for r in runs if r["kind"] == "compute"]
    if not longer:
        return ""
    size = longer[0]["size"]
    pick = [r for r in runs if r["size"] == size and r["seed"] == longer[0]["seed"]
            and r["fraction"] in {c["fraction"] for c in longer}]  # fmt: skip
    lines = ["| size | fraction | steps | tokens seen | epochs of its train windows | val loss | "
             "corpus val MAE (m) | corpus MAE / CV | Porto val MAE (m) |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in sorted(pick, key=lambda r: (-r["fraction"], r["steps"])):
        epochs = r["steps"] * r["batch_size"] / r["train_windows"] if r.get("train_windows") else 0
        lines.append(f"| {r['size']} | {r['fraction']:g} | {r['steps']} | {r['tokens_seen']:,} | "
                     f"{epochs:.1f} | {r['val_loss']:.4f} | {r['corpus_val_mae_m']:.1f} | "
                     f"{r['corpus_val_ratio_cv']:.3f} | {r.get('porto_val_mae_m', float('nan')):.1f} |")  # fmt: skip
    return "\n".join(lines)


def fit_table(fitted: dict) -> str:
    lines = ["| axis | metric | a x^-alpha + c: alpha (± se) | c | LOO alpha range | "
             "log-log alpha | LOO range |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for key, f in fitted.items():
        kind, metric = key.split("/")
        p, q = f["power_law"], f["loglog"]
        pl_ = f"{p['alpha']:.3f} ± {p['alpha_se']:.3f} ({p['dof']} dof)" if p else "no fit"
        c = f"{p['c']:.4g}" if p else ""
        if p and p["at_bound"]:
            pl_, c = f"not identified (alpha -> {p['alpha']:.0f}, {p['dof']} dof)", ""
        loo = f["power_law_loo_alpha"]
        loo = f"{loo[0]:.3f}-{loo[1]:.3f}" if loo else ""
        ll = (f"{q['alpha']:.3f}" + (" (of exp L)" if f["loglog_on_exp"] else "")) if q else ""
        loo2 = f["loglog_loo_alpha"]
        loo2 = f"{loo2[0]:.3f}-{loo2[1]:.3f}" if loo2 else ""
        lines.append(f"| {kind} | {metric} | {pl_} | {c} | {loo} | {ll} | {loo2} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", type=Path, help="scaling.json from scripts/scaling_study.py")
    ap.add_argument("--img", type=Path, help="write scaling_params.png, scaling_data.png here")
    ap.add_argument("--out", type=Path, help="write the fits as JSON")
    args = ap.parse_args(argv)
    runs = derive(json.loads(args.results.read_text())["runs"])
    fitted = fits(runs)
    if args.img:
        for kind in AXES:
            plot(runs, fitted, kind, args.img / f"scaling_{kind}.png")
    for kind in AXES:
        print(f"\n{kind} sweep\n\n{table(runs, kind)}")
    print(f"\ncompute check\n\n{compute_table(runs)}")
    print(f"\nfits\n\n{fit_table(fitted)}")
    if args.out:
        args.out.write_text(json.dumps(fitted, indent=2))
    return fitted


if __name__ == "__main__":
    main()
