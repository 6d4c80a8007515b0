"""The issue-15 transport-mode table of docs/results.md: both splits side by side.

    python scripts/modes_hybrid_table.py OUT [--score-on test] [--splits user_time time]

Reads OUT/<score_on>-<split>/{eval_classify.json, modes_summary.json} (written by
scripts/modes_results.py, run by scripts/modes_hybrid_results.sh) and writes
OUT/modes_<score_on>.md: accuracy and macro-F1 (mean ± std over seeds) per split, and the
paired bootstrap 95 % CI of each model row's accuracy minus GB's (percentage points).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from trajlm.eval.report import mean_std, write_markdown_table


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--score-on", default="test", choices=("val", "test"))
    ap.add_argument("--splits", nargs="+", default=["user_time", "time"])
    args = ap.parse_args(argv)
    runs = {}
    for split in args.splits:
        d = args.out / f"{args.score_on}-{split}"
        res = json.loads((d / "eval_classify.json").read_text())["results"]
        summ = json.loads((d / "modes_summary.json").read_text())["methods"]
        runs[split] = ({r["method"]: r for r in res}, summ)
    methods = list(runs[args.splits[0]][0])
    header = ["method"]
    for split in args.splits:
        header += [f"{split}: accuracy (%)", "macro-F1 (%)", "Δ acc vs GB, pp [95 % CI]"]
    header.append("fit (s), per split")
    table = []
    for name in methods:
        row = [name]
        for split in args.splits:
            rows, summ = runs[split]
            r = rows[name]
            ci = summ.get(name, {}).get("ci_vs_gb")
            w = summ.get(name, {}).get("weights")
            ci_text = (
                f"{100 * ci['diff']:+.1f} [{100 * ci['lo']:+.1f}, {100 * ci['hi']:+.1f}]"
                if ci
                else ""
            )
            if w:
                ci_text += " (w_GB " + " / ".join(f"{x:.2f}" for x in w) + ")"
            row += [mean_std(r, "accuracy_pct"), mean_std(r, "macro_f1_pct"), ci_text]
        fit = " / ".join(f"{runs[s][0][name]['fit_s']:.0f}" for s in args.splits)
        ens = any(runs[s][1].get(name, {}).get("weights") for s in args.splits)
        row.append(fit + (" (GB; + the model's)" if ens else ""))  # the model is reused
        table.append(row)
    return write_markdown_table(args.out / f"modes_{args.score_on}.md", header, table)


if __name__ == "__main__":
    print(main().read_text())
