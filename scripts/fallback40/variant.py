"""A checkpoint folder that is trajlm-small with inference settings changed (links to its
weights and files, its config.json with KEY=VALUE overrides; JSON values).

    python scripts/fallback40/variant.py OUT_DIR backtest_fallback_last_after_s=60
"""

from __future__ import annotations

import json
import os
import sys

SRC = "trajlm/checkpoints/trajlm-small"


def main() -> None:
    out, pairs = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(SRC):
        dst = os.path.join(out, f)
        if f != "config.json" and not os.path.lexists(dst):
            os.symlink(os.path.realpath(os.path.join(SRC, f)), dst)
    with open(os.path.join(SRC, "config.json")) as fh:
        cfg = json.load(fh)
    for p in pairs:
        key, _, value = p.partition("=")
        cfg[key] = json.loads(value)
    with open(os.path.join(out, "config.json"), "w") as fh:
        json.dump(cfg, fh, indent=2)


if __name__ == "__main__":
    main()
