"""Where the recovery error is, and how much of it route retrieval can reach (issue 15,
docs/recovery-retrieval.md, "Session 9: GeoLife").

On --split (val by default) with the same tasks and library as
scripts/recovery_retrieval_results.py (same library flags), per setting:

- coverage: the share of hidden points, and of Akima's error mass, in gaps with >= 1 piece;
- the error by gap length in seconds and in metres (|AB|): share of points, share of Akima's
  error mass, Akima and route-median MAE on the points with pieces, coverage;
- concentration: the share of Akima's error mass in the worst 1 % / 5 % of gaps and in
  gaps longer than 300 s (signal loss inside a segment: no sample for > 5 min);
- ceilings: Akima's MAE if every covered point were perfect (retrieval's hard floor), if each
  covered point took the better of Akima and the route median (a per-point oracle of two),
  and the oracle over every candidate.

    PYTHONPATH=. python scripts/recovery_retrieval_diagnose.py --data /tmp/stores/geolife \
        --out out/georec-diag [--reverse --radius 50 ...]

Writes OUT/diagnose_<split>.md and .json. No training; one thread.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path

import numpy as np

from trajlm.data.features import LocalProjection
from trajlm.data.store import read_store
from trajlm.eval.recovery_baselines import known_neighbours
from trajlm.eval.recovery_candidates import library_from_frame

_spec = importlib.util.spec_from_file_location(
    "recovery_retrieval_results", Path(__file__).resolve().parent / "recovery_retrieval_results.py"
)
_rr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_rr)

SEC_BINS = (0, 30, 60, 120, 240, 300, np.inf)
M_BINS = (0, 25, 100, 300, 1000, np.inf)
AKIMA, MEDIAN = 2, 4  # candidate columns (recovery_candidates.KINDS)


def gap_ids(tasks) -> np.ndarray:
    """A pooled gap id per hidden point, in the Setting's order (tasks concatenated)."""
    out, off = [], 0
    for t in tasks:
        prev, _ = known_neighbours(t.known)
        _, inv = np.unique(prev[~t.known], return_inverse=True)
        out.append(inv + off)
        off += int(inv.max()) + 1 if len(inv) else 0
    return np.concatenate(out)


def binned(key: np.ndarray, bins, ak, med, has) -> list[dict]:
    rows, mass = [], ak.sum()
    for lo, hi in zip(bins[:-1], bins[1:], strict=True):
        m = (key > lo) & (key <= hi) if lo > 0 else (key <= hi)
        if not m.any():
            continue
        c = m & has
        rows.append({"bin": f"{lo:g}-{hi:g}", "points": float(m.mean()),
                     "akima_mass": float(ak[m].sum() / mass), "akima_mae": float(ak[m].mean()),
                     "coverage": float(c.sum() / m.sum()),
                     "akima_mae_covered": float(ak[c].mean()) if c.any() else None,
                     "median_mae_covered": float(med[c].mean()) if c.any() else None})  # fmt: skip
    return rows


def diagnose(s, tasks) -> dict:
    """The numbers above for one ``Setting`` s built with base Akima."""
    ak, med = s.err(s.column(AKIMA)), s.err(s.column(MEDIAN))
    found = np.expm1(s.cs.query_feats[:, 5]).round()
    has = found > 0
    # the gap's elapsed time and |AB| (the features' inverse; rounded so that a 30 s gap
    # lands in the (0, 30] bin, not in (30, 60] by a float's last digit)
    dt = np.round(np.expm1(s.cs.query_feats[:, 0]) * 15.0, 3)
    dm = np.round(np.expm1(s.cs.query_feats[:, 1]) * 100.0, 3)
    gid = gap_ids(tasks)
    per_gap = np.bincount(gid, weights=ak)
    worst = np.sort(per_gap)[::-1]
    mass = ak.sum()
    pts = s.cs.last[:, None] + s.cs.cands[:, :, 0]
    oracle = np.linalg.norm(pts - s.target, axis=-1).min(1)
    n = len(ak)
    return {
        "points": n,
        "gaps": len(per_gap),
        "akima_mae": float(ak.mean()),
        "coverage_points": float(has.mean()),
        "coverage_akima_mass": float(ak[has].sum() / mass),
        "mean_pieces_covered": float(found[has].mean()) if has.any() else 0.0,
        "worst_1pct_gaps_mass": float(worst[: max(1, len(worst) // 100)].sum() / mass),
        "worst_5pct_gaps_mass": float(worst[: max(1, len(worst) // 20)].sum() / mass),
        "over_300s_points": float((dt > 300).mean()),
        "over_300s_mass": float(ak[dt > 300].sum() / mass),
        "floor_covered_perfect": float(ak[~has].sum() / n),
        "floor_best_of_two": float(np.where(has, np.minimum(ak, med), ak).mean()),
        "oracle_all_candidates": float(oracle.mean()),
        "by_seconds": binned(dt, SEC_BINS, ak, med, has),
        "by_metres": binned(dm, M_BINS, ak, med, has),
    }


def to_markdown(res: dict) -> str:
    out = [
        "| setting | points | Akima MAE | coverage (points / Akima error) | worst 1 % / 5 % "
        "gaps' share | > 300 s gaps' share | floor: covered perfect | floor: best of "
        "Akima, median | oracle, all candidates |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, d in res.items():
        out.append(f"| {name} | {d['points']} | {d['akima_mae']:.1f} | "
                   f"{d['coverage_points']:.0%} / {d['coverage_akima_mass']:.0%} | "
                   f"{d['worst_1pct_gaps_mass']:.0%} / {d['worst_5pct_gaps_mass']:.0%} | "
                   f"{d['over_300s_mass']:.0%} ({d['over_300s_points']:.1%} of points) | "
                   f"{d['floor_covered_perfect']:.1f} | {d['floor_best_of_two']:.1f} | "
                   f"{d['oracle_all_candidates']:.1f} |")  # fmt: skip
    for key, unit in (("by_seconds", "s"), ("by_metres", "m")):
        out += ["", f"| setting | gap ({unit}) | points | Akima error share | Akima MAE | "
                "coverage | Akima MAE, covered | route median MAE, covered |",
                "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for name, d in res.items():
            for r in d[key]:
                f = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
                out.append(f"| {name} | {r['bin']} | {r['points']:.1%} | {r['akima_mass']:.1%} | "
                           f"{r['akima_mae']:.1f} | {r['coverage']:.0%} | "
                           f"{f(r['akima_mae_covered'])} | {f(r['median_mae_covered'])} |")  # fmt: skip
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/stores/geolife"))
    ap.add_argument("--out", type=Path, default=Path("out/recovery-retrieval-diagnose"))
    ap.add_argument("--split", choices=("val", "test"), default="val")
    ap.add_argument("--mask-seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--intervals", type=float, nargs="+", default=[60.0, 120.0, 240.0])
    _rr.add_library_args(ap)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    train = read_store(args.data, split="train")
    proj = LocalProjection.fit(train)
    lib = library_from_frame(train, proj, **_rr.library_kw(args))  # TRAIN points only
    df = read_store(args.data, split=args.split)
    res = {}
    for name, tasks in _rr.settings(df, args.mask_seeds, args.intervals).items():
        res[name] = diagnose(_rr.Setting(tasks, proj, lib, "akima", args.split), tasks)
    md = to_markdown(res)
    (args.out / f"diagnose_{args.split}.md").write_text(md)
    (args.out / f"diagnose_{args.split}.json").write_text(
        json.dumps({"library": _rr.library_kw(args), "settings": res}, indent=1))  # fmt: skip
    print(md)
    return res


if __name__ == "__main__":
    main()
