"""Append a store's trajectories to another store: `trajlm data ingest NEW --out STORE --append`.

A new day's files used to mean re-ingesting the month. Appending adds the new trajectories
without rewriting the store's part files:

- the new files are ingested as ever (same readers, same cleaning, drops counted the same
  way) into a temporary store beside STORE, which this module then appends;
- split rule: STORE's chronological split (PROTOCOL: by trip start, train the earliest 80 %,
  val the next 10 %, test the latest 10 %) is kept as it is, and every appended trip goes to
  **test**, which is honest only where every appended trip starts after the store's latest
  train or val trip start; otherwise the append is refused (re-ingest all files: the trips
  would move between splits). A late day (south's day 20 arriving after days 21 and 22 were
  appended) is such a test day too (scale36: it was refused where it started before the
  latest test trip); its pieces are numbered after the van's pieces already there, not in time
  order as one ingest of every file numbers them. A store split by hour or by user is refused too (its cut depends on every trip). Test
  grows with each append (the manifest's ``appends`` says by how much); `trajlm data resplit
  --by time` writes a store cut 80/10/10 again;
- ids: ingest names the pieces of a trip SOURCE_0, SOURCE_1 ... (the gap split), so a van's
  next day is SOURCE_0 again; where STORE has pieces of that source, the new pieces continue
  its numbering (`piece_names`). Refused: any other id STORE already has, columns other than
  STORE's, cleaning settings other than STORE's (its manifest's ``clean_config``, kept since
  append35; a store written before then: an earlier append's, else said and not checked);
- atomic: the appended store is put together in a temporary sibling (STORE's part files hard
  linked, not copied or rewritten; the new rows' part files; a new index and manifest), then swapped
  with STORE in one step (Linux `renameat2(RENAME_EXCHANGE)`). A kill at any point leaves either
  the old store or the new one at STORE, never a mix. Where that call is missing (not Linux), two
  renames, the old store kept aside until the new one is in place.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from trajlm._safety import clean_stale_tmp, staged_dir, tmp_name
from trajlm.data.longitude import table_lons
from trajlm.data.schema import SOURCE_ID, DropReport, TrajlmInputError
from trajlm.data.store import (
    SPLITS,
    load_index,
    load_manifest,
    open_store,
    part_files,
    read_part,
    read_store,
    seconds_to_iso,
    verify_store,
    write_split_files,
)
from trajlm.errors import warn_at_caller

ROWS_PER_FILE = 1_000_000  # write_store's default: a part file cut at the next trajectory

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def piece_names(store: Path, new: Path) -> pl.DataFrame:
    """traj_id -> new_id of ``new``'s trajectories. Ingest names the pieces of a trip (the
    gap split) SOURCE_k, k = 0, 1, ... in time order, so a vehicle's next day is SOURCE_0 again:
    where both stores keep the source id and the store has pieces of that source, the new
    pieces continue its numbering (SOURCE_(K+1) ... after its highest K), as one ingest of all
    the files would number them in time order. Any other id is kept."""
    ids = load_index(new).select("traj_id")
    if (
        SOURCE_ID not in load_manifest(store)["columns"]
        or SOURCE_ID not in load_manifest(new)["columns"]
    ):
        return ids.with_columns(new_id=pl.col("traj_id"))
    pairs = pl.concat([read_part(f, ["traj_id", SOURCE_ID]).unique() for s in SPLITS
                       for f in part_files(new, s)]).unique()  # fmt: skip
    old = (
        load_index(store)
        .select(
            src=pl.col("traj_id").str.replace(r"_\d+$", ""),
            k=pl.col("traj_id").str.extract(r"_(\d+)$").cast(pl.Int64),
        )
        .drop_nulls()
        .group_by("src")
        .agg(pl.col("k").max().alias("last"))
    )
    pieces = pairs.with_columns(k=pl.col("traj_id").str.extract(r"_(\d+)$").cast(pl.Int64))
    pieces = pieces.join(old, left_on=SOURCE_ID, right_on="src", how="left")
    own = pl.col("traj_id") == pl.concat_str(
        pl.col(SOURCE_ID), pl.lit("_"), pl.col("k").cast(pl.Utf8)
    )
    renamed = pl.concat_str(
        pl.col(SOURCE_ID), pl.lit("_"), (pl.col("k") + pl.col("last") + 1).cast(pl.Utf8)
    )
    named = pieces.select("traj_id", new_id=pl.when(own & pl.col("last").is_not_null())
                          .then(renamed).otherwise(pl.col("traj_id")))  # fmt: skip
    return ids.join(named, on="traj_id", how="left").with_columns(
        new_id=pl.col("new_id").fill_null(pl.col("traj_id"))
    )


def check_appendable(store: Path, new: Path, clean_config: dict | None = None,
                     quiet: bool = False) -> None:  # fmt: skip
    """Refuse (one line each) what an append cannot keep honest; see the module's rule.
    ``clean_config``: the cleaning settings the new files were read with, checked against the
    store's (its manifest's ``clean_config``, written at ingest since append35; else an earlier
    append's; a store with neither is said, not refused)."""
    old, add = load_manifest(store), load_manifest(new)
    rule = old.get("split_by", "time")
    if rule != "time":
        raise TrajlmInputError(
            f"--append: the store {store} is split by {rule!r}; appended trips keep only a "
            "chronological split honest (by user or hour, where a trip goes depends on every trip)",
            hint="ingest all the files into a new store",
        )
    if old["columns"] != add["columns"]:
        mine, theirs = old["columns"], add["columns"]
        diff = sorted(set(mine.items()) ^ set(theirs.items()))
        raise TrajlmInputError(
            f"--append: the new files' columns differ from the store {store}'s "
            f"({', '.join(f'{c} {d}' for c, d in diff)}); a store has one set of columns",
            hint="ingest all the files into a new store"
            if mine.get("t") == theirs.get("t")  # exact times against whole seconds (subsec38)
            else "give --sub-second with --append to a sub-second store (t Float64), and leave "
            "it out for a whole-second one (t Int64)",
        )
    said = old.get("clean_config") or (old.get("appends") or [{}])[-1].get("clean_config")
    if said is None and clean_config is not None and not quiet:  # before append35 recorded them
        warn_at_caller(
            f"--append: the store {store} does not record the cleaning settings it was ingested "
            "with (a store written before trajlm recorded them): the new files' settings are not "
            "checked against it; give the options of its ingest (this append's are recorded)"
        )
    if said is not None and clean_config is not None and said != clean_config:
        keys = sorted(
            k for k in set(said) | set(clean_config) if said.get(k) != clean_config.get(k)
        )
        raise TrajlmInputError(
            f"--append: the new files were cleaned with other settings than the store {store} "
            f"({'; '.join(f'{k}: {said.get(k)!r} there, {clean_config.get(k)!r} here{_setting(k)}' for k in keys)})",
            hint="give the cleaning options the store was ingested with",
        )
    check_same_clock(store, old, add)
    check_same_plane(store, old, add)
    have, more = load_index(store), load_index(new).join(piece_names(store, new), on="traj_id")
    clash = more.join(have, left_on="new_id", right_on="traj_id", how="semi")["new_id"]
    if len(clash):
        raise TrajlmInputError(
            f"--append: {len(clash):,} trajectory id(s) of the new files are in the store {store} "
            f"already (first: {clash.sort()[0]!r}); an id names one trajectory",
            hint="give the new trips ids of their own (e.g. --traj-col, or a prefix per delivery) "
            "or ingest all the files into a new store",
        )
    # test comes after train and val; a late day among test's days stays honest (scale36)
    held = have.filter(pl.col("split") != "test")["t_start"]
    latest, first = int(held.max()), int(more["t_start"].min())
    if first <= latest:
        n = int((more["t_start"] <= latest).sum())
        raise TrajlmInputError(
            f"--append: {n:,} new trip(s) start at or before the store's latest trip start in "
            f"train or val ({seconds_to_iso(first)} <= {seconds_to_iso(latest)}); the store's split is "
            "chronological by trip start and appended trips go to test, so these would be test "
            "trips older than val and train ones",
            hint="ingest all the files into a new store (split again), or append only later days",
        )


