"""The class column of ``ModelClassifier.fit``'s frames (split out of classify.py in session
20): the caller's column named ``label_col`` (refused in one line naming the caller's own
columns when missing), rows without a class dropped with one warning, one class refused, classes
with few trajectories warned."""

from __future__ import annotations

import warnings
from typing import Any

import polars as pl

MIN_CLASS_TRAJECTORIES = 5  # fewer train trajectories of a class: warned (user test ux6 item 5)


def labelled(df: pl.DataFrame | None, label_col: str, what: str) -> pl.DataFrame | None:
    """``df`` with its class column ``label_col`` as ``label``; a missing one, or one of
    lists / structs (one class per row is needed), is a one-line ``TrajlmInputError``."""
    from trajlm.errors import TrajlmInputError

    if df is None:
        return df
    if label_col not in df.columns and not (label_col == "label" and "label" in df.columns):
        hint = "pass label_col= (the class column's name)" if label_col == "label" else ""
        raise TrajlmInputError(
            f"{what} has no class column {label_col!r}; its columns: {df.columns}"
            + (f"; {hint}" if hint else "")
        )
    if df.schema[label_col].is_nested():  # badin19: a numpy traceback in data/segments.py
        raise TrajlmInputError(
            f"{what}: class column {label_col!r} holds {df.schema[label_col]} values; give one "
            "class per row (text or a number)", field=label_col)  # fmt: skip
    if label_col == "label":
        return df
    return df.drop("label", strict=False).rename({label_col: "label"})


def caller_has_label(data: Any, label_col: str, what: str) -> None:
    """A frame without its class column ``label_col`` refused in one line naming the caller's
    own columns (trip_id, timestamp, ...), not the canonical ones (traj_id, t, ...) it is
    turned into (session 20, leftovers20; analyst20 C6). Frames whose columns cannot be
    listed cheaply are left to ``labelled``."""
    from trajlm.errors import TrajlmInputError

    if data is None:
        return
    if isinstance(data, pl.LazyFrame):
        cols = data.collect_schema().names()
    elif isinstance(data, pl.DataFrame) or type(data).__module__.startswith(
        ("pandas", "geopandas")
    ):
        cols = [str(c) for c in data.columns]
    else:
        return
    if label_col in cols or (label_col == "label" and "label" in cols):
        return
    hint = "pass label_col= (the class column's name)" if label_col == "label" else ""
    raise TrajlmInputError(
        f"{what} has no class column {label_col!r}; its columns: {cols}"
        + (f"; {hint}" if hint else "")
    )


def drop_unlabelled(df: pl.DataFrame | None, what: str, label_col: str) -> pl.DataFrame | None:
    """``df`` without its rows whose class is missing (null, NaN or empty text), with one
    warning counting them (they used to become a class named 'None' or 'nan'); none labelled
    is a one-line ``TrajlmInputError``."""
    if df is None or not len(df):
        return df
    lab = pl.col("label")
    missing = lab.is_null()
    if df.schema["label"].is_float():
        missing = missing | lab.is_nan()
    elif df.schema["label"] == pl.String:
        missing = missing | lab.str.strip_chars().is_in(["", "nan", "NaN", "None", "null"])
    gone = df.filter(missing)
    if not len(gone):
        return df
    kept = df.filter(~missing)
    n_traj, n_all = gone["traj_id"].n_unique(), df["traj_id"].n_unique()
    if not len(kept):
        from trajlm.errors import TrajlmInputError

        raise TrajlmInputError(
            f"{what}: no row has a class in {label_col!r} (all {len(df):,} are missing: "
            "null / NaN / empty); label some trajectories or pass label_col="
        )
    warnings.warn(
        f"ModelClassifier: {what}: {len(gone):,} rows of {n_traj} of {n_all} trajectories "
        f"have no class in {label_col!r} (null / NaN / empty): left out, not a class",
        stacklevel=3,
    )
    return kept


def refuse_one_class(counts: dict[str, int], label_col: str) -> None:
    """One line when ``fit`` is given a single class (it used to fit a 'classifier' that can
    only answer that class, silently; the CLI already refused)."""
    if len(counts) >= 2:
        return
    from trajlm.errors import TrajlmInputError

    only = ", ".join(f"{c!r} ({n} trajectories)" for c, n in counts.items())
    raise TrajlmInputError(
        f"train has 1 class in {label_col!r} ({only}); classification needs trajectories of "
        "at least two classes"
    )


def warn_small_classes(counts: dict[str, int]) -> None:
    """One line naming the classes ``fit`` trains and those with too few train trajectories
    to learn (GeoLife's raw labels: airplane and boat have one each); the CLI trains the
    mapped classes (trajlm.data.segments.CLASS_MAP via make_mode_segments)."""
    small = [c for c, n in counts.items() if n < MIN_CLASS_TRAJECTORIES]
    if not small:
        return
    every = ", ".join(f"{c} {n}" for c, n in counts.items())
    warnings.warn(
        f"ModelClassifier.fit trains {len(counts)} classes, as labelled (train trajectories: "
        f"{every}); {', '.join(small)} ha{'s' if len(small) == 1 else 've'} fewer than "
        f"{MIN_CLASS_TRAJECTORIES} to learn from: label more, or merge or drop them first "
        "(GeoLife's transport modes: trajlm.data.segments.make_mode_segments(df), the CLI's "
        "classes: taxi -> car, subway and train -> rail, others dropped; docs/finetune.md)",
        stacklevel=3,
    )


def not_learned_line(not_learned: dict[str, str], classes: list[str]) -> str | None:
    """One line naming the classes of the training data that the classifier never learned
    (`trajlm finetune --task classify` records them: not in the class map, e.g. GeoLife's walk
    under PROTOCOL's bike / bus / car / rail, or every segment too short), or None. fix40c:
    walking trips came back labelled bike, with no word after the finetune's warning."""
    if not not_learned:
        return None
    gone = ", ".join(f"{c} ({why})" for c, why in not_learned.items())
    return (
        f"this classifier never learned {gone}: it answers one of {' / '.join(classes)}, so a "
        f"trip of {' or '.join(not_learned)} comes back labelled as the nearest of those "
        "(trajlm finetune --task classify --classes store learns every label of the store)"
    )
