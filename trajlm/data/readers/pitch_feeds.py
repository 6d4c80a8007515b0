"""Football tracking feeds in their vendors' own layouts (sports37), written as a long CSV before
the read (spreadsheet.sheets_as_csv), x / y in metres on the pitch from a corner (0..length,
0..width), so `--crs local` and every command answer in pitch metres:

- **Metrica Sports' open-data CSV** (one file per team): three header lines, the team over each
  player's x column (`,,,Home,,Home,...`), the jersey number over it (`,,,11,,1,...`), then
  `Period,Frame,Time [s],Player11,,Player1,,...,Ball,`; x / y normalised 0-1 of the pitch from
  its top-left corner (y down), `NaN` off the pitch. Read as `Home_11`, `Away_25` and `ball`;
  x times the pitch's length, y (1 - y) times its width (y up, as the plane's north). Both team
  files carry the same ball: read once where both are read together (the away file's copy is
  left out, said).
- **TRACAB `.dat`**: a line per frame, `frame:team,id,jersey,x,y,speed;...;:bx,by,bz,speed,
  owner,status;:` with centimetres from the centre spot; team 1 home, 0 away; referees (3) and
  unknown targets are not players and are left out (said); a ball marked `Dead` is out of play
  (left out). Times are frames at 25 per second (`Time [s]` = frame / 25, after
  `--time-origin`); the layout has no period (it is in a separate metadata file), so a jump of
  more than a minute of frames starts the next period (a column `Period`), said.

The pitch's size is an option (`--pitch-size 105x68`, Python `ColumnMap(pitch="105x68")`),
default 105 x 68 m (FIFA's recommended size; UEFA stadiums), said in the line each read warns.
Metrica's normalised coordinates need it for metres; TRACAB's centimetres need it only to move
the origin to the corner."""

from __future__ import annotations

import csv
import math
import re
import warnings
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

DEFAULT_PITCH = (105.0, 68.0)
PITCH_KINDS = ("metrica", "tracab")  # read on a pitch: its size given, --crs local implied
TRACAB_HZ = 25.0
PERIOD_BREAK_S = 60.0  # frames missing for longer than this: half-time, a new period
HEADER = ["traj_id", "team", "jersey", "Period", "Frame", "Time [s]", "x", "y"]
_PITCH = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*[x×,*]\s*(\d+(?:\.\d*)?)\s*(?:m)?\s*$", re.I)
_TRACAB_LINE = re.compile(r"^\d+:(?:-?\d+,-?\d+,-?\d+,-?\d+(?:\.\d+)?,-?\d+(?:\.\d+)?,[-\d.]+;)+:")
_METRICA_HEAD = re.compile(r"(?i)^\s*period\s*,\s*frame\s*,\s*time \[s\]\s*,")
# Metrica's first line: three empty cells, then the team's name over each player's x column
_METRICA_TEAMS = re.compile(r"^,,,([^,]+),,\1(?:,,\1)*,*\s*$")


def parse_pitch(text: str | None) -> tuple[float, float] | None:
    """`105x68` -> (105.0, 68.0); None for None; ValueError naming the option otherwise."""
    if text is None:
        return None
    m = _PITCH.match(str(text))
    if not m or not (1 <= float(m[1]) <= 500 and 1 <= float(m[2]) <= 500):  # 1 m .. 500 m
        raise ValueError(
            f"pitch size {text!r}: give length x width in metres, e.g. 105x68 (--pitch-size; "
            "Python ColumnMap(pitch='105x68'))"
        )
    return float(m[1]), float(m[2])


def _lines(path: Path, n: int) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            return [f.readline(1 << 20) for _ in range(n)]
    except OSError:
        return []


def is_metrica(path: Path) -> bool:
    """A Metrica Sports tracking CSV: the third line `Period,Frame,Time [s],...`, the first two
    the teams and jersey numbers over the players' x columns."""
    if not path.is_file() or path.suffix.lower() not in (".csv", ".txt"):
        return False
    head = _lines(path, 3)
    real = [h for h in head if h.strip()]
    if len(real) < 3 and real and _METRICA_TEAMS.match(real[0]):  # fix40 (badin39 273: "column
        raise TrajlmInputError(  # name(s) ['Home'] appear more than once")
            f"a Metrica header cut short: {len(real)} of its 3 lines (teams, jersey numbers, "
            "`Period,Frame,Time [s],...`) and no data", path=path, line=len(real),
            hint="copy the file again whole")  # fmt: skip
    return len(head) == 3 and bool(_METRICA_HEAD.match(head[2])) and head[0].startswith(",,,")


