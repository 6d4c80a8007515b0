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


# Session 23 (premise23): per-source units. Every source is read in its own step unit (its own
# robust RMS step) and its own time unit (its own mean time step): CorpusWindows multiplies a
# source's positions by UNITS[name]["pos"] and its times by UNITS[name]["t"], so the corpus
# stats.json turns them into exactly step / own dxy_scale and (dt / own dt_mean - 1) / cv.
# cv is the largest source coefficient of variation (dt_scale / dt_mean), so no source's time
# step reads larger than under its own stats; steps read exactly as under their own stats.
# No source sets the units of another and none is clipped more than on its own.
UNITS = "units.json"


def _wgeo(x: np.ndarray, p: np.ndarray) -> float:
    return float(np.exp(np.sum(p * np.log(x))))


def per_source_units(sources: dict[str, tuple[float, NormStats]]) -> dict:
    """{"ref": {dxy_scale, dt_mean, dt_scale, cv}, "units": {name: {"pos", "t"}}}: the corpus
    reference scales (weighted geometric means of the sources' step / mean time step; any
    value gives the same normalised inputs) and each source's position / time factors."""
    if not sources:
        raise TrajlmInputError("per-source units: the corpus has no sources")
    w = np.array([v[0] for v in sources.values()], dtype=np.float64)
    if not np.all(w > 0):
        raise TrajlmInputError("per-source units: every source needs a weight > 0")
    p = w / w.sum()
    dxy = np.array([max(v[1].dxy_scale, 1e-3) for v in sources.values()])
    m = np.array([max(v[1].dt_mean, 1e-3) for v in sources.values()])
    cv = float(
        max(max(v[1].dt_scale, 1e-3) / mm for v, mm in zip(sources.values(), m, strict=True))
    )
    ref_dxy, ref_m = _wgeo(dxy, p), _wgeo(m, p)
    units = {
        name: {"pos": float(ref_dxy / d), "t": float(ref_m / mm)}
        for name, d, mm in zip(sources, dxy, m, strict=True)
    }
    ref = {"dxy_scale": ref_dxy, "dt_mean": ref_m, "dt_scale": ref_m * cv, "cv": cv}
    return {"ref": ref, "units": units}


def target_stats(own: NormStats, cv: float) -> NormStats:
    """A store's stats in per-source units (what a per-source-units checkpoint reads it with
    at fine-tune): its own step scale and mean time step, the corpus's cv."""
    d = own.to_dict()
    return NormStats.from_dict({**d, "dt_scale": max(own.dt_mean, 1e-3) * cv})


def per_source_units_corpus(corpus: str | Path, out: str | Path) -> dict:
    """Copy CORPUS to OUT (a new directory) with OUT/units.json (``per_source_units``) and
    stats.json's step / time scales set to the reference (the plane stays)."""
    corpus, out = Path(corpus), Path(out)
    if out.exists():
        raise TrajlmInputError(f"{out}: already exists; give a new directory")
    rec = per_source_units(source_stats(corpus))
    old = NormStats.load(corpus / "stats.json")
    new = {**old.to_dict(), **{k: rec["ref"][k] for k in ("dxy_scale", "dt_mean", "dt_scale")}}
    shutil.copytree(corpus, out)
    NormStats.from_dict(new).save(out / "stats.json")
    (out / UNITS).write_text(json.dumps({"from": str(corpus), **rec}, indent=1))
    return rec


def load_units(corpus: str | Path) -> dict[str, dict[str, float]] | None:
    """CORPUS/units.json's per-source factors, or None (the corpus has plain mixture scales)."""
    f = Path(corpus) / UNITS
    if not f.is_file():
        return None
    try:
        units = json.loads(f.read_text())["units"]
        return {k: {"pos": float(v["pos"]), "t": float(v["t"])} for k, v in units.items()}
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise TrajlmInputError(f"{f}: units[name].pos / .t unreadable ({e})") from e
