"""A function split into steps kept its statements: every simple statement (and every if /
while test) of the old function at REV is in the new functions, comments and line wrapping
aside; prints what is missing (should be nothing) and what the steps added (their glue).

    python scripts/review40/same_statements.py REV OLD_FILE:FUNC NEW_FILE:FUNC[,FUNC...]... [OLD=NEW...]
    python scripts/review40/same_statements.py 4e17bda2 trajlm/llm/rules.py:_plan \
        trajlm/llm/rules.py:_plan,_plain,_own_plan,_movers_plan,_filters,_checked

OLD=NEW renames text in the old source first (a private name made public on the move,
``self.points`` become a local ``points`` when a method's body became a function).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter

COMPOUND = (ast.If, ast.While, ast.For, ast.With, ast.Try, ast.FunctionDef)


def statements(source: str, names: set[str]) -> Counter[str]:
    """The simple statements and loop / branch tests of the functions ``names`` in ``source``."""
    out: Counter[str] = Counter()
    for fn in ast.walk(ast.parse(source)):
        if isinstance(fn, ast.FunctionDef) and fn.name in names:
            for n in ast.walk(fn):
                if isinstance(n, ast.stmt) and not isinstance(n, COMPOUND):
                    out[ast.dump(n)] += 1
                if isinstance(n, ast.If | ast.While):
                    out["test " + ast.dump(n.test)] += 1
    return out


def main(rev: str, old: str, news: list[str], renames: list[str]) -> int:
    path, func = old.split(":")
    source = subprocess.check_output(["git", "show", f"{rev}:{path}"], text=True)
    for rename in renames:
        source = source.replace(*rename.split("=", 1))
    before = statements(source, {func})
    after: Counter[str] = Counter()
    for new in news:
        path, funcs = new.split(":")
        with open(path) as f:
            after += statements(f.read(), set(funcs.split(",")))
    missing, added = before - after, after - before
    print(
        f"{old}: {sum(before.values())} statements, {sum(missing.values())} missing, {sum(added.values())} added"
    )
    for k in missing:
        print("  missing:", k[:200])
    return 1 if missing else 0


if __name__ == "__main__":
    rest = sys.argv[3:]
    sys.exit(
        main(
            sys.argv[1],
            sys.argv[2],
            [a for a in rest if "=" not in a],
            [a for a in rest if "=" in a],
        )
    )
