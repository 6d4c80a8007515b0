"""Session 32 (gate32): the coverage gate's speed range, gate31's rule vs the low end from
windows, and the glitch speed, on a store's val split (scripts/gate32/PREREG.md).

Rules (each a coverage record the same model reads; the window record is folded into
``traj_speed_mps`` so every rule's glitch speed is the tracks' p99 unless it says otherwise):
  A     gate31's rule: tracks' range, high end the windows' where windows p95 > tracks p99
  B     A plus the low end (p1, p5) the windows' (the lower) where windows p5 < tracks p1
        (the candidate; not shipped, PREREG.md's rule failed on newuser30's val)
  C     both ends the windows' always (vessel30's reference; not shippable: ux3)
  G     B with glitch_speed / coverage_base reading B's p99 instead of the tracks'
  none  the model ungated (coverage_gate "none");  cv  the gate's fallback everywhere

Windows as scripts/gate31/measure_gate.py (one uniform cut per trajectory per seed, 3 seeds,
history max_len - 5, 5 out). Printed and written to $GATE32_OUT (default runs/gate32)/NAME.json.

    PYTHONPATH=. python scripts/gate32/measure.py NAME STORE MODEL [--n 600] [--seeds 3]
        [--split val]
"""
# ruff: noqa: E402

import os
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gate31"))
from measure_gate import K, bootstrap, load, parser, score, write  # noqa: I001  (gate31's harness)


RULES = ("A", "B", "C", "G", "none", "cv")
GATED = ("A", "B", "C")


def gate31(track: dict, window: dict) -> dict:
    """Rule A, as shipped at the start of session 32."""
    if float(window["p95"]) <= float(track["p99"]):
        return dict(track)
    return {**track, **{p: max(float(track[p]), float(window[p])) for p in ("p95", "p99")}}


def low_from_windows(track: dict, window: dict) -> dict:
    """Rule B: A, plus the low end the windows' where their 5th percentile lies below the
    tracks' 1st (tracks whose medians hide their stops)."""
    out = gate31(track, window)
    if float(window["p5"]) < float(track["p1"]):
        out.update({p: min(float(track[p]), float(window[p])) for p in ("p1", "p5")})
    return out


def records(cov: dict) -> dict[str, dict]:
    base = {k: v for k, v in cov.items() if k != "window_speed_mps"}
    track, window = cov["traj_speed_mps"], cov["window_speed_mps"]
    b = low_from_windows(track, window)

    def rec(eff: dict, glitch_from_eff: bool = False) -> dict:
        p99 = eff["p99"] if glitch_from_eff else track["p99"]
        return {**base, "traj_speed_mps": {**eff, "p99": float(p99)}}

    never = {"p1": 1e9, "p5": 1e9, "p50": 1e9, "p95": 1e9, "p99": float(track["p99"])}
    return {"A": rec(gate31(track, window)), "B": rec(b), "C": rec(window),
            "G": rec(b, True), "cv": rec(never)}  # fmt: skip


def _differ(r: pl.DataFrame, mask: pl.Expr, new: str, old: str) -> dict:
    d = r.filter(mask)
    out = {"windows": len(d), **{k: float(d[k].mean() or 0.0) for k in (old, new, "none", "cv")}}
    if len(d) > 1:
        out[f"{new}_over_{old}_ci95"] = bootstrap(d[new].to_numpy(), d[old].to_numpy())
    return out


def main() -> None:
    a = parser().parse_args()
    m, cov, df = load(a)
    recs = records(cov)
    history = m.model.config.max_len - K
    r = score(m, cov, df, recs, RULES, GATED, a.seeds)
    out = {"store": str(a.store), "split": a.split, "model": a.model, "n_windows": len(r),
           "seeds": a.seeds, "history": history,
           "ranges": {k: [recs[k]["traj_speed_mps"][p] for p in ("p5", "p95")] for k in GATED},
           "glitch_p99": {k: recs[k]["traj_speed_mps"]["p99"] for k in ("B", "G")},
           "ade_all": {k: float(r[k].mean()) for k in RULES},
           "share_gated": {k: float((r[f"g_{k}"] < 1).mean()) for k in GATED}}  # fmt: skip
    out["B_vs_A"] = _differ(r, (pl.col("g_B") - pl.col("g_A")).abs() > 1e-9, "B", "A")
    out["B_vs_A"]["all_ci95"] = bootstrap(r["B"].to_numpy(), r["A"].to_numpy())
    out["C_vs_A"] = _differ(r, (pl.col("g_C") - pl.col("g_A")).abs() > 1e-9, "C", "A")
    out["G_vs_B"] = _differ(r, (pl.col("G") - pl.col("B")).abs() > 1e-6, "G", "B")
    write(Path(os.environ.get("GATE32_OUT", "runs/gate32")), a.name, out, r)


if __name__ == "__main__":
    main()
