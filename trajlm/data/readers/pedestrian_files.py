"""Pedestrian-forecasting benchmark files (newuser37), written as a CSV before the read
(spreadsheet.sheets_as_csv's text kinds) with x / y metres on a plane, so `--crs local` is
implied and every command answers in x / y metres:

- **ETH / UCY** (`biwi_hotel.txt`, `crowds_zara01.txt`, ...; the Social-GAN / Trajectron++
  copies): no header, `frame ped x y` separated by tabs or spaces, metres on the ground plane,
  a row per person per annotated frame. The annotation rate is 2.5 Hz in every file of the
  set (every 10th frame of 25 fps video, every 6th of ETH's 15 fps), so a step of the file's
  frame numbers (the most common difference between one person's rows) is 0.4 s. A header
  line `frame ped x y` (or `frame_id ped_id x y`) is read the same.
- **TrajNet++** `.ndjson`: `{"scene": {"id", "p", "s", "e", "fps", "tag"}}` lines, then
  `{"track": {"f": frame, "p": ped, "x": m, "y": m}}` lines; a step of the frame numbers is
  1 / fps seconds (the scenes' `fps`, 2.5 in the published sets; said when absent). Rows
  carrying `prediction_number` are a model's submitted answers, not observations: left out.
- **Stanford Drone Dataset** `annotations.txt` (`track_id xmin ymin xmax ymax frame lost
  occluded generated "label"`): pixels of a drone video with no scale to metres in the file
  (it differs by scene): one line naming what the file is and how to make metres of it.

The CSV holds `ped, frame, time, x, y`: `time` counts seconds from frame 0 (read as
elapsed seconds, so the read asks for `--time-origin`, as for SUMO's or Metrica's clocks). A
store's times are whole seconds unless ingest is given `--sub-second` (subsec38): the 0.4-s
fixes are kept at one a second (`sub_second_fix`), said in the read's line, with the 8-in /
12-out benchmark's seconds at 1 s steps, or every fix at 0.4 s with `--sub-second`."""

from __future__ import annotations

import csv
import json
import re
import warnings
from collections import Counter
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

PEDESTRIAN_KINDS = ("eth-ucy", "trajnetpp")  # read on a plane: --crs local implied
ANNOTATION_STEP_S = 0.4  # ETH / UCY: 2.5 Hz annotations
HEADER = ["ped", "frame", "time", "x", "y"]
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_FRAME_NAMES = ({"frame", "frame_id", "frameid"}, {"ped", "ped_id", "pedid", "agent_id"})
SDD_LABELS = {"pedestrian", "biker", "skater", "cart", "car", "bus"}
_SDD_LINE = re.compile(r'^\d+( -?\d+){8} "[A-Za-z]+"\s*$')


def _first_lines(path: Path, n: int = 50) -> list[str]:
    if not path.is_file():
        return []
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            lines = []
            for line in f:
                if line.strip():
                    lines.append(line.strip())
                if len(lines) >= n:
                    break
            return lines
    except OSError:
        return []


def _tokens(line: str) -> list[str]:
    return line.replace(",", " ").split()


def _frame_row(tokens: list[str]) -> bool:
    """`frame ped x y`: four numbers, the first two whole (frame numbers and ids)."""
    if len(tokens) != 4 or not all(_NUMBER.match(t) for t in tokens):
        return False
    frame, ped = float(tokens[0]), float(tokens[1])
    return frame >= 0 and frame.is_integer() and ped.is_integer()


def _header_named(tokens: list[str]) -> bool:
    low = [t.lower() for t in tokens]
    return len(low) == 4 and low[0] in _FRAME_NAMES[0] and low[1] in _FRAME_NAMES[1] and low[2:] == ["x", "y"]  # fmt: skip


def is_eth_ucy(path: Path) -> bool:
    """A text file of `frame ped x y` rows (no header, or that header), frames rising."""
    if path.suffix.lower() not in (".txt", ".csv", ".tsv", ".dat", ""):
        return False
    lines = _first_lines(path)
    if lines and _header_named(_tokens(lines[0])):
        lines = lines[1:]
    rows = [_tokens(line) for line in lines]
    if len(rows) < 2 or not all(_frame_row(r) for r in rows):
        return False
    frames = [float(r[0]) for r in rows]
    return frames == sorted(frames) or len({r[1] for r in rows}) == 1


