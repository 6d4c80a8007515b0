"""The docs/pretraining.md tables from scripts/pretrain_eval.py's records.

python scripts/pretrain_table.py out/pretrain/scores.json [more.json ...]

Records of scripts/robust_compare.py (recipe A against recipe B on the same trips) are listed
in a second table: the paired mean difference and its 95 % CI.

Several files (or one with repeated scorings of a split) list each split's constant-velocity
row once (scripts/robust_results.sh scores every model twice: plain and gated).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def rows(records: list[dict]) -> list[str]:
    out = [
        "| test split | model | seeds | 5-step MAE (m) | / constant velocity | 95 % CI (paired bootstrap) |",
        "|---|---|---|---|---|---|",
    ]  # fmt: skip
    seen = set()
    for r in records:
        if r["model"] == "constant velocity":
            key = (r["label"], r["data"], r.get("split", "test"), r["n_trips"])
            if key in seen:
                continue
            seen.add(key)
            out.append(f"| {r['label']} ({r['n_trips']} trips) | constant velocity | | "
                       f"{r['mae_m']:.1f} | 1.000 | |")  # fmt: skip
            continue
        n = r["n_seeds"]
        mae = f"{r['mae_m']:.1f}" + (f" ± {r['mae_std_m']:.1f}" if n > 1 else "")
        ratio = f"{r['ratio']:.3f}" + (f" ± {r['ratio_std']:.3f}" if n > 1 else "")
        lo, hi = r["ratio_ci95"]
        out.append(f"| {r['label']} | {r['model']} | {n} | {mae} | {ratio} | {lo:.3f}-{hi:.3f} |")
    return out


def compare_rows(records: list[dict]) -> list[str]:
    """scripts/robust_compare.py's records: a - b, paired."""
    out = [
        "| split | a | b | seeds | MAE a / b (m) | a - b (m) | CI (paired; 95 % unless named) |",
        "|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for r in records:
        gate = " (gated)" if r.get("coverage_gate") == "speed" else ""
        seeds = "/".join(str(n) for n in r["n_seeds"] if n)  # n = 0: constant velocity
        level = r.get("level", 0.95)
        named = "" if level == 0.95 else f" ({100 * level:g} %)"
        out.append(f"| {r['label']} ({r['split']}, {r['n']} trips){gate} | {r['a']} | {r['b']} | "
                   f"{seeds} | {r['mae_a_m']:.1f} / {r['mae_b_m']:.1f} | {r['diff']:+.1f} "
                   f"({100 * r['rel']:+.1f} %) | {r['lo']:+.1f} to {r['hi']:+.1f}{named} |")  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> str:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return ""
    records = [r for a in argv for r in json.loads(Path(a).read_text())]
    pairs = [r for r in records if "diff" in r]  # robust_compare.py's
    records = [r for r in records if "diff" not in r]
    text = "\n".join(rows(records) if records else [])
    if pairs:
        text = (text + "\n\n" if text else "") + "\n".join(compare_rows(pairs))
    print(text)
    return text


if __name__ == "__main__":
    main()
