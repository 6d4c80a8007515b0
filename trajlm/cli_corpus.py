"""`trajlm data corpus SPEC --out DIR`: ingest every source of a corpus spec and merge them
into one store for pretraining (trajlm/data/corpus.py, docs/pretraining.md)."""

from __future__ import annotations

from pathlib import Path

import typer


def register(data_app: typer.Typer) -> None:
    @data_app.command("corpus")
    def data_corpus(
        spec: Path = typer.Argument(..., help="Corpus spec (TOML), e.g. configs/pretrain.toml."),
        out: Path = typer.Option(..., "--out", "-o", help="Corpus directory (a store)."),
        data_root: str = typer.Option(None, "--data-root",
                                      help="Folder the sources' paths are relative to "
                                           "(default: the spec's [corpus] data_root)."),
        redistributable_only: bool = typer.Option(
            False, "--redistributable-only",
            help="Only sources whose licence allows shipping weights trained on them."),
        overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing corpus."),
    ) -> None:  # fmt: skip
        """Build a pretraining corpus: each source ingested into its own store, merged, with
        per-source sampling weights (missing sources are skipped with a note; with [corpus]
        discover = true, renamed files and new data sets under the root are taken, each printed)."""
        from trajlm import _cli_io as io
        from trajlm.data.corpus import build_corpus, corpus_summary, load_corpus_spec

        io.must_exist(spec, "SPEC")
        s = load_corpus_spec(spec, data_root).select(redistributable_only)
        build_corpus(s, out, overwrite=overwrite, log=typer.echo)
        for row in corpus_summary(out):
            typer.echo(f"  {row['source']:<18} share {row['share']:6.1%}  "
                       f"{row['trajectories']:>6,} trajectories {row['points']:>9,} points  "
                       f"{row['licence']}")  # fmt: skip
        typer.echo(f"wrote {out}")
