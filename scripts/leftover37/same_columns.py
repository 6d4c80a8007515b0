"""leftover37 item 7: `resolve_columns` split into functions of one idea each must give the
same answers. Runs a copy of the function as it was (OLD_DETECT: the file at the base commit,
e.g. `git show 202f3591:trajlm/data/readers/detect.py > /tmp/detect_old.py`) and this
checkout's on every csv / parquet / txt / tsv file under the folders given, with no options
and with --tz, and compares the map, the guesses, the error (type and text) and every warning
(text, file and line it points at).

    PYTHONPATH=$PWD OLD_DETECT=/tmp/detect_old.py python scripts/leftover37/same_columns.py DIR...
"""

from __future__ import annotations

import importlib.util
import os
import sys
import warnings
from pathlib import Path

from trajlm.data.readers import detect
from trajlm.data.readers._common import ColumnMap

SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet"}
MAX_BYTES = 200 * 1024 * 1024


def _old():
    spec = importlib.util.spec_from_file_location("detect_old", os.environ["OLD_DETECT"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.resolve_columns


def call(fn, path: Path, fmt: str, cm):
    """fn's answer, or its error, and the warnings it gave (text, file, line)."""
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            answer = repr(fn([path], fmt, cm))
        except Exception as e:  # the answer to compare is the error's type and text
            answer = f"{type(e).__name__}: {e}"
    return answer, [(str(w.message), w.filename, w.lineno) for w in said]


def main(folders: list[str]) -> int:
    old, new = _old(), detect.resolve_columns
    files = sorted(p for d in folders for p in Path(d).rglob("*")
                   if p.suffix.lower() in SUFFIXES and p.is_file()
                   and p.stat().st_size < MAX_BYTES)  # fmt: skip
    n = differ = errors = warned = guessed = 0
    for path in files:
        for cm in (None, ColumnMap(tz="Europe/Zurich")):
            fmt = SUFFIXES[path.suffix.lower()]
            a, b = call(old, path, fmt, cm), call(new, path, fmt, cm)
            n += 1
            errors += not b[0].startswith("(")
            warned += bool(b[1])
            guessed += b[0].startswith("(") and not b[0].endswith(", {})")
            if a != b:
                differ += 1
                print(f"DIFFERENT {path} {cm}:\n  old {a}\n  new {b}")
    print(
        f"{n} calls on {len(files)} files ({guessed} with guesses, {errors} errors, "
        f"{warned} with warnings): {differ} different"
    )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
