"""What the mode-classification setup leaves out, said in one line (session 13, modesfix):
classes of the data that no model sees (not in the class map, or every segment too short)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl


def dropped_classes(
    df: pl.DataFrame, segments: pl.DataFrame, class_map: Mapping[str, str]
) -> dict[str, str]:
    """{class: why} for each labelled class of ``df`` absent from ``segments``: a raw label
    the class map does not keep (e.g. walk in ``CLASS_MAP``), or a kept class whose segments
    were all shorter than ``min_points``; each with its number of source trajectories."""
    if "label" not in df.columns or not len(df):
        return {}
    n = (
        df.filter(pl.col("label").is_not_null())
        .group_by("label")
        .agg(pl.col("traj_id").n_unique().alias("n"))
    )
    raw = dict(zip(n["label"].to_list(), n["n"].to_list(), strict=True))
    present = set(segments["label"].unique().to_list()) if len(segments) else set()
    out: dict[str, str] = {}
    for label, k in sorted(raw.items()):
        if label not in class_map:
            out[label] = f"{k} trajector{'y' if k == 1 else 'ies'}; not in the class map"
    for cls in sorted(set(class_map.values()) - present):
        k = sum(v for r, v in raw.items() if class_map.get(r) == cls)
        if k:
            out[cls] = f"{k} trajector{'y' if k == 1 else 'ies'}; every segment too short"
    return out


def dropped_line(drops: Mapping[str, str]) -> str | None:
    """One line naming the dropped classes, or None when none was."""
    if not drops:
        return None
    said = ", ".join(f"{c} ({why})" for c, why in drops.items())
    return (f"dropped classes: {said} (classify keeps CLASS_MAP's bike / bus / car / rail; "
            "trajlm.data.segments.CLASS_MAP, Python: run_classify_eval(class_map=...))")  # fmt: skip


def user_split_problem(columns: list[str], where: str) -> str | None:
    """Why ``split_by="user_time"`` cannot run on a table with these columns (None: it can):
    it needs ``user_id``; the message names the columns there and what to do."""
    if "user_id" in columns:
        return None
    like = [c for c in columns if c.lower() in ("user", "uid", "vehicle_id", "owner", "person")]
    rename = f" (rename {like[0]!r} to user_id)" if like else ""
    return (f"--split-by user_time needs a user_id column; {where} has {columns}{rename}: "
            "`trajlm data ingest` keeps a user / uid / user_id column as user_id, Python: "
            "df.rename({...: 'user_id'}) before write_store; or use --split-by time")  # fmt: skip