def is_tracab(path: Path) -> bool:
    """A TRACAB `.dat` (or `.txt`) frame file: `frame:team,id,jersey,x,y,speed;...:ball;:`."""
    if not path.is_file() or path.suffix.lower() not in (".dat", ".txt"):
        return False
    head = _lines(path, 1)
    return bool(head) and bool(_TRACAB_LINE.match(head[0]))


def tracab_near_miss(path: Path) -> str | None:
    """The line saying why a `.dat` / `.txt` whose first line is shaped as TRACAB's
    (`frame:...;...:...`) is not read as TRACAB, or None (badin38: "cannot tell the format")."""
    if path.suffix.lower() not in (".dat", ".txt") or is_tracab(path):
        return None
    head = (_lines(path, 1) or [""])[0]
    if not re.match(r"^-?\d+:.*[,;].*:\s*$", head):
        return None
    return ("line 1 looks like a TRACAB frame line but is not one: TRACAB's is `frame:` (a "
            "frame number >= 0), then its targets `team,id,jersey,x,y,speed;` in whole "
            "centimetres, then `:ball...:`; fix the line or export the feed again")  # fmt: skip


def _pitch_said(pitch: tuple[float, float], given: bool) -> str:
    how = "given" if given else "the default; --pitch-size LxW to change"
    return f"a {pitch[0]:g} x {pitch[1]:g} m pitch ({how})"


def has_ball(path: Path) -> bool:
    """Whether Metrica's team file ``path`` carries the ball's x / y columns."""
    head = _lines(path, 3)
    return len(head) == 3 and any(c.strip().lower() == "ball" for c in head[2].split(","))


def metrica_as_csv(
    path: Path,
    out: Path,
    pitch: tuple[float, float] | None = None,
    ball_from: Path | None = None,
    cut: list[int] | None = None,
) -> list:
    """Write Metrica's team file `path` long at `out` (HEADER); the line of `path` each CSV
    line comes from (None: the header), for errors. ``ball_from``: the team file read first,
    whose ball is the same ball: this file's copy is left out by name, said (badfix37: it was
    dropped as ~1 duplicate time a second). ``cut``: under `--on-error skip`, a row cut short
    is left out, its line appended here and said (`skip_cut`); None: refused."""
    size = pitch or DEFAULT_PITCH
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as src:
        rows = csv.reader(src)
        teams, jerseys, names = next(rows, []), next(rows, []), next(rows, [])
        movers: list[tuple[str, str, str, int]] = []  # (id, team, jersey, x column)
        for k, name in enumerate(names[3:], start=3):
            name = name.strip()
            if name.lower() == "ball":
                if ball_from is None:
                    movers.append(("ball", "", "", k))
            elif name:
                team = (teams[k] if k < len(teams) else "").strip() or "team"
                jersey = (jerseys[k] if k < len(jerseys) else "").strip()
                jersey = jersey or re.sub(r"(?i)^player\s*", "", name)
                movers.append((f"{team}_{jersey}", team, jersey, k))
        at: list[int | None] = [None]
        share, frames = _Fractions(path), 0
        with out.open("w", newline="", encoding="utf-8") as dst:
            w = csv.writer(dst, lineterminator="\n")
            w.writerow(HEADER)
            for row in rows:
                if len(row) < 3:
                    continue
                if len(row) < len(names):  # badin38: a cut row's players were dropped silently
                    why = (f"a Metrica row of {len(row)} fields where the header has "
                           f"{len(names)}: the file ends mid-row (cut short?)")  # fmt: skip
                    skip_cut(path, rows.line_num, why, cut)
                    continue
                frames += 1
                for mover, team, jersey, k in movers:
                    x, y = _cell(row, k), _cell(row, k + 1)
                    if x is None or y is None:
                        continue
                    share.add(x, y, rows.line_num)
                    w.writerow([mover, team, jersey, row[0], row[1], row[2],
                                f"{x * size[0]:.3f}", f"{(1.0 - y) * size[1]:.3f}"])  # fmt: skip
                    at.append(rows.line_num)
    share.check()
    _one_frame(path, frames, "Metrica")
    players = sum(m[0] != "ball" for m in movers)
    warnings.warn(
        f"{path.name}: Metrica Sports tracking: {players} players"
        f"{' and the ball' if any(m[0] == 'ball' for m in movers) else ''}, x / y normalised 0-1 "
        f"read as metres on {_pitch_said(size, pitch is not None)}, from the corner at the "
        "top-left of the feed's picture with y up; `Period` cuts each mover's track at "
        "half-time"
        + (f"; its copy of the ball left out ({ball_from.name} holds the same ball)"
           if ball_from is not None and has_ball(path) else ""),
        stacklevel=2,
    )  # fmt: skip
    return at


