"""A move changed no code: every top-level function, class and assignment of OLD_FILE at REV is,
AST-identical (comments and wrapping aside), in exactly one of the files given now, and nothing
else was defined there.

    python scripts/review40b/same_defs.py REV OLD_FILE NEW_FILE...   # e.g. HEAD~1 a.py a.py b.py

Prints each definition that changed, went missing or is new, then a count; exits 1 on any.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path


def definitions(source: str) -> dict[str, str]:
    """Top-level name -> its AST dump (imports and the module docstring left out)."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found[node.name] = ast.dump(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            found[ast.unparse(node).split("=")[0].strip()] = ast.dump(node)
    return found


def main(rev: str, old_file: str, new_files: list[str]) -> int:
    before = definitions(subprocess.check_output(["git", "show", f"{rev}:{old_file}"], text=True))
    after: dict[str, list[str]] = {}
    for f in new_files:
        for name, dump in definitions(Path(f).read_text()).items():
            after.setdefault(name, []).append(dump)
    problems = [f"missing or changed: {n}" for n, d in before.items() if after.get(n) != [d]]
    problems += [f"new: {n}" for n in after if n not in before]
    print("\n".join(problems) or f"{len(before)} definitions, all unchanged")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
