"""Session 37 (geomap37): are two candidate caches (``candidate_results.py --cache``) the same
array for array? Used to tell a code change from a machine's float kernels when a rebuilt
selector does not reproduce a published one.

    PYTHONPATH=. python scripts/geomap37/compare_cands.py CACHE_A CACHE_B   # exit 0: identical
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np


def compare(a: Path, b: Path) -> list[str]:
    """One line per file and array that differs (empty: identical); files are matched by their
    path below each cache folder."""
    files = sorted(p.relative_to(a) for p in a.rglob("*.npz"))
    if not files or files != sorted(p.relative_to(b) for p in b.rglob("*.npz")):
        return [f"the caches hold different files: {files} / {sorted(p.relative_to(b) for p in b.rglob('*.npz'))}"]  # fmt: skip
    out = []
    for f in files:
        x, y = np.load(a / f), np.load(b / f)
        for k in sorted(set(x.files) | set(y.files)):
            if k not in x.files or k not in y.files:
                out.append(f"{f}: {k} only in one cache")
            elif x[k].shape != y[k].shape or not np.array_equal(x[k], y[k], equal_nan=x[k].dtype.kind == "f"):  # fmt: skip
                out.append(f"{f}: {k} differs")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    for p in (args.a, args.b):
        if not p.is_dir():
            ap.error(f"{p} is not a folder")
    diff = compare(args.a, args.b)
    print("\n".join(diff) if diff else f"identical: every array of {args.a} equals {args.b}'s")
    sys.exit(1 if diff else 0)


if __name__ == "__main__":
    main()
