"""Every polars call whose output row order polars does not promise unless asked: join,
join_asof, group_by, unique, partition_by, pivot, over, value_counts, mode (order35, session 35).

    PYTHONPATH=$PWD .venv/bin/python scripts/order35/audit.py trajlm scripts/X.py ...

One tab-separated line a call: file:line, the method, a first verdict by rule, the methods
chained after it, the call's text. The rule: ``maintain_order=`` given (not "none" / False),
a ``sort`` chained right after, ``over`` (a window maps back to the rows), ``partition_by`` /
``pivot`` (maintain_order=True by default) are "safe"; every other call is "CHECK" and was
judged by hand (docs/testing.md "Session 35 (order35)"). ``np.unique`` and ``str.join`` calls
are not polars and are left out where the receiver says so."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

OPS = {"join", "join_asof", "join_where", "group_by", "group_by_dynamic", "unique", "partition_by",
       "pivot", "over", "value_counts", "mode"}  # fmt: skip
NOT_POLARS = re.compile(r"(np|numpy|os\.path|[A-Z_]+|.*\.str|.*path)")


def _chained(node: ast.AST, parents: dict) -> list[str]:
    """The method names called on this call's result, in order."""
    names, cur = [], node
    while isinstance(p := parents.get(cur), ast.Attribute) and p.value is cur:
        names.append(p.attr)
        if not (isinstance(pp := parents.get(p), ast.Call) and pp.func is p):
            break
        cur = pp
    return names


def verdict(op: str, keywords: dict[str, str], chained: list[str]) -> str:
    """A first verdict by rule (see the module's docstring)."""
    mo = keywords.get("maintain_order")
    if op == "over":
        return "safe: over maps back to rows"
    if op in ("partition_by", "pivot"):
        return "safe: default maintain_order=True" if mo != "False" else "CHECK"
    if mo and mo not in ("False", "'none'", '"none"'):
        return f"safe: maintain_order={mo}"
    if "sort" in chained[:3]:
        return "safe: sorted after"
    return "CHECK"


def audit(path: Path) -> list[tuple[str, str, str, str, str]]:
    """(file:line, method, verdict, chained methods, text) of each call in ``path``."""
    tree = ast.parse(path.read_text())
    parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
    rows = []
    for n in ast.walk(tree):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
            continue
        op, recv = n.func.attr, n.func.value
        if op not in OPS or isinstance(recv, ast.Constant):  # "sep".join, b"".join
            continue
        if NOT_POLARS.fullmatch(ast.unparse(recv)):
            continue
        kw = {k.arg: ast.unparse(k.value) for k in n.keywords if k.arg}
        after = _chained(n, parents)
        rows.append((f"{path}:{n.lineno}", op, verdict(op, kw, after), ".".join(after[:3]),
                     ast.unparse(n)[:110]))  # fmt: skip
    return rows


def main(argv: list[str]) -> int:
    files = [
        f for a in argv for f in (sorted(Path(a).rglob("*.py")) if Path(a).is_dir() else [Path(a)])
    ]
    if not files or any(not f.is_file() for f in files):
        print(
            "usage: audit.py DIR_OR_FILE... (each an existing .py file or folder)", file=sys.stderr
        )
        return 2
    rows = sorted((r for f in files for r in audit(f)),
                  key=lambda r: (r[0].rsplit(":", 1)[0], int(r[0].rsplit(":", 1)[1])))  # fmt: skip
    for r in rows:
        print("\t".join(r))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
