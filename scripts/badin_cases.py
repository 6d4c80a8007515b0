"""The case runner the hostile-input studies share (scripts/badin26/, scripts/badin27/): each
case prints one line `NNN name | status | summary`, status `ok` (with the warnings said),
`user-error` (a TrajlmInputError / ValueError: the one line a user reads) or `EXC` (anything
else: a traceback the user would see), classified by hand afterwards (classes.py)."""

from __future__ import annotations

import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

USER_ERRORS = ("TrajlmInputError", "ValueError")
# the 5-step tiny run's recipe of scripts/badin34/ and scripts/badin35/ (with infilling heads)
TINY_TOML = """[model]
d_model = 16
n_layers = 1
n_heads = 2
n_kv_heads = 1
max_len = 32
pos_type = "rope_time"
head = "gaussian"

[train]
batch_size = 8
max_len = 24
stride = 12
lr = 2e-3
warmup_steps = 1
eval_every = 5
save_every = 5
cpu_threads = 1
"""


class Cases:
    """``say = Cases(...); say("name", lambda: ...)`` numbers and prints each case."""

    def __init__(self, *, got: int = 300, warn: int = 150, warn_total: int | None = None,
                 error: int = 300, where: int = 100, warnings_said: bool = True,
                 describe: Callable[[Any], Any] | None = None, flush: bool = False) -> None:  # fmt: skip
        self.n, self.got, self.warn, self.warn_total = 0, got, warn, warn_total
        self.error, self.where, self.warnings_said = error, where, warnings_said
        self.describe, self.flush = describe, flush

    def __call__(self, name: str, fn: Callable[[], Any]) -> None:
        self.n += 1
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                got = fn()
                if self.describe is not None:
                    got = self.describe(got)
                said = [str(x.message)[: self.warn] for x in caught] if self.warnings_said else []
                w = " WARN: " + " / ".join(said) if said else ""
                w = w[: self.warn_total] if self.warn_total else w
                print(f"{self.n:03d} {name} | ok | {str(got)[: self.got]}{w}", flush=self.flush)
            except Exception as e:  # noqa: BLE001 - every failure is a case's result
                tb = traceback.format_exc().strip().splitlines()
                kind = "user-error" if type(e).__name__ in USER_ERRORS else "EXC"
                print(f"{self.n:03d} {name} | {kind} {type(e).__name__} | "
                      f"{(str(e).splitlines() or [repr(e)])[0][: self.error]} @ {tb[-3][: self.where]}",
                      flush=self.flush)  # fmt: skip


def cli_line(app: Any, args: tuple, keep: Callable[[str], bool], limit: int = 500) -> str:
    """One CLI run in-process as a case's summary: its exit status, an exception other than
    SystemExit (a traceback the user would see), and the output lines ``keep`` picks."""
    from typer.testing import CliRunner

    res = CliRunner().invoke(app, [str(a) for a in args])
    lines = [ln.strip() for ln in res.output.splitlines() if ln.strip()]
    exc = ("" if res.exception is None or isinstance(res.exception, SystemExit)
           else f" EXC {type(res.exception).__name__}: {str(res.exception)[:160]}")  # fmt: skip
    return f"exit={res.exit_code}{exc} :: " + " / ".join(ln for ln in lines if keep(ln))[:limit]


def cli_said(app: Any, args: tuple, words: tuple[str, ...], limit: int = 520) -> str:
    """One CLI run in-process as a case's summary (scripts/badin34/, scripts/badin35/): its
    exit status, an exception other than SystemExit, and the lines (rich's box drawing
    stripped) holding one of ``words``."""
    from typer.testing import CliRunner

    res = CliRunner().invoke(app, [str(a) for a in args])
    lines = [ln.strip(" │╭╰─") for ln in res.output.splitlines() if ln.strip(" │╭╰─")]
    exc = ("" if res.exception is None or isinstance(res.exception, SystemExit)
           else f" EXC {type(res.exception).__name__}: {str(res.exception)[:160]}")  # fmt: skip
    said = " / ".join(ln for ln in lines if any(w in ln for w in words))
    return f"exit={res.exit_code}{exc} :: {said[:limit]}"


