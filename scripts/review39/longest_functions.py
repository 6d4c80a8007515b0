"""The longest functions in a checkout's trajlm/ by AST line count (``end_lineno - lineno + 1``
of each def, its decorators and docstring included; a nested def counts in its parent too).

    python scripts/review39/longest_functions.py [CHECKOUT] [N]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def longest(root: Path, n: int) -> list[tuple[int, str, str]]:
    """(lines, path:line, qualified name) of the n longest functions under root/trajlm."""
    found = []
    for path in sorted((root / "trajlm").rglob("*.py")):
        tree, where = ast.parse(path.read_text(), str(path)), path.relative_to(root)

        def walk(node: ast.AST, prefix: str, where: Path = where) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    name = prefix + child.name
                    size = child.end_lineno - child.lineno + 1
                    found.append((size, f"{where}:{child.lineno}", name))
                    walk(child, name + ".")
                elif isinstance(child, ast.ClassDef):
                    walk(child, prefix + child.name + ".")

        walk(tree, "")
    return sorted(found, key=lambda f: (-f[0], f[1]))[:n]


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    for size, where, name in longest(root, int(sys.argv[2]) if len(sys.argv) > 2 else 15):
        print(f"{size:4d}  {name}  {where}")
