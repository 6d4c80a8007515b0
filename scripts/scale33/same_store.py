"""Session 33 (scale33): are two stores the same, byte for byte?

Every file under both stores is compared by its bytes; manifest.json by its content without
`created_at`, and
.trajlm without `created_unix` (the time of writing). Exit 0 and "same" when equal, else exit 1 and the files
that differ.

    python scripts/scale33/same_store.py STORE_BEFORE STORE_AFTER
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def differences(a: Path, b: Path) -> list[str]:
    names = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    out = []
    for name in sorted(names):
        fa, fb = a / name, b / name
        if not (fa.is_file() and fb.is_file()):
            out.append(f"{name}: only in one store")
        elif name.name in ("manifest.json", ".trajlm"):  # the time of writing left out
            ma, mb = (json.loads(f.read_text()) for f in (fa, fb))
            for m in (ma, mb):
                m.pop("created_at", None), m.pop("created_unix", None)
            if ma != mb:
                out.append(f"{name}: content differs")
        elif fa.read_bytes() != fb.read_bytes():
            out.append(f"{name}: bytes differ")
    return out


if __name__ == "__main__":
    diff = differences(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(diff) if diff else f"same ({sys.argv[1]} == {sys.argv[2]})")
    sys.exit(1 if diff else 0)
