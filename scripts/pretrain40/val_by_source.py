"""pretrain40 (a): the per-source val table `trajlm train` now writes at the end of a corpus run,
read for runs trained before it existed (newuser39's three 1,000-step seeds).

    python scripts/pretrain40/val_by_source.py CORPUS RUN [RUN ...] > OUT.md
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from trajlm.cli_train_check import kept_model
from trajlm.eval.source_val import source_val_markdown, source_val_rows


def main(corpus: str, runs: list[str]) -> None:
    for run in runs:
        start = time.perf_counter()
        rows = source_val_rows(kept_model(Path(run), 1), Path(corpus))
        print(f"## {run} ({time.perf_counter() - start:.0f} s)\n\n{source_val_markdown(rows)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