# the cleaning settings as `trajlm data ingest` sets them (badin36: "gap_intervals: 3.0 there,
# None here" named no option a user knows)
_SETTINGS = {"max_speed_mps": "--max-speed-mps", "max_gap_s": "--max-gap-s",
             "min_points": "--min-points", "min_interval_s": "--min-interval",
             "stop_min_s": "--split-at-stops / --stop-minutes (seconds)",
             "stop_radius_m": "--stop-radius-m", "stop_drift_mps": "--stop-drift-kn (m/s)",
             "max_accuracy_m": "--max-accuracy-m", "max_hdop": "--max-hdop",
             "min_t": "--min-year (Unix s)", "gap_intervals": "the gap rule 'or N times a "
             "track's median interval' (on where --max-gap-s is left out)"}  # fmt: skip


def _setting(key: str) -> str:
    return f" ({_SETTINGS[key]})" if key in _SETTINGS else ""


def _clock(manifest: dict) -> str | None:
    """The clock a store's times without a zone were read on ("Europe/Rome", "UTC+01:00",
    "UTC" for naive times read as UTC), or None where its times carried their own zone."""
    reading = manifest.get("reading") or {}
    local = reading.get("local_time")
    if local and not local.get("from_text"):  # --tz / --utc-offset
        if local.get("tz"):
            return str(local["tz"])
        off = int(local.get("utc_offset_s") or 0)
        return f"UTC{'+' if off >= 0 else '-'}{abs(off) // 3600:02d}:{abs(off) % 3600 // 60:02d}"
    return "UTC" if reading.get("times_naive") else None


