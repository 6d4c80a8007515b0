"""The synthetic city written as a store (`trajlm data synth`, the tests' and demos' data):
no file is read, so none of ingest's reading and checks applies.

Split from ingest.py by review38b (which re-exports `synth_store`)."""

from __future__ import annotations

from pathlib import Path

from trajlm.data.clean import PRESETS, clean
from trajlm.data.store import write_store


def synth_store(
    out: str | Path, n_trajectories: int = 1000, seed: int = 0, overwrite: bool = True
) -> dict:
    """Generate the synthetic city and write it as a store (cleaned with the default preset)."""
    from trajlm.data.synthetic import generate_city

    city = generate_city(n_trajectories=n_trajectories, seed=seed)
    df, report = clean(city.points, PRESETS["default"], return_report=True, say_fast=False)
    sources = [f"synthetic:seed={seed},n={n_trajectories}"]
    return write_store(df, out, report=report, sources=sources, overwrite=overwrite)