def cli_error_first(app: Any, args: tuple, words: tuple[str, ...], limit: int = 520) -> str:
    """One CLI run in process as a case's summary (scripts/badin38/'s, scripts/badin39/'s): its
    exit status, an exception other than SystemExit, the `error:` / `can't answer` line first
    (a long reading warning cut it off), then the lines (rich's box drawing stripped) holding
    one of ``words``."""
    from typer.testing import CliRunner

    res = CliRunner().invoke(app, [str(a) for a in args])
    lines = [ln.strip(" │╭╰─") for ln in res.output.splitlines() if ln.strip(" │╭╰─")]
    first = [ln for ln in lines if ln.startswith(("error:", "can't answer", "Error:"))]
    exc = ("" if res.exception is None or isinstance(res.exception, SystemExit)
           else f" EXC {type(res.exception).__name__}: {str(res.exception)[:160]}")  # fmt: skip
    rest = " / ".join(ln for ln in lines if ln not in first and any(w in ln for w in words))
    return f"exit={res.exit_code}{exc} :: " + " / ".join(first)[:400] + " // " + rest[:limit]


def read_summary(path: object, **kw: Any) -> str:
    """``trajlm.read(path, **kw)`` as a case's summary: rows, trajectories, the time's type and
    the coordinates' ranges."""
    import trajlm

    df = trajlm.read(path, **kw)
    cols = [c for c in ("x", "y", "lat", "lon") if c in df.columns]
    rng = " ".join(f"{c}={df[c].min():.4f}..{df[c].max():.4f}" for c in cols)
    trajs = df["traj_id"].n_unique() if "traj_id" in df.columns else "?"
    return f"rows={df.height} trajs={trajs} t:{df['t'].dtype if 't' in df.columns else '?'} {rng}"


def run_script(script: str, *args: str) -> None:
    """Run ``scripts/SCRIPT`` with ``args`` (a study's seeded generator), quietly; a failure
    stops the probe."""
    import subprocess
    import sys

    here = Path(__file__).resolve().parent
    subprocess.run([sys.executable, str(here / script), *args], check=True, capture_output=True)


def csv_made(folder: Path, name: str, df: Any, made: dict) -> Path:
    """A polars frame written as CSV at ``folder/name``, its digest kept in ``made`` (the last
    case checks that no input file changed)."""
    import hashlib

    p = folder / name
    df.write_csv(p)
    made[p] = hashlib.sha256(p.read_bytes()).hexdigest()
    return p


def probe_out(default: str) -> Path:
    """A probe's output folder: its first argument, else ``default``; emptied first."""
    import shutil
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return out


def write_file(root: Path, name: str, data: str | bytes, folder: str = "files") -> Path:
    """``data`` written at ``root/folder/name`` (a case's input file)."""
    p = root / folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return p


def files_digest(path: Path) -> str:
    """A short digest of a file, or of a folder's files' names and bytes (did a run change it?)."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted([path] if path.is_file() else path.rglob("*")):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:10]


def store_summary(store: Path) -> str:
    """A written store's points, trajectories and first ids (what an ingest case kept)."""
    import trajlm

    df = trajlm.read(store)
    ids = sorted(map(str, df["traj_id"].unique().to_list()))
    return f"n={df.height} trajs={len(ids)} ids={ids[:4]}{'...' if len(ids) > 4 else ''}"


def ingest_case(say: Cases, cli: Callable[..., Callable[[], str]], root: Path, name: str,
                inputs: list, *opts: str, summary: Callable[[Path], str] | None = None) -> None:  # fmt: skip
    """A `trajlm data ingest INPUTS --out root/stNNN OPTS` case; what it stored when it wrote
    (``summary`` of the store: store_summary unless given)."""
    out = root / f"st{say.n + 1:03d}"
    summary = summary or store_summary

    def run() -> str:
        got = cli("data", "ingest", *inputs, "--out", out, *opts)()
        return got + (" || " + summary(out) if got.startswith("exit=0") and out.exists() else "")

    say(name, run)