def _clock_option(clock: str) -> str:
    if clock == "UTC":
        return "no --tz / --utc-offset"
    if clock.startswith("UTC"):
        hours = int(clock[3:6]) + (1 if clock[3] == "+" else -1) * int(clock[7:9]) / 60
        return f"--utc-offset {hours:g}"
    return f"--tz {clock}"


def check_same_clock(store: Path, old: dict, add: dict) -> None:
    """One line where the new files' times without a zone were read on another clock than the
    store's (badin36: day 2 read as UTC appended to a store read in Europe/Rome, an hour off
    every trip, without a word)."""
    mine, theirs = _clock(old), _clock(add)
    if mine is None or theirs is None or mine == theirs:
        return
    raise TrajlmInputError(
        f"--append: the store {store}'s times without a zone were read on {mine} "
        f"({_clock_option(mine)}), the new files' on {theirs}; one store keeps one clock",
        hint=f"give the new files {_clock_option(mine)}, as the store was ingested",
    )


def check_same_plane(store: Path, old: dict, add: dict) -> None:
    """One line where the store and the new files are read on different planes (badin37: a
    degree file appended to a `--crs local` store, or pitch metres read with `--crs local` to a
    degree store, were written beside its trips, 4,500 km from them, without a word)."""
    mine, theirs = ((m.get("reading") or {}).get("crs") for m in (old, add))
    if (mine == "local") == (theirs == "local"):
        return
    said = {True: "x / y metres on a plane (--crs local)", False: "latitude / longitude degrees"}
    raise TrajlmInputError(
        f"--append: the store {store} holds {said[mine == 'local']}, the new files were read as "
        f"{said[theirs == 'local']}; one store keeps one kind of position",
        hint="give the new files --crs local, as the store was ingested"
        if mine == "local"
        else "leave out --crs local: the store holds degrees; a plane's metres go to a store of their own",
    )


def append_store(store: str | os.PathLike, new: str | os.PathLike, sources: list[str],
                 clean_config: dict | None = None) -> dict:  # fmt: skip
    """Append the store ``new`` (ingested from ``sources``) to ``store`` (module doc); returns
    the new manifest. ``new`` is left as it was."""
    store, new = open_store(_real(store)), open_store(new)
    verify_store(store), verify_store(new)
    check_appendable(store, new, clean_config)
    with staged_dir(store, what=f"store {store}") as tmp:
        # again under the lock: an append that finished meanwhile moved the latest start
        check_appendable(store, new, clean_config, quiet=True)
        shutil.copytree(store, tmp, copy_function=_link, dirs_exist_ok=True)
        for name in ("manifest.json", "index.parquet"):  # rewritten: a link is the old file
            (tmp / name).unlink()
        manifest = _add_parts(store, new, tmp, sources)
        manifest["appends"][-1]["clean_config"] = clean_config
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        _exchange(tmp, store)  # tmp now holds the old store (links), removed with it
    return manifest


def ingest_appended(store: str | os.PathLike, run_ingest: Callable[[Path], dict],
                    sources: list[str]) -> dict:  # fmt: skip
    """``run_ingest(path)`` (ingest of the new files into a new store at ``path``, returning its
    manifest) into a temporary folder beside ``store``, appended to it (append_store); the
    temporary goes whatever happens (`trajlm.ingest(..., append=True)`)."""
    sweep_before_append(store)
    store = open_store(_real(store))
    verify_store(store)
    staged = store.parent / tmp_name(store.name)
    try:
        new = run_ingest(staged / "new")
        return append_store(store, staged / "new", sources, new.get("clean_config"))
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def sweep_before_append(store: str | os.PathLike) -> int:
    """Remove what killed writers left beside ``store`` (``.STORE.tmp-PID-*`` of a dead PID;
    a live writer's never), said in one note, before an append reads anything: a `kill -9`
    mid-append left its temporary (hard links of the whole store) until the next append had
    ingested its new files (badin36; leftover37). Beside the link and its store where
    ``store`` is a symlink. Returns how many were removed."""
    path = Path(store)
    places = {(path.parent, path.name), (_real(path).parent, _real(path).name)}
    return sum(clean_stale_tmp(parent, name) for parent, name in places)


