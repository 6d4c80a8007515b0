"""The ingest case runner the reader studies share (scripts/badin27/readers.py,
scripts/readers28/cases.py): each case writes its file, reads it with `trajlm data ingest FILE
--out STORE` and prints one line `NN name | exit=CODE <what the store holds> [EXC ...] :: <the
lines of the output that hold one of the study's words>`; `rows()` is their seeded fixes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.store import read_store


class IngestCases:
    """``ingest = IngestCases(out, words, width=3, said=420)`` starts ``out`` empty;
    ``ingest(name, data, ext, opts, got)`` numbers and prints one case, ``got(store, first)``
    (the store sorted by traj_id, t; its first fix) saying what the store holds."""

    def __init__(self, out: Path, words: tuple[str, ...], *, width: int, said: int) -> None:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        self.out, self.words, self.width, self.said = out, words, width, said
        self.n = 0

    def __call__(self, name: str, data: str | bytes, ext: str, opts: tuple[str, ...],
                 got: Callable[[pl.DataFrame, list], str]) -> None:  # fmt: skip
        self.n += 1
        case = f"{self.n:0{self.width}d}"
        src = self.out / f"{case}.{ext}"
        src.write_bytes(data if isinstance(data, bytes) else data.encode())
        out = self.out / f"{case}_store"
        res = CliRunner().invoke(app, ["data", "ingest", str(src), "--out", str(out), *opts])
        lines = [ln.strip() for ln in res.output.splitlines() if ln.strip()]
        said = " / ".join(ln for ln in lines if any(w in ln for w in self.words))[: self.said]
        held = ""
        if res.exit_code == 0 and out.exists():
            df = read_store(out).sort("traj_id", "t")
            held = got(df, df.head(1).select("traj_id", "t", "lat", "lon").rows())
        exc = ("" if res.exception is None or isinstance(res.exception, SystemExit)
               else f" EXC {type(res.exception).__name__}: {str(res.exception)[:200]}")  # fmt: skip
        print(f"{case} {name} | exit={res.exit_code}{held}{exc} :: {said}", flush=True)


def rows(n: int = 12, lat0: float = 35.68, lon0: float = 139.76, dt: int = 10):
    """``n`` fixes (local time text, lat, lon) every ``dt`` s from 10:00 on 2026-03-01."""
    return [(f"2026-03-01 10:{(k * dt) // 60:02d}:{(k * dt) % 60:02d}", lat0 + 1e-4 * k, lon0 + 1e-4 * k)
            for k in range(n)]  # fmt: skip
