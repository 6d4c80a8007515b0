"""premise35b: a copy of a pretrained weights directory with its infill head reset to zero.

The infill head (``infill_head.mean`` and ``infill_head.log_var``, trajlm/model/transformer.py)
predicts a position-hidden point's offset over its anchor (here the Akima spline) and that
offset's log variance. Zeroed, the model recovers exactly like the spline (offset 0) with unit
variance, as a random init of the same architecture does (its mean is zero-initialised, its
log variance ~0), so a fine-tune from it starts where scratch starts and only the pretrained
body differs. Every other weight is copied exactly. docs/pretraining.md "Session 35 (premise35b)".

    python scripts/premise35b/zero_head.py /tmp/premise33/pre_akima_seed1/best OUT
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

HEAD_PREFIX = "infill_head."


def zero_infill_head(init: Path, out: Path) -> list[str]:
    """Write ``init``'s files to ``out`` with every ``infill_head.*`` tensor zeroed; returns the
    zeroed names. Refuses an existing ``out`` and an init without an infill head."""
    from safetensors.torch import load_file, save_file

    if out.exists():
        raise ValueError(f"{out} exists: not overwritten")
    if not (init / "model.safetensors").is_file():
        raise ValueError(f"{init}/model.safetensors: not found")
    weights = load_file(init / "model.safetensors")
    zeroed = sorted(k for k in weights if k.startswith(HEAD_PREFIX))
    if not zeroed:
        raise ValueError(f"{init}/model.safetensors: no {HEAD_PREFIX}* weights (infill_heads off?)")
    tmp = out.with_name(out.name + ".tmp")
    shutil.copytree(init, tmp)
    save_file({k: v.zero_() if k in zeroed else v for k, v in weights.items()},
              tmp / "model.safetensors", metadata={"format": "pt"})  # fmt: skip
    tmp.rename(out)
    return zeroed


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("init", type=Path)
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    try:
        zeroed = zero_infill_head(args.init, args.out)
    except ValueError as e:  # one line, exit 2 (bad input), never a traceback
        print(f"zero_head.py: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"{args.out}: zeroed {', '.join(zeroed)}")


if __name__ == "__main__":
    main()