def _real(store: str | os.PathLike) -> Path:
    """The store's own folder where ``store`` is a symlink to it: the swap then happens there
    and the link stays a link (badin36: the link was swapped for a folder, the store it named
    left unappended and the old link left beside as a temporary)."""
    path = Path(store)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _link(src: str, dst: str) -> None:
    """A hard link (the store's files are never written in place), a copy where none can be."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _add_parts(store: Path, new: Path, tmp: Path, sources: list[str]) -> dict:
    """Write ``new``'s rows (pieces renamed: piece_names) into tmp's test split after its own
    part files; write the index; return the updated manifest."""
    old, add = load_manifest(store), load_manifest(new)
    names = piece_names(store, new)
    rows = read_store(new).drop("split").join(names, on="traj_id", how="left")
    rows = rows.with_columns(traj_id=pl.col("new_id")).drop("new_id").sort(["traj_id", "t"])
    test = tmp / "points" / "split=test"
    k = 1 + max((int(f.stem.split("-")[1]) for f in part_files(store, "test")), default=-1)
    files = list(old["files"]["test"])
    if old["splits"]["test"]["n_points"] == 0:  # the empty placeholder goes
        for name in files:
            (test / name).unlink()
        files = []
    scratch = tmp / ".appended"
    for f in write_split_files(rows, scratch, ROWS_PER_FILE):
        name = f"part-{k:05d}.parquet"
        os.replace(scratch / f, test / name)
        files.append(name)
        k += 1
    shutil.rmtree(scratch)
    renamed = load_index(new).join(names, on="traj_id", how="left")
    renamed = renamed.with_columns(traj_id=pl.col("new_id"), split=pl.lit("test")).drop("new_id")
    index = pl.concat([load_index(store), renamed.select(load_index(store).columns)])
    index.write_parquet(tmp / "index.parquet", compression="zstd")
    splits = {s: dict(old["splits"][s]) for s in SPLITS}
    splits["test"]["n_trajectories"] += add["n_trajectories"]
    splits["test"]["n_points"] += add["n_points"]
    t0 = min(old["time_span"]["start_unix"], add["time_span"]["start_unix"])
    t1 = max(old["time_span"]["end_unix"], add["time_span"]["end_unix"])
    a, b = old["bbox"], add["bbox"]
    lo, hi = table_lons(np.array([a["min_lon"], a["max_lon"], b["min_lon"], b["max_lon"]]))
    report = DropReport.from_dict(old["drop_report"]) if old.get("drop_report") else DropReport()
    if add.get("drop_report"):
        report = report.add(DropReport.from_dict(add["drop_report"]))
    appended = {"at": seconds_to_iso(int(datetime.now(tz=UTC).timestamp())), "sources": sources,
                "n_trajectories": add["n_trajectories"], "n_points": add["n_points"],
                "split": "test", "drop_report": add.get("drop_report")}  # fmt: skip
    return {
        **old,
        "sources": [*old["sources"], *sources],
        "n_points": old["n_points"] + add["n_points"],
        "n_trajectories": old["n_trajectories"] + add["n_trajectories"],
        "time_span": {
            "start_unix": t0,
            "end_unix": t1,
            "start_iso": seconds_to_iso(t0),
            "end_iso": seconds_to_iso(t1),
        },
        "bbox": {
            "min_lat": min(a["min_lat"], b["min_lat"]),
            "min_lon": float(lo),
            "max_lat": max(a["max_lat"], b["max_lat"]),
            "max_lon": float(hi),
        },  # fmt: skip
        "splits": splits,
        "files": {**old["files"], "test": files},
        "drop_report": report.to_dict(),
        "appends": [*old.get("appends", []), appended],
    }


def _exchange(tmp: Path, store: Path) -> None:
    """Swap the folders ``tmp`` and ``store`` in one step where the system can (Linux);
    otherwise store -> aside, tmp -> store, aside -> tmp (the old store whole at every step;
    a kill between the first two renames leaves it at .STORE.append-old-PID)."""
    fn = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if fn is not None:
        done = fn(_AT_FDCWD, os.fsencode(tmp), _AT_FDCWD, os.fsencode(store), _RENAME_EXCHANGE)
        if done == 0:
            return
    aside = store.with_name(f".{store.name}.append-old-{os.getpid()}")  # no stale-temp sweep
    os.replace(store, aside)
    os.replace(tmp, store)
    os.replace(aside, tmp)
