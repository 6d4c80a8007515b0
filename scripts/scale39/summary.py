"""Session 39 (scale39): eval's peak and the store read's, from scripts/scale37/peak.sh's outputs.

    python scripts/scale39/summary.py DIR [DIR ...]

Per DIR (peak.sh's OUT): the peak (rss_where) and where, the maximum RSS (/usr/bin/time), and the
read window's highest RSS: the timeline from the last 5-s sample still importing (`<module>`)
up to the first one neither importing nor inside the store read (`read_store` /
`read_splits_checked` / `check_model_input`) (samples every ~5 s bound the window, so it is
approximate and may hold the last imports and the first seconds after the read), with the
highest RSS before it (the imports). Then the median of each over the DIRs.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from pathlib import Path

READ = ("read_store", "read_splits_checked", "check_model_input", "read_part")


def one(out: Path) -> dict:
    where = json.loads((out / "where.json").read_text())
    samples = where["where"]
    text = [" ".join(stack) for _, _, stack in samples]
    reading = [any(r in x for r in READ) for x in text]
    importing = [not x or "<module>" in x for x in text]
    run = next(i for i in range(len(text)) if not (reading[i] or importing[i]))  # after the read
    start = max(i for i in range(run) if importing[i])  # the last sample still importing
    start, end = samples[start][0], samples[run][0]
    tl = where["timeline"]
    before = max(r for t, r in tl if t <= start)
    read_peak = max(r for t, r in tl if start <= t <= end)
    max_rss = int(
        re.search(r"Maximum resident set size \(kbytes\): (\d+)", (out / "err.log").read_text())[1]
    )
    return {"dir": out.name, "peak": where["peak_mb"], "at": where["stack"][-1] if where["stack"] else "",
            "max_rss": round(max_rss / 1024), "before_read": before, "read_peak": read_peak}  # fmt: skip


def main() -> None:
    rows = [one(Path(d)) for d in sys.argv[1:]]
    for r in rows:
        print(r)
    med = {
        k: statistics.median(r[k] for r in rows)
        for k in ("peak", "max_rss", "before_read", "read_peak")
    }
    print("median", med)


if __name__ == "__main__":
    main()
