"""Count `from trajlm.X import _name` where `_name` is a private name, not a submodule (by AST,
so multi-line imports count too): per folder, outside the folders other session-36 helpers
edit, and the names that 2+ other modules import (docs/testing.md "Session 36 (review36)").

    python scripts/review36/private_imports.py [ROOT]   (ROOT: a checkout, default this one)
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

SKIP = ("trajlm/data/readers/", "trajlm/data/coerce", "trajlm/llm/")


def private_imports(root: Path, folder: str) -> list[tuple[str, int, str, str]]:
    """(file, line, module, name) for each private name imported from a trajlm module."""
    rows = []
    for f in sorted((root / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text())):
            if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module):
                continue
            if not node.module.startswith("trajlm"):
                continue
            for a in node.names:
                if not a.name.startswith("_") or a.name.startswith("__"):
                    continue
                sub = root / node.module.replace(".", "/") / a.name
                if sub.with_suffix(".py").exists() or sub.is_dir():  # a private module
                    continue
                rows.append((f.relative_to(root).as_posix(), node.lineno, node.module, a.name))
    return rows


def main(root: Path) -> None:
    rows = private_imports(root, "trajlm")
    outside = [r for r in rows if not r[0].startswith(SKIP)]
    users = defaultdict(set)
    for f, _, module, name in rows:
        users[f"{module}.{name}"].add(f)
    shared = {k: v for k, v in users.items() if len(v) >= 2}
    print(f"trajlm/: {len(rows)}; outside {', '.join(SKIP)}: {len(outside)}")
    print(f"names imported by 2+ other modules: {len(shared)}")
    for k in sorted(shared):
        print(f"  {k}: {len(shared[k])}")
    for folder in ("tests", "scripts", "bench"):
        print(f"{folder}/: {len(private_imports(root, folder))}")
    for f, line, module, name in outside:
        print(f"  outside: {f}:{line} {module}.{name}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]))