# --- hand classification tables (scripts/badin28/classes.py, scripts/badin29/classes.py) ---
CLASS_NAMES = {"R": "answered right", "C": "one clear line", "U": "unclear line",
               "S": "silent wrong", "T": "traceback / 500 / hang"}  # fmt: skip


def classes(first: dict[str, tuple[int, ...]], changed: dict[int, str]) -> dict[int, str]:
    """{case: "first>after"}: ``first`` letter -> cases; ``changed`` case -> after letter."""
    out = {i: k for k, cases in first.items() for i in cases}
    return {i: f"{k}>{changed.get(i, k)}" for i, k in sorted(out.items())}


def print_class_table(scripts: dict[str, dict[int, str]], sizes: dict[str, int]) -> None:
    """docs/reliability.md's first-read -> after table, one row per case script, every case
    classified once."""
    print("| script | cases | " + " | ".join(CLASS_NAMES.values()) + " |")
    print("|---|---|" + "---|" * len(CLASS_NAMES))
    tot = {k: [0, 0] for k in CLASS_NAMES}
    for name, cls in scripts.items():
        assert sorted(cls) == list(range(1, sizes[name] + 1)), name  # every case once
        row = []
        for k in CLASS_NAMES:
            a = sum(v.split(">")[0] == k for v in cls.values())
            b = sum(v.split(">")[1] == k for v in cls.values())
            tot[k][0] += a
            tot[k][1] += b
            row.append(f"{a} -> {b}")
        print(f"| {name} | {len(cls)} | " + " | ".join(row) + " |")
    n = sum(sizes.values())
    print(f"| **all** | {n} | " + " | ".join(f"**{a} -> {b}**" for a, b in tot.values()) + " |")


def print_section_table(sections: dict[str, range], cls: dict[int, str]) -> None:
    """print_class_table of one probe whose cases are numbered through its sections (one row
    per section: scripts/badin33/, scripts/badin33b/)."""
    sizes = {name: len(cases) for name, cases in sections.items()}
    parts = {name: {i - cases.start + 1: cls[i] for i in cases} for name, cases in sections.items()}
    print_class_table(parts, sizes)


def pitch_walkers(rng, t0, n_movers: int = 6, n: int = 150, dt: float = 1.0, speed: float = 3.0,
                  box=(105.0, 68.0), start=(None, None), ids: str = "P"):  # fmt: skip
    """Movers walking at ~speed m/s inside a box (metres), one fix every dt s from t0 (a UTC
    datetime), turned back at its walls (scripts/badin37/, scripts/badin38/): a polars frame
    id, time (ISO, no zone), x, y."""
    import math

    import polars as pl

    rows = []
    for k in range(n_movers):
        x = start[0] if start[0] is not None else rng.uniform(0.1, 0.9) * box[0]
        y = start[1] if start[1] is not None else rng.uniform(0.1, 0.9) * box[1]
        ang = rng.uniform(0, 2 * math.pi)
        for i in range(n):
            ang += rng.normal(0, 0.15)
            nx, ny = x + speed * dt * math.cos(ang), y + speed * dt * math.sin(ang)
            if not (0 <= nx <= box[0] and 0 <= ny <= box[1]):
                ang += math.pi
                nx, ny = x + speed * dt * math.cos(ang), y + speed * dt * math.sin(ang)
            x, y = nx, ny
            rows.append((f"{ids}{k}", t0.timestamp() + i * dt, x, y))
    df = pl.DataFrame(rows, schema=["id", "t", "x", "y"], orient="row")
    time = pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%S")
    return df.with_columns(time=time).select("id", "time", "x", "y")


def as_degrees(df, lat0: float = 41.15, lon0: float = -8.61):
    """A pitch_walkers frame's x / y metres as lat / lon degrees about (lat0, lon0)."""
    import math

    import polars as pl

    return df.select("id", "time", lat=lat0 + pl.col("y") / 111_320.0,
                     lon=lon0 + pl.col("x") / (111_320.0 * math.cos(math.radians(lat0))))  # fmt: skip