CUT_SHORT = "cut_short_line"  # the drop report's reason: a feed's line left out whole (fix40)


def skip_cut(path: Path, line: int, why: str, cut: list[int] | None) -> None:
    """A feed's line cut short: refused in one line (``cut`` None: `--on-error raise`), else
    left out whole (a cut number would be read as another position) and said, its line kept in
    ``cut`` for the drop report (fix40; badin39: `--on-error skip` was refused as if not given)."""
    if cut is None:
        raise TrajlmInputError(why, path=path, line=line,
                               hint="copy the file again whole, or delete that line (or "
                               "--on-error skip: it is left out and counted)")  # fmt: skip
    cut.append(line)
    warnings.warn(f"{path.name} line {line}: {why}: left out (--on-error skip), counted as "
                  f"{CUT_SHORT}", stacklevel=3)  # fmt: skip


def _one_frame(path: Path, frames: int, kind: str) -> None:
    """One frame is no track (badin38: told "traj_id differs on every row: a row key")."""
    if frames == 1:
        raise TrajlmInputError(f"a {kind} file of one frame: a player's track needs two or more "
                               "frames", path=path)  # fmt: skip


class _Fractions:
    """Metrica's x / y are fractions of the pitch (0-1, a player off it a little beyond): a
    file whose values are mostly outside holds metres or centred coordinates, which x pitch
    size would put kilometres away (badin38: a 64 in x was stored 6.7 km out, silently)."""

    OFF = 0.1  # beyond -0.1 .. 1.1: not a fraction of the pitch
    SHARE = 0.01  # more than 1 % of the values beyond: not a 0-1 file

    def __init__(self, path: Path) -> None:
        self.path, self.n, self.out, self.first = path, 0, 0, None
        self.low, self.high = math.inf, -math.inf

    def add(self, x: float, y: float, line: int) -> None:
        self.n += 2
        for v in (x, y):
            if not -self.OFF <= v <= 1 + self.OFF:
                self.out += 1
                self.first = self.first or line
                self.low, self.high = min(self.low, v), max(self.high, v)

    def check(self) -> None:
        if self.n and self.out > self.SHARE * self.n:
            raise TrajlmInputError(
                f"Metrica x / y are fractions of the pitch (0-1), and {self.out:,} of "
                f"{self.n:,} values lie outside -0.1..1.1 ({self.low:g} .. {self.high:g}): "
                "metres, or coordinates from the centre spot?", path=self.path, line=self.first,
                hint="for metres write a long CSV (id, time, x, y) and ingest it with --crs "
                "local; for -0.5..0.5 add 0.5 first")  # fmt: skip


