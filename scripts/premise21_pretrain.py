"""scripts/similarity_pretrain.py with another model recipe (session 21; docs/pretraining.md
"Session 21"): --config picks the TOML whose [model] / [train] replace
configs/pretrain_model.toml, e.g. configs/pretrain_model_summary.toml (the summary token).

    python scripts/premise21_pretrain.py --config configs/pretrain_model_summary.toml \
        pretrain --corpus /tmp/premise19/corpus --out /tmp/premise21/pre_s1 --steps 1200
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import similarity_pretrain  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 2 or argv[0] != "--config":
        raise SystemExit("usage: premise21_pretrain.py --config RECIPE.toml corpus|pretrain ...")
    recipe = Path(argv[1])
    if not recipe.is_file():
        raise SystemExit(f"--config: no such file {recipe}")
    similarity_pretrain.CONFIG = recipe
    similarity_pretrain.main(argv[2:])


if __name__ == "__main__":
    main()
