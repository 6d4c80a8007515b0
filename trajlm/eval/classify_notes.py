"""What the mode-classification setup leaves out, said in one line (session 13, modesfix):
classes of the data that no model sees (not in the class map, or every segment too short)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

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
            "trajlm.data.segments.CLASS_MAP, Python: run_classify_eval(class_map=...); "
            "--classes store keeps the store's own labels)")  # fmt: skip


CLASSES = ("auto", "modes", "store")  # the CLI's --classes (session 14, cliuser item 2)


def source_format(data: str | os.PathLike | None) -> str | None:
    """The format a store's points were read from (its manifest's ``reading.format``: "geolife",
    "csv", ...), or None where the store does not say (written by ``write_store`` from Python,
    a corpus, a store re-ingested, or not a store at all)."""
    if data is None:
        return None
    try:
        manifest = json.loads((Path(data) / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    fmt = (manifest.get("reading") or {}).get("format") if isinstance(manifest, dict) else None
    return fmt if isinstance(fmt, str) and fmt not in ("auto", "store") else None


def resolved_classes(
    classes: str, df: pl.DataFrame, source: str | None = None
) -> tuple[str, str | None]:
    """``--classes auto`` (the default since newuser24) -> "modes" (PROTOCOL's 4 classes) for a
    store read from GeoLife's own files (``source``: its manifest's format, `source_format`),
    else "store" with the line to say: a travel diary's walk / bike / bus / car / train, read
    from a CSV, keeps walk (fix32: GeoLife's mode names alone dropped it). Where the store does
    not say what it was read from (``source`` None), GeoLife's mode names among the labels
    decide: "modes" where the map keeps every label, else "store" (fix40c: a synthetic city's
    walk was dropped, and its walking trips labelled bike); a fleet's own labels (van /
    cargo_bike) were refused as "0 classes" under the old "modes" default. Other values are returned as given; labels written more
    than one way (case, spaces) or blank are said with "store" (`variants_line`)."""
    chosen, said = _resolved(classes, df, source)
    if chosen == "store" and (variants := variants_line(df)):
        said = f"{said}\n{variants}" if said else variants
    return chosen, said


def _resolved(classes: str, df: pl.DataFrame, source: str | None) -> tuple[str, str | None]:
    from trajlm.data.segments import CLASS_MAP

    if classes != "auto":
        return classes, None
    labels = df["label"].drop_nulls().cast(pl.Utf8).unique().sort().to_list()
    shown = f"{labels[:8]}{' ...' if len(labels) > 8 else ''}"
    if source == "geolife":
        return "modes", None
    if source is not None:
        return "store", (f"--classes auto: the store was read from {source} files, not GeoLife's, "
                         f"so each of its labels {shown} is its own class (--classes store; "
                         "--classes modes keeps PROTOCOL's bike / bus / car / rail only)")  # fmt: skip
    if any(label_key(x) in CLASS_MAP for x in labels):
        # fix40c: a store that does not say it is GeoLife's keeps every label; PROTOCOL's map
        # dropped walk there, and the classifier then labelled walking trips bike
        if dropped := [x for x in labels if label_key(x) and label_key(x) not in CLASS_MAP]:
            return "store", (f"--classes auto: the store does not say it was read from GeoLife's "
                             f"files, so each of its labels {shown} is its own class (--classes "
                             "store); --classes modes keeps PROTOCOL's bike / bus / car / rail "
                             f"and drops {', '.join(dropped[:4])}")  # fmt: skip
        return "modes", None
    return "store", (f"--classes auto: the labels {shown}"
                     " are not GeoLife's transport modes, so each is its own class (--classes "
                     "store; --classes modes keeps bike / bus / car / rail only)")  # fmt: skip


def label_key(label: object) -> str:
    """A label as a class: spaces collapsed and case folded ("Walk", "walk ", "WALK" are one)."""
    return " ".join(str(label).split()).casefold()


def _label_counts(df: pl.DataFrame) -> dict[str, int]:
    lab = df.filter(pl.col("label").is_not_null()).select(pl.col("label").cast(pl.Utf8))
    return dict(lab.group_by("label").len().sort("label").iter_rows())


def variants_line(df: pl.DataFrame) -> str | None:
    """One line naming the labels written more than one way (merged into one class) and the
    blank ones (no class), or None (badin33: "Walk", "walk " and "WALK" were three classes, a
    label of spaces a class, silently)."""
    groups: dict[str, list[str]] = {}
    for raw in _label_counts(df):
        groups.setdefault(label_key(raw), []).append(raw)
    merged = [sorted(v) for k, v in sorted(groups.items()) if k and len(v) > 1]
    blank = groups.get("", [])
    said = []
    if merged:
        shown = "; ".join(" = ".join(repr(x) for x in v) for v in merged[:4])
        said.append(f"labels written more than one way are one class each ({shown}): case and "
                    "spaces are not read as a difference")  # fmt: skip
    if blank:
        said.append(f"blank labels ({', '.join(map(repr, blank))}) are no class: their points "
                    "are left out as unlabelled")  # fmt: skip
    return "--classes: " + "; ".join(said) if said else None


def class_map_for(classes: str, df: pl.DataFrame) -> dict[str, str]:
    """The class map of ``--classes``: "modes" = CLASS_MAP (GeoLife's transport modes: taxi
    -> car, subway / train -> rail, the rest dropped; "Taxi " as taxi); "store" = every label
    of ``df`` is its own class, as written, but for case and spaces (`variants_line`: the
    variant with most points names the class); blank labels are no class."""
    from trajlm.data.segments import CLASS_MAP

    counts = _label_counts(df)
    if classes == "store":
        best: dict[str, tuple[int, str]] = {}
        for raw, n in counts.items():
            k = label_key(raw)
            if k and (k not in best or n > best[k][0]):
                best[k] = (n, " ".join(raw.split()))
        return {raw: best[label_key(raw)][1] for raw in counts if label_key(raw)}
    out = dict(CLASS_MAP)
    out.update({raw: CLASS_MAP[label_key(raw)] for raw in counts if label_key(raw) in CLASS_MAP})
    return out


def too_few_classes(
    df: pl.DataFrame, segments: pl.DataFrame, classes: str, where: str
) -> str | None:
    """Why classification cannot run on these segments (None: it can): fewer than two classes
    left after the class map and the segment length. Before, one class was scored as a task
    (majority and GB at 100 %, a classifier "trained" on one class). The message names the
    store's labels, what the map kept, and what to do."""
    present = sorted(segments["label"].unique().to_list()) if len(segments) else []
    if len(present) >= 2:
        return None
    raw = df["label"].drop_nulls().cast(pl.Utf8).unique().sort().to_list()
    kept = f"only {present[0]!r}" if present else "none"
    if classes == "modes" and len(raw) >= 2:
        todo = ("pass --classes store to classify the store's own labels as they are "
                "(--classes modes keeps GeoLife's bike / bus / car / rail)")  # fmt: skip
    else:
        todo = ("classification needs labelled trajectories of at least two classes, each with "
                "segments of >= 10 points (ingest: --label-col NAME)")  # fmt: skip
    return (f"{where}: {len(present)} class{'es' * (len(present) != 1)} to classify ({kept} of "
            f"the labels {raw[:8]}{' ...' if len(raw) > 8 else ''}, --classes {classes}); "
            f"{todo}")  # fmt: skip


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
