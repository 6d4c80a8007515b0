"""Which sources set a corpus's step and time scales, and a corpus whose scales leave some out.

A corpus's ``stats.json`` (``corpus_stats``) holds the moments of the weighted mixture of its
sources: the RMS step and the mean / standard deviation of the time step. Moments are
quadratic, so one source sampled in another regime sets them alone: in session 21's transfer
corpus T-Drive (13 % of the weight, 1-km steps every 228 s on average) holds 92 % of the
mixture's squared step and 96 % of its time-step variance, and the scales (374 m, 94 s) sit
far from every other source's (5-144 m, 1.5-83 s). ``scale_shares`` measures that per source;
``rescaled_corpus`` copies a corpus with the scales recomputed over all sources but the named
ones (they stay in the corpus and are trained on; only the units change). Opt-in: no shipped
corpus or config uses it (docs/pretraining.md, "Session 22 (premise22)").

    shares = scale_shares(source_stats("runs/corpus"))
    rescaled_corpus("runs/corpus", "runs/corpus_notd", exclude=["tdrive"])
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from trajlm.data.corpus import corpus_stats
from trajlm.data.features import NormStats
from trajlm.errors import TrajlmInputError

RECORD = "scales.json"  # what rescaled_corpus changed, next to the new stats.json


def source_stats(corpus: str | Path) -> dict[str, tuple[float, NormStats]]:
    """{source name: (weight, its own NormStats)} from CORPUS/corpus.json."""
    f = Path(corpus) / "corpus.json"
    if not f.is_file():
        raise TrajlmInputError(f"{f}: no corpus.json (is {corpus} a corpus built by build_corpus?)")
    try:
        sources = json.loads(f.read_text())["sources"]
        return {s["name"]: (float(s["weight"]), NormStats.from_dict(s["stats"])) for s in sources}
    except (KeyError, TypeError, ValueError) as e:
        raise TrajlmInputError(f"{f}: sources[].name / weight / stats unreadable ({e})") from e


def scale_shares(sources: dict[str, tuple[float, NormStats]]) -> dict[str, dict[str, float]]:
    """Each source's share (0-1) of the mixture's squared step (``step``) and of its time-step
    variance about the mixture mean (``dt``): the terms ``corpus_stats`` sums."""
    w = np.array([v[0] for v in sources.values()], dtype=np.float64)
    p = w / w.sum()
    st = [v[1] for v in sources.values()]
    step = p * np.array([s.dxy_scale for s in st]) ** 2
    m = np.array([s.dt_mean for s in st])
    sd = np.array([s.dt_scale for s in st])
    dt = p * (sd**2 + (m - float(np.sum(p * m))) ** 2)
    return {
        name: {"weight": float(pi), "step": float(a / step.sum()), "dt": float(b / dt.sum())}
        for name, pi, a, b in zip(sources, p, step, dt, strict=True)
    }


def stats_excluding(sources: dict[str, tuple[float, NormStats]], exclude: list[str]) -> NormStats:
    """``corpus_stats`` over every source but ``exclude`` (their weights dropped)."""
    unknown = sorted(set(exclude) - set(sources))
    if unknown:
        raise TrajlmInputError(
            f"exclude: no source named {unknown[0]!r} (the corpus has {sorted(sources)})"
        )
    kept = [v for k, v in sources.items() if k not in exclude]
    if not kept:
        raise TrajlmInputError("exclude: names every source; at least one must set the scales")
    return corpus_stats([s for _, s in kept], [w for w, _ in kept])


def rescaled_corpus(corpus: str | Path, out: str | Path, exclude: list[str]) -> NormStats:
    """Copy CORPUS to OUT (a new directory) with stats.json recomputed without ``exclude``'s
    sources (``stats_excluding``; the plane and position scale stay the corpus's), and
    OUT/scales.json recording the old and new stats and every source's shares."""
    corpus, out = Path(corpus), Path(out)
    if out.exists():
        raise TrajlmInputError(f"{out}: already exists; give a new directory")
    src = source_stats(corpus)
    new = stats_excluding(src, exclude)
    old = NormStats.load(corpus / "stats.json")
    keep = {"lat0", "lon0", "xy_mean", "xy_scale", "n_points"}
    stats = NormStats.from_dict(
        {**new.to_dict(), **{k: v for k, v in old.to_dict().items() if k in keep}}
    )
    shutil.copytree(corpus, out)
    stats.save(out / "stats.json")
    record = {"from": str(corpus), "exclude": list(exclude), "old": old.to_dict(),
              "new": stats.to_dict(), "shares": scale_shares(src)}  # fmt: skip
    (out / RECORD).write_text(json.dumps(record, indent=1))
    return stats
