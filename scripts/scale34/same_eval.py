"""Are two `trajlm eval` outputs the same table? (scale34: eval made faster, numbers unchanged)

    python scripts/scale34/same_eval.py BEFORE/eval.json AFTER/eval.json

Compares the JSON every value, floats to the bit, and the Markdown beside each (eval.md) line
by line, leaving out only what a run cannot repeat: the seconds each method took to fit and
to predict (`fit_s`, `predict_s`, the table's last two columns), the commit the run was made
from and the paths it was given (`git_commit`, `store`, `models`). Prints `identical` (exit 0)
or each difference (exit 1).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TIMES = {"fit_s", "predict_s"}  # seconds: a run's own
RUN = {"git_commit", "store", "models"}  # which commit / which paths: the run's own


def _walk(a, b, where: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key in TIMES or (where == "" and key in RUN):
                continue
            if key not in a or key not in b:
                out.append(f"{where}/{key}: only in {'after' if key in b else 'before'}")
            else:
                _walk(a[key], b[key], f"{where}/{key}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{where}: {len(a)} items before, {len(b)} after")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            _walk(x, y, f"{where}[{i}]", out)
    elif a != b and not (a != a and b != b):  # NaN == NaN here
        out.append(f"{where}: {a!r} before, {b!r} after")


def _table_line(line: str) -> str:
    """A Markdown table row without its fit (s) / predict (s) cells."""
    if line.startswith("|") and "fit (s)" not in line and not line.startswith("|---"):
        return "|".join(line.split("|")[:-3])
    return line


def differences(before: Path, after: Path) -> list[str]:
    """Every difference between two eval JSONs and their .md files, run-own values left out."""
    out: list[str] = []
    _walk(json.loads(before.read_text()), json.loads(after.read_text()), "", out)
    md_a, md_b = before.with_suffix(".md"), after.with_suffix(".md")
    if md_a.exists() != md_b.exists():
        out.append(f"{md_a if md_a.exists() else md_b} has no counterpart")
    elif md_a.exists():
        la, lb = md_a.read_text().splitlines(), md_b.read_text().splitlines()
        if len(la) != len(lb):
            out.append(f"eval.md: {len(la)} lines before, {len(lb)} after")
        for i, (x, y) in enumerate(zip(la, lb, strict=False), 1):
            if _table_line(x) != _table_line(y):
                out.append(f"eval.md line {i}:\n  before: {x}\n  after:  {y}")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: same_eval.py BEFORE.json AFTER.json", file=sys.stderr)
        return 2
    before, after = Path(argv[0]), Path(argv[1])
    for p in (before, after):
        if not p.is_file():
            print(f"{p}: no such file", file=sys.stderr)
            return 2
    diffs = differences(before, after)
    print("\n".join(diffs) if diffs else f"identical: {before} and {after}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
