"""A pretraining run's val error per corpus source, beside constant velocity and kNN fitted on
that source (session 40, pretrain40).

After `make pretrain` a user saw one pooled val ADE over every source: whether the model did well
on their own city, on Porto or on GeoLife, and how that compares with the cheap baselines there,
took a separate `trajlm eval` per store (tens of minutes on a big corpus). `trajlm train` on a
corpus now ends with this table (RUN/CORPUS.md, train_summary.json ``val_by_source``).

Bounded so it fits the 60-minute `make pretrain` budget (said under the table):
- the val trips are the corpus's own (``val_trips_per_source``, 50 by default: the ones model
  selection read), up to ``WINDOWS`` 5-step windows each (``make_prediction_task``);
- kNN continuation and place-aware kNN use their default settings (not tuned on val, as
  `trajlm eval` tunes them) and index a seeded sample of at most ``MAX_TRAIN_TRIPS`` trips of the
  source's train split (its store under CORPUS/sources/<name>);
- the ratio's 95 % interval is a paired bootstrap over trips (eval/compare.py).
A source's table is a quick read, not a result: `trajlm eval --data STORE --model RUN` on the
source's own store (test split, tuned baselines) is the number to quote.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

WINDOWS = 3  # 5-step windows per val trip
MAX_TRAIN_TRIPS = 2_000  # trips of a source's train split the kNN baselines index
KEEP = ["traj_id", "t", "lat", "lon"]
BOUNDS = (
    f"the corpus's val trips of each source, up to {WINDOWS} 5-step windows per trip; kNN "
    f"baselines with default settings (not tuned) on at most {MAX_TRAIN_TRIPS:,} train trips of "
    "that source; 95 % CI: paired bootstrap over trips. A quick read: `trajlm eval --data STORE "
    "--model RUN` on the source's own store is the number to quote."
)


def _train_sample(store: Path, max_trips: int, seed: int = 0) -> pl.DataFrame:
    from trajlm.data.store import read_store

    train = read_store(store, split="train", columns=KEEP).drop("split", strict=False)
    ids = train["traj_id"].unique().sort()
    if len(ids) > max_trips:
        pick = np.random.default_rng(seed).choice(len(ids), max_trips, replace=False)
        train = train.filter(pl.col("traj_id").is_in(ids.gather(np.sort(pick)).implode()))
    return train


def source_row(model: Any, name: str, val: pl.DataFrame, store: Path) -> dict[str, Any]:
    """One source's row: MAE (m) of the model, constant velocity, kNN and place-aware kNN on
    ``val`` (that source's val trips), the model's ratio to constant velocity and to the better
    kNN with paired 95 % intervals, trips and windows scored, seconds taken."""
    from trajlm.data.features import LocalProjection
    from trajlm.data.metrics import point_errors
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval import baselines as B
    from trajlm.eval.knn_check import baseline_answer
    from trajlm.eval.place_knn import PlaceKNNContinuation
    from trajlm.eval.ratios import ratio_row
    from trajlm.model.rollout import ModelPredictor

    start = time.perf_counter()
    row: dict[str, Any] = {"source": name, "trips": 0, "windows": 0}
    task = make_prediction_task(val, windows=WINDOWS)
    if not len(task.lengths):
        return row | {"note": "no val trip long enough for a 5-step window"}
    train = _train_sample(store, MAX_TRAIN_TRIPS)
    truth = task.target_latlon
    errs = {"model": point_errors(ModelPredictor(model).predict_next(task), truth).mean(1)}
    proj = LocalProjection.fit(train if train.height else val)
    ests: list[Any] = [B.ConstantVelocity()]
    if train.height:
        ests += [B.KNNContinuation().fit(train, proj), PlaceKNNContinuation().fit(train, proj)]
    for est in ests:
        errs[est.name] = point_errors(baseline_answer(est, proj, task), truth).mean(1)
    trips, owner = task.owners()
    n_per = np.bincount(owner, minlength=len(trips)).astype(np.float64)

    def per_trip(e: np.ndarray) -> np.ndarray:  # each trip's mean over its windows
        return np.bincount(owner, weights=e, minlength=len(trips)) / n_per

    trip_errs = {k: per_trip(v) for k, v in errs.items()}
    row |= {"trips": len(trips), "windows": len(task.lengths),
            "mae_m": {k: float(np.mean(v)) for k, v in errs.items()}}  # fmt: skip
    cv = ests[0].name
    row["vs_cv"] = ratio_row(trip_errs["model"], trip_errs[cv], cv, n_per)
    knns = [k for k in trip_errs if k.startswith("kNN")]
    if knns:
        best = min(knns, key=lambda k: row["mae_m"][k])
        row["vs_knn"] = ratio_row(trip_errs["model"], trip_errs[best], best, n_per)
    row["seconds"] = round(time.perf_counter() - start, 1)
    return row


def source_val_rows(model: Any, corpus: str | Path, log: Any = None) -> list[dict[str, Any]]:
    """Every source's row (``source_row``) for the model trained on the corpus at ``corpus``:
    its val trips are read from the corpus's val split (ids "<source>/<id>"), its kNN index
    from CORPUS/sources/<name>. ``log`` (a callable) hears one line per source."""
    from trajlm.data.store import read_store
    from trajlm.eval.by_source import source_of

    corpus = Path(corpus)
    record = json.loads((corpus / "corpus.json").read_text())
    val = read_store(corpus, split="val", columns=KEEP).drop("split", strict=False)
    val = val.with_columns(
        pl.col("traj_id").cast(pl.Utf8).map_elements(source_of, return_dtype=pl.Utf8).alias("_src")
    )
    rows = []
    for entry in record.get("sources", []):
        name = entry["name"]
        part = val.filter(pl.col("_src") == name).drop("_src")
        try:
            row = source_row(model, name, part, corpus / "sources" / name)
        except Exception as e:  # one source's read failing is said in its row, not raised
            row = {"source": name, "trips": 0, "windows": 0, "note": f"not scored: {e}"}
        rows.append(row)
        if log is not None:
            log(f"val by source: {name}: {_short(row)}")
    return rows


def _short(row: dict) -> str:
    if "mae_m" not in row:
        return row.get("note", "not scored")
    m = row["mae_m"]
    return f"model {m['model']:.1f} m, CV {m['constant velocity']:.1f} m" + (
        f", {row['vs_knn']['baseline']} {m[row['vs_knn']['baseline']]:.1f} m"
        if "vs_knn" in row
        else ""
    )


def knn_ahead_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One line per source where a kNN baseline is reliably better than the run on val (the
    ratio's interval above 1), naming what a user with a store of that source can run."""
    out = []
    for r in rows:
        got = r.get("vs_knn")
        if got and np.isfinite(got["ci95"][0]) and got["ci95"][0] > 1:
            out.append(
                f"note: on {r['source']} {got['baseline']} fitted on that source is "
                f"{got['ratio']:.2f}x better than this run on val (CI {got['ci95'][0]:.2f}-"
                f"{got['ci95'][1]:.2f}): for a store of it, `trajlm eval --data STORE --model RUN` "
                "reads both on test and `trajlm train-selector --data STORE` fits the candidate "
                "selector over kNN's retrieved futures (docs/candidates.md)"
            )
    return out


def _ratio(r: dict | None) -> str:
    if not r or not np.isfinite(r["ratio"]):
        return "-"
    lo, hi = r["ci95"]
    return f"{r['ratio']:.3f} ({lo:.3f}-{hi:.3f})"


def source_val_markdown(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table, the bounds it was read under below it."""
    head = ("| source | trips / windows | model MAE (m) | constant velocity | kNN | "
            "kNN (place-aware) | model / CV (95 % CI) | model / better kNN (95 % CI) |")  # fmt: skip
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        m = r.get("mae_m", {})

        def cell(k: str, m: dict = m) -> str:
            return f"{m[k]:.1f}" if k in m else "-"

        lines.append(
            f"| {r['source']} | {r['trips']} / {r['windows']} | {cell('model')} | "
            f"{cell('constant velocity')} | {cell('kNN continuation')} | "
            f"{cell('kNN continuation (place-aware)')} | {_ratio(r.get('vs_cv'))} | "
            f"{_ratio(r.get('vs_knn'))} |"
        )
    notes = [f"{r['source']}: {r['note']}" for r in rows if "note" in r]
    ahead = "".join(f"\n{line.removeprefix('note: ')}\n" for line in knn_ahead_lines(rows))
    said = f"\nNot scored: {'; '.join(notes)}.\n" if notes else ""
    return "\n".join(lines) + f"\n{said}{ahead}\nBounds: {BOUNDS}\n"
