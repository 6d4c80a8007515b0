#!/usr/bin/env python
"""premise22: the transfer corpus with step / time scales not set by one source (issue 14;
docs/pretraining.md "Session 22 (premise22)"). Prints every source's share of the corpus
scales, then copies the corpus with stats.json recomputed without the named sources
(``trajlm.data.corpus_scales``); scripts/premise22_transfer.sh pretrains on the copy.

    python scripts/premise22_scales.py --corpus /tmp/premise21/corpus_glike \
        --out /tmp/premise22/corpus_notd --exclude tdrive
    python scripts/premise22_scales.py --corpus /tmp/premise21/corpus_glike   # shares only
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from trajlm.data.corpus_scales import rescaled_corpus, scale_shares, source_stats
from trajlm.errors import TrajlmInputError


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=None, help="the rescaled copy (new directory)")
    ap.add_argument("--exclude", nargs="*", default=[], help="sources left out of the scales")
    args = ap.parse_args(argv)
    try:
        src = source_stats(args.corpus)
        for name, s in scale_shares(src).items():
            st = src[name][1]
            print(f"{name:20s} weight {s['weight']:.3f}  step {st.dxy_scale:7.1f} m "
                  f"(share {s['step']:.3f})  dt {st.dt_mean:6.1f} +- {st.dt_scale:6.1f} s "
                  f"(share {s['dt']:.3f})")  # fmt: skip
        if args.out is not None:
            new = rescaled_corpus(args.corpus, args.out, args.exclude)
            print(
                json.dumps({"out": str(args.out), "exclude": args.exclude, "stats": new.to_dict()})
            )
    except TrajlmInputError as e:
        sys.exit(f"premise22_scales: {e}")


if __name__ == "__main__":
    main()
