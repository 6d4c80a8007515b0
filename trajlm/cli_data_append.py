"""`trajlm data ingest NEW_FILES --out STORE --append` (scale35): the CLI side.

The new files are ingested as any ingest reads them (same options, drop table and lines) into a
temporary store beside STORE (`.STORE.tmp-PID-*`, swept if the process dies), which
trajlm/data/store_append.py then appends to STORE: part files kept, every new trip to test,
refused where that would not be honest. The rule is in store_append's docstring and docs/data.md.
"""

from __future__ import annotations

from pathlib import Path

APPEND_HELP = (
    "Add the files' trajectories to the existing store --out without rewriting its part files. "
    "Its chronological split is kept and every new trip goes to test, so each must start after "
    "the store's latest train or val trip (a late day among test's is taken); ids the store "
    "has, other columns or other cleaning settings are refused (docs/data.md)."
)


def check_append(out: Path, overwrite: bool) -> Path:
    """--append's own checks, before any file is read: --out is a whole store, and not
    --overwrite too. Returns the temporary store path the new files are ingested into."""
    from trajlm import _cli_io as io
    from trajlm._safety import UserError, tmp_name
    from trajlm.data.store_append import sweep_before_append

    if overwrite:
        raise UserError("--append adds to the store --out; --overwrite replaces it: give one")
    io.store(out, "--out")
    sweep_before_append(out)
    return out.parent / tmp_name(out.name) / "new"


def append_ingested(out: Path, staged: Path, paths: list[Path], clean_config: dict | None) -> dict:
    """Append the store ``staged`` (the new files, ingested with ``clean_config``) to ``out``;
    ``staged``'s folder is removed whatever happens. Returns ``out``'s new manifest."""
    from trajlm.data.store_append import append_store

    try:
        return append_store(out, staged, [str(p) for p in paths], clean_config)
    finally:
        discard_staged(staged)


def discard_staged(staged: Path) -> None:
    """Remove the temporary folder the new files were ingested into."""
    import shutil

    shutil.rmtree(staged.parent, ignore_errors=True)


def appended_line(out: Path, new: dict, merged: dict) -> str:
    """What the append did, in one line (the store's splits after it)."""
    import json

    return (f"appended to {out}: {new['n_trajectories']:,} trajectories, {new['n_points']:,} "
            f"points, all to test (the store's chronological split kept; test is now "
            f"{merged['splits']['test']['n_trajectories']:,} trajectories); the store: "
            f"{merged['n_trajectories']:,} trajectories, {merged['n_points']:,} points; splits "
            f"{json.dumps(merged['splits'])}")  # fmt: skip


def append_summary(summary: dict, new: dict, merged: dict) -> dict:
    """`--json` with --append: the run's numbers (rows read, dropped) as ingest's, its trips all
    in test, and the store's after the append under ``store_after``."""
    split = {"n_trajectories": new["n_trajectories"], "n_points": new["n_points"]}
    return {**summary, "splits": {"test": split}, "appended": True,
            "store_after": {"trips": merged["n_trajectories"], "points": merged["n_points"],
                            "splits": merged["splits"]}}  # fmt: skip
