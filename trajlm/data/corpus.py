"""A pretraining corpus: many data sets in one store, streamed with per-source weights.

    spec = load_corpus_spec("configs/pretrain.toml")        # sources, formats, weights, licences
    build_corpus(spec, "runs/corpus")                        # ingest each, then merge
    ds = CorpusWindows("runs/corpus", "train", WindowConfig(max_len=48))   # corpus_windows.py

Layout (a store: every store reader, the Trainer and `trajlm eval` read it as one):

    DIR/sources/<name>/                  each source's own store (its own plane, splits, stats)
    DIR/points/split=<s>/part-<i>.parquet  source i's split s, traj_id "<name>/<original id>"
    DIR/stats.json                       the corpus NormStats: steps and time steps mixed over
                                         the sources by weight (see `corpus_stats`)
    DIR/corpus.json                      sources: weight, licence, files, plane, counts

Each source keeps its own split (a chronological split over the merged table would put all of
GeoLife's 2007-2011 in train and Porto's 2013 in test). The val split holds at most
`val_trips_per_source` trips of each source, so model selection sees every source.

Every trajectory is read in its own source's plane and, for a ``position_frame =
"trajectory"`` model, never by its absolute position: no feature needs a city-specific
normalization. Train windows are drawn source by source with probability weight / sum of
weights (`CorpusWindows`); an epoch is as many windows as the train split holds.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from trajlm._safety import check_output_dir, staged_dir, write_marker
from trajlm.data.corpus_clean import check_source_clean, clean_settings, jump_note
from trajlm.data.corpus_discover import COLUMN_KEYS, COLUMNS_HINT, SYNTHETIC_FORMATS
from trajlm.data.features import NormStats
from trajlm.data.longitude import box_lons
from trajlm.data.schema import TrajlmInputError
from trajlm.data.splits import SPLITS

CORPUS_FILE = "corpus.json"
KEEP = ["traj_id", "t", "lat", "lon"]  # the columns every source has


@dataclass
class CorpusSource:
    """One data set of the corpus (a [[source]] table of the spec)."""

    name: str  # [a-z0-9_]+: prefixes its traj_ids ("name/id")
    format: str  # a reader format (trajlm.data.readers.FORMATS), "synthetic" or "synthetic_open"
    path: list[str] = field(default_factory=list)  # files / folders, relative to data_root
    # csv / parquet: a column preset (readers.PRESETS), or a table of the file's own names:
    # {traj_id = "Journey", t = "GPS Time", lat = "Lat", lon = "Lon", time_format = "..."}
    columns: str | dict | None = None
    weight: float = 1.0  # sampling weight of its train windows (0 = ingested, not sampled)
    licence: str = ""
    redistributable: bool = False  # may weights trained on it be shipped?
    # the generator's overrides: format "synthetic" CityConfig, "synthetic_open" OpenMotionConfig
    city: dict = field(default_factory=dict)
    # its cleaning, keyed as `trajlm data ingest`'s options (- as _): {max_speed_mps = 30,
    # max_gap_s = 600, min_interval = 15, ...}, over the format's preset (corpus_clean.py)
    clean: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name or not all(c.islower() or c.isdigit() or c == "_" for c in self.name):
            raise ValueError(f"name must be lowercase letters, digits and _, got {self.name!r}")
        if not (math.isfinite(self.weight) and self.weight >= 0):
            raise ValueError(f"weight must be >= 0, got {self.weight}")
        from trajlm.data.readers import FORMATS

        if self.format not in (*FORMATS, "auto", *SYNTHETIC_FORMATS):  # badin34: a traceback
            from trajlm._config import did_you_mean

            known = (*FORMATS, "auto", *SYNTHETIC_FORMATS)
            raise ValueError(f"format must be a reader format, got {self.format!r}"
                             f"{did_you_mean(self.format, known)}")  # fmt: skip
        if self.format not in SYNTHETIC_FORMATS and not self.path:
            raise ValueError(f"source {self.name!r} needs a path")
        if isinstance(self.columns, dict):
            bad = [k for k in self.columns if k not in COLUMN_KEYS]
            if bad:
                raise ValueError(f"columns has no key {bad[0]!r}; a columns table takes "
                                 f"{', '.join(COLUMN_KEYS)}")  # fmt: skip
            if any(not isinstance(v, str | int) or isinstance(v, bool)
                   for v in self.columns.values()):  # fmt: skip
                raise ValueError(f"columns values must be column names (strings), got "
                                 f"{self.columns}")  # fmt: skip
        self.clean_notes = check_source_clean(self.clean)  # old spellings read (said at build)


@dataclass
class CorpusSpec:
    name: str = "corpus"
    data_root: str = "../shared/data"  # relative to the spec's working directory
    val_trips_per_source: int = 50
    sources: list[CorpusSource] = field(default_factory=list)
    # every data set present (corpus_discover.py): renamed files of listed sources, and new
    # top-level folders / files of a recognised format as sources of weight discover_weight
    discover: bool = False
    discover_weight: float = 1.0
    ignore: list[str] = field(default_factory=list)  # top-level names discovery leaves out
    redistributable_only: bool = False  # set by select(True): found data sets are left out

    def select(self, redistributable_only: bool) -> CorpusSpec:
        keep = [s for s in self.sources if s.redistributable or not redistributable_only]
        only = self.redistributable_only or redistributable_only
        return dataclasses.replace(self, sources=keep, redistributable_only=only)


def load_corpus_spec(path: str | Path, data_root: str | None = None) -> CorpusSpec:
    """Read a corpus spec (TOML: [corpus] and [[source]] tables); errors name the key."""
    from trajlm._config import build
    from trajlm.errors import ConfigError

    path = Path(path)
    if path.is_dir():  # before: "PATH: Is a directory" (badin35)
        raise ConfigError(f"{path} is a folder; give the corpus spec's .toml file")
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from e
    unknown = set(raw) - {"corpus", "source"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown section [{sorted(unknown)[0]}] (use [corpus], [[source]])"
        )
    head = dict(raw.get("corpus", {}))
    sources = []
    for i, s in enumerate(raw.get("source", [])):
        s = dict(s)
        if isinstance(s.get("path"), str):
            s["path"] = [s["path"]]
        sources.append(build(CorpusSource, s, f"{path}: source[{i}]"))
    names = [s.name for s in sources]
    if len(set(names)) != len(names) or not names:
        raise ConfigError(f"{path}: source names must be unique and at least one, got {names}")
    spec = build(CorpusSpec, head, f"{path}: corpus")
    if spec.val_trips_per_source < 1:  # badin34: -1 was taken (no val trips, unsaid)
        raise ConfigError(f"{path}: corpus.val_trips_per_source must be >= 1 (val trips kept per "
                          f"source for model selection), got {spec.val_trips_per_source}")  # fmt: skip
    if all(s.weight == 0 for s in sources):  # badin34: a corpus nothing is sampled from
        raise ConfigError(f"{path}: every source has weight 0, so pretraining would sample no "
                          "window; give at least one source a weight > 0")  # fmt: skip
    spec.sources = sources
    if data_root is not None:
        spec.data_root = data_root
    return spec


# ----------------------------------------------------------------------------- build


def _ingest_source(src: CorpusSource, root: Path, out: Path) -> dict:
    from trajlm.data.ingest import ingest

    if src.format in SYNTHETIC_FORMATS:
        from trajlm.data.clean import clean
        from trajlm.data.ingest_cleaning import clean_config
        from trajlm.data.store import write_store
        from trajlm.data.synthetic import generate_city
        from trajlm.data.synthetic_open import generate_open_motion

        if src.format == "synthetic":
            points = generate_city(**src.city).points
        else:
            points = generate_open_motion(**src.city)
        df, report = clean(points, clean_config(src.format, "default", clean_settings(src.clean)),
                           return_report=True, say_fast=False)  # fmt: skip
        return write_store(df, out, report=report, sources=[f"{src.format}:{src.city}"])
    paths = [root / p for p in src.path]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(missing[0])
    if isinstance(src.columns, dict):  # the file's own column names
        return ingest(paths, src.format, out, on_error="skip", column_map=src.columns,
                      clean_overrides=clean_settings(src.clean))  # fmt: skip
    return ingest(paths, src.format, out, on_error="skip", column_preset=src.columns,
                  clean_overrides=clean_settings(src.clean))  # fmt: skip


def corpus_stats(stats: list[NormStats], weights: list[float]) -> NormStats:
    """Step and time-step scales of the weighted mixture of the sources (the RMS step of the
    mix; the mean and standard deviation of dt over the mix); the plane and position scale
    of the heaviest source (a position_frame="trajectory" model never reads them)."""
    p = np.asarray(weights, dtype=np.float64) / float(np.sum(weights))
    dxy = float(np.sqrt(np.sum(p * np.array([s.dxy_scale for s in stats]) ** 2)))
    m = np.array([s.dt_mean for s in stats])
    sd = np.array([s.dt_scale for s in stats])
    dt_mean = float(np.sum(p * m))
    dt_scale = float(np.sqrt(max(np.sum(p * (sd**2 + m**2)) - dt_mean**2, 1.0)))
    top = stats[int(np.argmax(p))]
    return NormStats(top.lat0, top.lon0, top.xy_mean, top.xy_scale, dxy, dt_mean, dt_scale,
                     n_points=sum(s.n_points for s in stats))  # fmt: skip


def build_corpus(spec: CorpusSpec, out: str | Path, overwrite: bool = False, log=print) -> dict:
    """Ingest every source of `spec` into OUT/sources/<name> and merge them into the store OUT.

    A source whose files are missing is skipped with a note (recorded in corpus.json), so a
    machine with only some of the data still builds a corpus; with ``spec.discover`` renamed
    files and new data sets under the root are taken too (corpus_discover.py, each printed).
    Returns the corpus record."""
    from trajlm.data.corpus_discover import resolve_sources, source_notes, source_time_note
    from trajlm.data.store import load_stats, read_store, write_split_files

    out = Path(out)
    existing = check_output_dir(out, "store", overwrite=overwrite)
    root = Path(spec.data_root)
    if not root.is_dir() and any(s.format not in SYNTHETIC_FORMATS for s in spec.sources):
        raise TrajlmInputError("the data root is not a folder", path=root,
                               hint="pass --data-root (make pretrain: SHARED=)")  # fmt: skip
    sources, found = resolve_sources(spec, root, CorpusSource, log)
    if spec.redistributable_only:
        sources = [s for s in sources if s.redistributable]
    with staged_dir(out, what=f"corpus {out}") as tmp:
        record = {"name": spec.name, "spec": asdict(spec), "sources": [], "skipped": []}
        if found:
            record["found"] = found
        kept, stats = [], []
        for src in sorted(sources, key=lambda s: s.name):
            for note in getattr(src, "clean_notes", None) or []:
                log(f"corpus: {src.name}: {note}")
            try:
                manifest = _ingest_source(src, root, tmp / "sources" / src.name)
            except (FileNotFoundError, TrajlmInputError) as e:
                why = str(e)
                if getattr(e, "hint", None) and "--traj-col" in e.hint:  # not options here
                    why = why.replace(e.hint, COLUMNS_HINT)
                log(f"corpus: skipping source {src.name}: {why}")
                record["skipped"].append({"name": src.name, "reason": why})
                continue
            log(f"corpus: {src.name}: {manifest['n_trajectories']} trajectories, "
                f"{manifest['n_points']} points{source_notes(manifest)}")  # fmt: skip
            if zone_note := source_time_note(src.name, manifest):
                log(zone_note)
            kept.append((src, manifest))
            stats.append(load_stats(tmp / "sources" / src.name))
        if not kept:
            raise TrajlmInputError("no source of the corpus could be read", path=root)
        if all(s.format in SYNTHETIC_FORMATS for s, _ in kept):
            log(f"corpus: no data set of the spec was found under {root}: the corpus "
                "holds only its synthetic sources")  # fmt: skip
        weights = [max(s.weight, 1e-12) for s, _ in kept]
        index_parts, sizes = [], {s: {"n_trajectories": 0, "n_points": 0} for s in SPLITS}
        for i, ((src, manifest), st) in enumerate(zip(kept, stats, strict=True)):
            store = tmp / "sources" / src.name
            df = read_store(store, columns=KEEP)
            jump_line, jumps = jump_note(src.name, df.sort("traj_id", "t"), src.clean)
            if jump_line:
                log(jump_line)
            df = df.with_columns(
                (pl.lit(f"{src.name}/") + pl.col("traj_id").cast(pl.Utf8)).alias("traj_id")
            )
            files = {}
            for s in SPLITS:
                part = df.filter(pl.col("split") == s).select(KEEP)
                if s == "val":  # the first trips of each source, so selection sees all
                    ids = part["traj_id"].unique(maintain_order=True)
                    part = part.filter(
                        pl.col("traj_id").is_in(ids.head(spec.val_trips_per_source).implode())
                    )
                folder = tmp / "sources" / src.name / f".merge-{s}"
                names = write_split_files(part, folder, 1_000_000)
                files[s] = []
                for k, name in enumerate(names):
                    dest = tmp / "points" / f"split={s}" / f"part-{i:03d}{k:02d}.parquet"
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(folder / name, dest)
                    files[s].append(dest.name)
                shutil.rmtree(folder)
                sizes[s]["n_trajectories"] += part["traj_id"].n_unique()
                sizes[s]["n_points"] += len(part)
                index_parts.append(
                    part.group_by("traj_id", maintain_order=True).agg(
                        pl.col("t").min().alias("t_start"), pl.col("t").max().alias("t_end"),
                        pl.len().cast(pl.Int64).alias("n_points"),
                    ).with_columns(pl.lit(s).alias("split"))
                )  # fmt: skip
            entry = {
                "name": src.name, "format": src.format, "weight": src.weight,
                "licence": src.licence, "redistributable": src.redistributable,
                "files": files, "lat0": st.lat0, "lon0": st.lon0,
                "n_trajectories": manifest["n_trajectories"], "n_points": manifest["n_points"],
                "splits": manifest["splits"], "stats": st.to_dict(),
            }  # fmt: skip
            if src.clean:
                entry["clean"] = src.clean
            if jumps:
                entry["jumps"] = jumps  # steps far above the source's own speeds (said)
            if naive := (manifest.get("reading") or {}).get("times_naive"):
                entry["times_read_as_utc"] = naive  # said as it was built (source_time_note)
            record["sources"].append(entry)
        mixed = corpus_stats(stats, weights)
        mixed.save(tmp / "stats.json")
        pl.concat(index_parts).write_parquet(tmp / "index.parquet")
        record["stats"] = mixed.to_dict()
        (tmp / CORPUS_FILE).write_text(json.dumps(record, indent=2))
        manifest = _corpus_manifest(record, sizes, kept)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        write_marker(tmp, "store")
        if existing:
            shutil.rmtree(out)
        os.replace(tmp, out)
    return record


def _corpus_manifest(record: dict, sizes: dict, kept: list) -> dict:
    from datetime import UTC, datetime

    from trajlm._version import __version__
    from trajlm.data.schema import SCHEMA_VERSION

    boxes = [m["bbox"] for _, m in kept]
    spans = [m["time_span"] for _, m in kept]
    return {
        "schema_version": SCHEMA_VERSION,
        "trajlm_version": __version__,
        "created_at": datetime.now(tz=UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "sources": [f"corpus:{s['name']}" for s in record["sources"]],
        "n_points": sum(v["n_points"] for v in sizes.values()),
        "n_trajectories": sum(v["n_trajectories"] for v in sizes.values()),
        "columns": {"traj_id": "String", "t": "Int64", "lat": "Float64", "lon": "Float64"},
        "time_span": {
            "start_unix": min(s["start_unix"] for s in spans),
            "end_unix": max(s["end_unix"] for s in spans),
            "start_iso": min(s["start_iso"] for s in spans),
            "end_iso": max(s["end_iso"] for s in spans),
        },
        "bbox": {
            "min_lat": min(b["min_lat"] for b in boxes),
            "min_lon": box_lons([b["min_lon"] for b in boxes], [b["max_lon"] for b in boxes])[0],
            "max_lat": max(b["max_lat"] for b in boxes),
            "max_lon": box_lons([b["min_lon"] for b in boxes], [b["max_lon"] for b in boxes])[1],
        },
        "split_by": "per-source",
        "splits": sizes,
        "corpus": record["name"],
    }


def is_corpus(path: str | Path) -> bool:
    return (Path(path) / CORPUS_FILE).is_file()


def load_corpus(path: str | Path) -> dict:
    return json.loads((Path(path) / CORPUS_FILE).read_text())


def corpus_summary(path: str | Path) -> list[dict]:
    """Per source: name, weight, sampling share, trajectories, points, licence."""
    record = load_corpus(path)
    total = sum(s["weight"] for s in record["sources"]) or 1.0
    return [
        {"source": s["name"], "weight": s["weight"], "share": s["weight"] / total,
         "trajectories": s["n_trajectories"], "points": s["n_points"],
         "licence": s["licence"], "redistributable": s["redistributable"]}
        for s in record["sources"]
    ]  # fmt: skip


__all__ = [
    "CorpusSource", "CorpusSpec", "build_corpus", "corpus_stats",
    "corpus_summary", "is_corpus", "load_corpus", "load_corpus_spec",
]  # fmt: skip
