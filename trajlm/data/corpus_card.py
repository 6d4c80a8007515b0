"""RUN/CORPUS.md: what a run pretrained on a corpus saw, source by source (session 39, newuser39).

trajlm-small has a model card; a run of `make pretrain` had only config.json's coverage: the
sources' names, 96 bounding boxes and one sampling histogram over the whole mix (AIS's minutes
and a bus feed's 15 s together), so a researcher could not read whether their city and its
sampling were in it without opening corpus.json and each source's manifest. `trajlm train` on a
corpus now writes this card beside the weights: per source its share of the training windows,
trips and points, median sampling interval, area, licence, the cleaning it was read with and
what the build said about it (jumps kept, times read as UTC).
"""

from __future__ import annotations

import json
from pathlib import Path

CARD_FILE = "CORPUS.md"


def _median_interval_s(source_dir: Path) -> float | None:
    """The median time step of a source store's train split (None where unreadable)."""
    try:
        import polars as pl

        from trajlm.data.store import read_store

        df = read_store(source_dir, split="train", columns=["traj_id", "t"])
        dt = (
            df.sort("traj_id", "t")
            .select(
                pl.when(pl.col("traj_id") == pl.col("traj_id").shift(1))
                .then(pl.col("t") - pl.col("t").shift(1))
                .alias("dt")
            )["dt"]
            .drop_nulls()
        )
        return float(dt.median()) if len(dt) else None
    except Exception:  # a card line missing is no reason to fail a trained run
        return None


def _area(manifest: dict) -> str:
    box = manifest.get("bbox") or {}
    try:
        return (f"lat {box['min_lat']:.2f}..{box['max_lat']:.2f}, "
                f"lon {box['min_lon']:.2f}..{box['max_lon']:.2f}")  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return "?"


def sources_card(corpus: str | Path) -> str:
    """The card's markdown for the corpus at `corpus` (its corpus.json and source stores)."""
    corpus = Path(corpus)
    record = json.loads((corpus / "corpus.json").read_text())
    sources = record.get("sources", [])
    total = sum(max(float(s.get("weight", 0.0)), 0.0) for s in sources) or 1.0
    lines = [
        f"# Pretraining corpus of this run: {record.get('name', corpus.name)}",
        "",
        f"Corpus: `{corpus}` (written by `trajlm train`; the sources as `trajlm data corpus` "
        "read them). Share = weight / sum of weights: the chance a training window comes from "
        "the source. Only each source's train split was trained on; its test split was not.",
        "",
        "| source | share | trajectories | points | median interval (s) | area | licence | "
        "may ship weights | cleaning | said at build |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sources:
        folder = corpus / "sources" / s["name"]
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
        except (OSError, ValueError):
            manifest = {}
        dt = _median_interval_s(folder)
        said = []
        if jumps := s.get("jumps"):
            said.append(f"{jumps['steps']:,} steps over {jumps['threshold_mps']:g} m/s")
        if naive := s.get("times_read_as_utc"):
            said.append(f"times in {naive!r} read as UTC")
        clean = (
            ", ".join(f"{k}={v}" for k, v in (s.get("clean") or {}).items()) or "format's preset"
        )
        lines.append(
            f"| {s['name']} | {100 * max(float(s.get('weight', 0)), 0) / total:.1f} % | "
            f"{s.get('n_trajectories', 0):,} | {s.get('n_points', 0):,} | "
            f"{'?' if dt is None else f'{dt:g}'} | {_area(manifest)} | {s.get('licence') or '?'} | "
            f"{'yes' if s.get('redistributable') else 'no'} | {clean} | {'; '.join(said) or '-'} |"
        )
    if skipped := record.get("skipped"):
        lines += ["", "Skipped (not in the corpus): " + "; ".join(
            f"{k['name']} ({k['reason']})" for k in skipped)]  # fmt: skip
    return "\n".join(lines) + "\n"


def write_sources_card(corpus: str | Path, run: str | Path) -> Path | None:
    """Write RUN/CORPUS.md for a run trained on `corpus` (beside its train_summary.json); None
    where the corpus record cannot be read or the card written."""
    try:
        text = sources_card(corpus)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    run = Path(run)
    try:
        (run / CARD_FILE).write_text(text)
    except OSError:  # the run is trained and saved: a card not written is no reason to fail
        return None
    return run / CARD_FILE
