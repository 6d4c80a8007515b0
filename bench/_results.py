"""Where every bench's JSON goes: only to ``--out`` (newuser3 F20). ``--out
bench/results/NAME.json`` replaces the committed result behind bench/README.md's figures; a
run without ``--out`` prints its numbers and says "not written", so a quick trial never does.

    from _results import add_out, write_result      # bench/ is the script's folder
    add_out(ap, "kv_cache.json")
    ...
    write_result(res, args.out, "kv_cache.json")
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def add_out(ap: argparse.ArgumentParser, name: str) -> None:
    """The ``--out FILE`` option (default: none, print only)."""
    ap.add_argument("--out", type=Path, default=None,
                    help=f"write the result JSON here (--out bench/results/{name} replaces the "
                    "committed one); default: print only")  # fmt: skip


def write_result(result: Any, out: Path | None, name: str, indent: int = 2) -> None:
    """Write `result` as JSON to `out` (its folder made), or say that nothing was written."""
    if out is None:
        print(f"not written (pass --out FILE; --out bench/results/{name} replaces the "
              "committed result)")  # fmt: skip
        return
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=indent, default=str) + "\n")
    print(f"wrote {out}")
