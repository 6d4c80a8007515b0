"""What the results scripts share: seed aggregation, table cells and writing OUT.json + OUT.md.

A script imports it as ``from _report import ...`` after putting its own folder on sys.path
(so it also works when the script is imported, as the tests do).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np


def seed_stats(per_seed: list[dict[str, float]]) -> dict[str, float]:
    """One metrics dict per seed -> ``{key: mean, key_std: std}`` over the seeds, key by key in
    the first dict's order (population std, as ``trajlm eval``'s aggregate row)."""
    out = {}
    for k in per_seed[0]:
        out[k] = float(np.mean([s[k] for s in per_seed]))
        out[k + "_std"] = float(np.std([s[k] for s in per_seed]))
    return out


def pm(value: float, std: float | None, digits: int = 1) -> str:
    """A ``mean ± std`` cell; the mean alone where std is None."""
    return f"{value:.{digits}f}" + (f" ± {std:.{digits}f}" if std is not None else "")


def ci_text(ci: dict, digits: int = 1, rel: bool = True) -> str:
    """A paired bootstrap CI (``trajlm.eval.compare.paired_bootstrap_ci``) as
    ``+d [+lo, +hi]``, with ``(+r %)`` of the relative difference when ``rel``."""
    d = digits
    text = f"{ci['diff']:+.{d}f} [{ci['lo']:+.{d}f}, {ci['hi']:+.{d}f}]"
    return text + (f" ({100 * ci['rel']:+.1f} %)" if rel else "")


def weights_text(weights: Iterable[float]) -> str:
    """Blend weights picked per seed, as a suffix of the method's name: `` (w = 0.40, 0.45)``."""
    return f" (w = {', '.join(f'{w:.2f}' for w in weights)})"


def write_results(out: Path, doc: dict, markdown: str) -> None:
    """Write ``doc`` to OUT.json (indented) and the Markdown table to OUT.md beside it, and
    print the table. Existing files are replaced: OUT is the script's own output."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown if markdown.endswith("\n") else markdown + "\n")
    print(markdown)
