"""Every `from trajlm.X import name` in trajlm/, tests/, scripts/, bench/ resolves (the module
imports and has the name, or the name is a submodule): a rename that missed a caller fails here.

    PYTHONPATH=$PWD python scripts/review38/imports_resolve.py [ROOT]
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path


def bad_imports(root: Path) -> list[str]:
    bad = []
    for folder in ("trajlm", "tests", "scripts", "bench"):
        for f in sorted((root / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(f.read_text())):
                if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module):
                    continue
                if node.module.split(".")[0] != "trajlm":
                    continue
                try:
                    mod = importlib.import_module(node.module)
                except Exception as e:  # noqa: BLE001 (said, not raised: the list is the point)
                    bad.append(f"{f.relative_to(root)}:{node.lineno} {node.module}: {e!r}")
                    continue
                for a in node.names:
                    if a.name == "*" or hasattr(mod, a.name):
                        continue
                    try:
                        importlib.import_module(f"{node.module}.{a.name}")
                    except ImportError:
                        bad.append(f"{f.relative_to(root)}:{node.lineno} {node.module}.{a.name}")
    return bad


if __name__ == "__main__":
    found = bad_imports(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve())
    print("\n".join(found) or "every trajlm import resolves")
    sys.exit(1 if found else 0)