def eth_near_miss(path: Path) -> str | None:
    """Why a headerless file of four numbers a line is not read as ETH / UCY `frame ped x y`
    (the first line that breaks the layout, or frames out of order), or None where its lines
    are not shaped so (badin38: "no header line" alone sent the user to write one)."""
    lines = [ln for ln in _first_lines(path) if ln.strip()]
    if lines and _header_named(_tokens(lines[0])):
        lines = lines[1:]
    rows = [_tokens(line) for line in lines]
    if not rows or sum(len(r) == 4 for r in rows) < max(1, len(rows) // 2):
        return None
    where = "an ETH / UCY `frame ped x y` file"
    for i, r in enumerate(rows, start=1):
        if len(r) != 4:
            return f"read as {where}, line {i} has {len(r)} fields"
        if bad := next((t for t in r if not _NUMBER.match(t)), None):
            return f"read as {where}, line {i}'s {bad!r} is not a number"
        frame, ped = float(r[0]), float(r[1])
        if not (frame >= 0 and frame.is_integer()):
            return f"read as {where}, line {i}'s frame {r[0]} is not a whole frame number >= 0"
        if not ped.is_integer():
            return f"read as {where}, line {i}'s ped {r[1]} is not a whole id"
    if len(rows) < 2:
        return f"read as {where}, it holds one row"
    return f"read as {where}, its frames are not in rising order (sort the rows by frame)"


def is_trajnetpp(path: Path) -> bool:
    """A JSON Lines file whose first record is a TrajNet++ `scene` or `track`."""
    if path.suffix.lower() not in (".ndjson", ".jsonl", ".json"):
        return False
    lines = _first_lines(path, 1)
    try:
        doc = json.loads(lines[0]) if lines else None
    except (ValueError, RecursionError):  # a line nested too deep is no record: the JSON
        return False  # reader refuses it ("not valid JSON")
    return isinstance(doc, dict) and len(doc) == 1 and next(iter(doc)) in ("scene", "track")


def is_sdd(path: Path) -> bool:
    """A Stanford Drone Dataset `annotations.txt`: ten fields, the last a quoted agent label."""
    lines = _first_lines(path, 20)
    shaped = bool(lines) and all(_SDD_LINE.match(line) for line in lines)
    # the layout is the file's mark; a label beyond the six published ones (a scene's own, a
    # typo) is still the drone's pixels (badin38: "column name(s) ['0'] appear more than once")
    known = shaped and any(line.rsplit('"', 2)[1].lower() in SDD_LABELS for line in lines)
    return shaped and (known or len(lines) >= 5)


def _step(frames_by_ped: dict[str, list[float]]) -> float:
    """The most common difference between one person's consecutive frame numbers."""
    diffs: Counter = Counter()
    for frames in frames_by_ped.values():
        fs = sorted(frames)
        diffs.update(b - a for a, b in zip(fs, fs[1:], strict=False) if b > a)
    return diffs.most_common(1)[0][0] if diffs else 1.0


def _write(out: Path, rows: list[tuple[str, float, float, float]], step_s: float, step: float,
           at: list[int | None]) -> int:  # fmt: skip
    """Write `rows` (ped, frame, x, y) with `time` = frame / step x step_s (frame 0 at 0 s,
    as `--time-format frames@RATE` reads frame numbers)."""
    with out.open("w", newline="", encoding="utf-8") as dst:
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(HEADER)
        for ped, frame, x, y in rows:
            t = round(frame / step * step_s, 6)
            w.writerow([ped, f"{frame:g}", f"{t:g}", f"{x:g}", f"{y:g}"])
    return len({r[0] for r in rows})


def _said(kind: str, path: Path, n: int, step: float, step_s: float, how: str) -> None:
    hz = 1.0 / step_s
    below = step_s < 1.0
    rate = (
        f"; with --sub-second (ColumnMap(sub_second=True)) a store keeps every fix at its "
        f"exact time and the 8-in / 12-out benchmark is `trajlm eval --task predict --obs-len 8 "
        f"--pred-len 12` at {step_s:g}-s steps; without it a store keeps whole-second times, "
        f"so these {step_s:g}-s fixes are kept at one a second (dropped ones counted as "
        f"sub_second_fix) and the benchmark ({8 * step_s:g} s / {12 * step_s:g} s) is about "
        f"`--history {max(2, round(8 * step_s))} --steps {max(1, round(12 * step_s))}` at 1-s "
        "steps (ADE = the MAE column, FDE)"
        if below
        else ""
    )
    warnings.warn(
        f"{path.name}: {kind}: {n} pedestrians, x / y read as metres on a plane (--crs local; "
        f"implied at ingest), ids qualified by the file's name ({path.stem}/ID: a scene's ped "
        f"ids are its own, so files read together never merge two people), frame numbers every {step:g} read as {step_s:g}-s steps ({hz:g} Hz, {how}); "
        f"`time` counts seconds from frame 0 (--time-origin dates it){rate}",
        stacklevel=2,
    )


def eth_ucy_as_csv(path: Path, out: Path, scene: str | None = None) -> list[int | None]:
    """Write the ETH / UCY file `path` as a CSV at `out`; each CSV line's line in `path`.
    `scene`: what qualifies its ped ids (default the file's stem: `biwi_hotel/7`)."""
    rows, at = [], [None]
    frames: dict[str, list[float]] = {}
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        for i, line in enumerate(f, start=1):
            tokens = _tokens(line)
            if not tokens or (i == 1 and _header_named(tokens)):
                continue
            if not _frame_row(tokens):
                raise TrajlmInputError(
                    f"expected `frame ped x y` (four numbers, as the lines above), got "
                    f"{line.strip()[:80]!r}",
                    path=path,
                    line=i,
                )
            ped = f"{scene or path.stem}/{float(tokens[1]):g}"
            rows.append((ped, float(tokens[0]), float(tokens[2]), float(tokens[3])))
            frames.setdefault(ped, []).append(float(tokens[0]))
            at.append(i)
    step = _step(frames)
    n = _write(out, rows, ANNOTATION_STEP_S, step, at)
    _said("ETH / UCY pedestrians (frame ped x y)", path, n, step, ANNOTATION_STEP_S,
          "the ETH / UCY annotation rate")  # fmt: skip
    return at


def trajnetpp_as_csv(path: Path, out: Path, scene: str | None = None) -> list[int | None]:
    """Write the TrajNet++ `.ndjson` file `path`'s tracks as a CSV at `out` (ped ids
    qualified by `scene`, default the file's stem, as ETH / UCY's)."""
    rows, at, fps, answers = [], [None], set(), 0
    frames: dict[str, list[float]] = {}
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        for i, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except ValueError as e:
                raise TrajlmInputError(f"not a JSON object ({e})", path=path, line=i) from None
            if isinstance(doc, dict) and isinstance(doc.get("scene"), dict):
                if (rate := doc["scene"].get("fps")) is not None:
                    if isinstance(rate, bool) or not isinstance(rate, int | float):
                        raise TrajlmInputError(  # badin38: float('abc')'s words, no file
                            f"scene fps {rate!r} is not a number (frames a second)",
                            path=path, line=i)  # fmt: skip
                    fps.add(float(rate))
                continue
            track = doc.get("track") if isinstance(doc, dict) else None
            if not isinstance(track, dict) or not {"f", "p", "x", "y"} <= track.keys():
                raise TrajlmInputError(
                    "expected a TrajNet++ `scene` or `track` record "
                    '({"track": {"f": frame, "p": ped, "x": .., "y": ..}})',
                    path=path,
                    line=i,
                )
            if "prediction_number" in track:  # a submitted answer, not an observation
                answers += 1
                continue
            try:
                ped, fr = f"{scene or path.stem}/{track['p']}", float(track["f"])
                rows.append((ped, fr, float(track["x"]), float(track["y"])))
            except (TypeError, ValueError):
                raise TrajlmInputError(
                    f"track f / x / y must be numbers, got {track}", path=path, line=i
                ) from None
            frames.setdefault(ped, []).append(fr)
            at.append(i)
    if not rows:
        raise TrajlmInputError("a TrajNet++ file without a track record", path=path)
    if len(fps) > 1:
        raise TrajlmInputError(
            f"TrajNet++ scenes at different rates ({sorted(fps)} fps) in one file: read each "
            "rate's scenes from a file of their own",
            path=path,
        )
    how = "the scenes' fps" if fps else "no scene fps: the published sets' 2.5"
    rate = fps.pop() if fps else 1.0 / ANNOTATION_STEP_S
    if not 0 < rate <= 1000:  # badin38: 1e9 fps folded every fix onto one time, unsaid
        raise TrajlmInputError(f"TrajNet++ scene fps {rate:g}: must be above 0 and at most "
                               "1,000 frames a second", path=path)  # fmt: skip
    if answers:
        warnings.warn(
            f"{path.name}: {answers} track record(s) with prediction_number (a model's "
            "submitted answers, not observations) left out",
            stacklevel=2,
        )
    step = _step(frames)
    n = _write(out, rows, 1.0 / rate, step, at)
    _said("TrajNet++ tracks", path, n, step, 1.0 / rate, how)
    return at


def sdd_as_csv(path: Path, out: Path) -> list[int | None]:
    """Stanford Drone Dataset annotations: told in one line (pixels, no scale in the file)."""
    raise TrajlmInputError(
        "Stanford Drone Dataset annotations (track_id xmin ymin xmax ymax frame lost occluded "
        "generated label): the boxes are pixels of the drone video, and the file holds no "
        "scale to metres (it differs by scene), so no metres or speeds can be read from it",
        path=path,
        hint="make metres with your scene's scale (pixels per metre, or a homography), e.g. "
        "pandas: df = pd.read_csv(path, sep=' ', header=None, names=['track_id', 'xmin', "
        "'ymin', 'xmax', 'ymax', 'frame', 'lost', 'occluded', 'generated', 'label']); keep "
        "lost == 0; x = (xmin + xmax) / 2 / PX_PER_M, y = -(ymin + ymax) / 2 / PX_PER_M (image "
        "y runs down); save track_id, frame, x, y, label as CSV and ingest it with --crs local "
        "--time-col frame --time-format frames@30 --time-origin DATE --label-col label (the "
        "label kept as each track's class: Pedestrian / Biker / ...)",
    )


def pedestrian_folder(folder: Path, limit: int = 10_000) -> list[tuple[str, Path]]:
    """(kind, file) of the ETH / UCY and TrajNet++ files under `folder` (a Social-GAN style
    `datasets/eth/train/`), sorted by path; [] for a file or a folder holding none."""
    if not folder.is_dir():
        return []
    found = []
    for i, f in enumerate(sorted(folder.rglob("*"))):
        if i >= limit:
            break
        if f.is_file() and not f.name.startswith("."):
            kind = "eth-ucy" if is_eth_ucy(f) else "trajnetpp" if is_trajnetpp(f) else None
            if kind:
                found.append((kind, f))
    return found


def folder_as_csvs(folder: Path, files: list[tuple[str, Path]], into: Path) -> dict:
    """Each pedestrian file under `folder` as `into/<its path>.csv`, its ids qualified by its
    path in the folder (`train/biwi_hotel/7`); {csv: where each line comes from}. The folder's
    other files are not read (said, with how many)."""
    where = {}
    for kind, f in files:
        rel = f.relative_to(folder).with_suffix("")
        csv_at = into / f"{rel.as_posix().replace('/', '__')}.csv"
        convert = eth_ucy_as_csv if kind == "eth-ucy" else trajnetpp_as_csv
        where[csv_at] = convert(f, csv_at, rel.as_posix())
    others = sum(1 for f in folder.rglob("*") if f.is_file() and not f.name.startswith("."))
    if others > len(files):
        warnings.warn(
            f"{folder.name}: {len(files)} pedestrian file(s) read; the folder's other "
            f"{others - len(files)} file(s) are not (give them on their own)",
            stacklevel=2,
        )
    return where


def on_plane(column_map: dict | None, kinds: dict[str, str]) -> dict | None:
    """The column map to read converted files with: an ETH / UCY or TrajNet++ file among them
    is x / y metres on a plane, so `crs` is `local` unless given (degrees would be refused by
    the plane check, not read as metres). `kinds`: converted path -> kind."""
    if not any(k in PEDESTRIAN_KINDS for k in kinds.values()):
        return column_map
    out = dict(column_map or {})
    if out.get("crs") is None:
        out["crs"] = "local"
    return out