def _cell(row: list[str], k: int) -> float | None:
    if k >= len(row):
        return None
    try:
        v = float(row[k])
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def tracab_as_csv(
    path: Path, out: Path, pitch: tuple[float, float] | None = None, cut: list[int] | None = None
) -> list:
    """Write TRACAB's frame file `path` long at `out` (HEADER); the line each CSV line comes
    from, for errors. ``cut``: as `metrica_as_csv`'s (a frame line cut short)."""
    size = pitch or DEFAULT_PITCH
    at: list[int | None] = [None]
    period, last, others, players = 1, None, set(), set()
    with (
        path.open(encoding="utf-8", errors="replace") as src,
        out.open("w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(HEADER)
        for line_no, line in enumerate(src, start=1):
            parts = line.strip().split(":")
            if len(parts) < 2 or not parts[0].strip().lstrip("-").isdigit():
                continue
            if not line.rstrip().endswith(":"):  # badin38: a cut frame was read in part, unsaid
                skip_cut(path, line_no, "a TRACAB frame line that does not end in `:` (the file "
                         "ends mid-frame: cut short?)", cut)  # fmt: skip
                continue
            frame = int(parts[0])
            if last is not None and frame - last > PERIOD_BREAK_S * TRACAB_HZ:
                period += 1
            last = frame
            secs = f"{frame / TRACAB_HZ:.2f}"
            for target in filter(None, parts[1].split(";")):
                f = target.split(",")
                if len(f) < 5:
                    continue
                team = {"1": "home", "0": "away"}.get(f[0].strip())
                if team is None:
                    others.add(f[0].strip())
                    continue
                try:
                    x, y = float(f[3]) / 100.0, float(f[4]) / 100.0
                except ValueError:
                    continue
                mover = f"{team}_{f[2].strip()}"
                players.add(mover)
                w.writerow([mover, team, f[2].strip(), period, frame, secs,
                            f"{x + size[0] / 2:.2f}", f"{y + size[1] / 2:.2f}"])  # fmt: skip
                at.append(line_no)
            ball = parts[2].strip().rstrip(";").split(",") if len(parts) > 2 else []
            if len(ball) >= 2 and not (len(ball) >= 6 and ball[5].strip().lower() == "dead"):
                try:
                    bx, by = float(ball[0]) / 100.0, float(ball[1]) / 100.0
                except ValueError:
                    continue
                w.writerow(["ball", "", "", period, frame, secs,
                            f"{bx + size[0] / 2:.2f}", f"{by + size[1] / 2:.2f}"])  # fmt: skip
                at.append(line_no)
    _one_frame(path, len({a for a in at if a is not None}), "TRACAB")
    left = (
        f"; targets of team {', '.join(sorted(others))} (referees, unknown) left out"
        if others
        else ""
    )
    warnings.warn(
        f"{path.name}: TRACAB frames: {len(players)} players and the ball, centimetres from "
        f"the centre spot read as metres from the corner of {_pitch_said(size, pitch is not None)}"
        f"; frames at {TRACAB_HZ:g} per second (Time [s] = frame / {TRACAB_HZ:g}, after "
        f"--time-origin); {period} period(s) told apart by breaks over {PERIOD_BREAK_S:g} s in "
        f"the frame numbers; the ball when `Dead` left out{left}",
        stacklevel=2,
    )
    return at


def on_pitch(column_map: dict | None, kinds: dict[str, str]) -> dict | None:
    """The column map to read converted files with: a Metrica / TRACAB feed among them is x / y
    metres on a pitch, so `crs` is `local` unless given, and each mover's id is kept as its
    vehicle id (a player over both halves; `ask` per player); a pitch size with no such feed is
    refused (it would be dropped without a word). `kinds`: converted path -> kind."""

    feeds = [k for k in kinds.values() if k in PITCH_KINDS]
    if not feeds:
        if (column_map or {}).get("pitch") is not None:
            raise TrajlmInputError(
                f"--pitch-size {column_map['pitch']} sizes a Metrica / TRACAB tracking feed's "  # type: ignore[index]
                "pitch, and no input is one; drop it"
            )
        return column_map
    out = dict(column_map or {})
    if out.get("crs") is None:
        out["crs"] = "local"
    if not out.get("sub_second"):  # every fix kept: no path of dropped ones to keep
        out.setdefault("full_rate", True)  # 25 Hz: distances and top speeds at the feed's rate
    extra = dict(out.get("extra") or {})
    if "vehicle_id" not in extra:  # the player over both halves, as --vehicle-col keeps one
        out["extra"] = {**extra, "vehicle_id": "traj_id"}
    return out


def is_pitch_feed(path: object) -> bool:
    """Whether ``path`` is a Metrica / TRACAB feed (or a folder of only such): x / y metres on a
    pitch, read with `crs="local"` unless a CRS is given, as ingest's ``on_pitch`` reads them
    (badfix37: ``trajlm.read`` / ``TrajLM.predict`` of one refused, naming crs="local")."""
    p = Path(str(path)).expanduser()
    return is_metrica(p) or is_tracab(p) or bool(feed_files(p))


def feed_files(folder: Path) -> list[tuple[str, Path]]:
    """(kind, file) of a folder whose data files (`.csv`, `.dat`, `.txt`, not in subfolders)
    are all Metrica / TRACAB feeds (a match's home and away CSVs); [] otherwise."""
    if not folder.is_dir():
        return []
    files = sorted(
        f for f in folder.iterdir() if f.is_file() and f.suffix.lower() in (".csv", ".dat", ".txt")
    )
    kinds = [("metrica" if is_metrica(f) else "tracab" if is_tracab(f) else None, f) for f in files]
    if not kinds or any(k is None for k, _ in kinds):
        return []
    return kinds  # type: ignore[return-value]
