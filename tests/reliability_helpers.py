"""Shared set-up of the tests/test_reliability_*.py suites: a tiny store, a tiny trained run,
and `fails`, which asserts what every user error must do (exit 2, one line naming the problem,
no traceback, no pre-existing file changed)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from typer.testing import CliRunner

from trajlm.cli import app

runner = CliRunner()

TINY = """
[model]
d_model = 16
n_layers = 1
n_heads = 2
max_len = 24
[train]
batch_size = 4
max_len = 16
shuffle_buffer = 8
warmup_steps = 1
eval_every = 0
save_every = 2
log_every = 1
max_steps = 3
progress = false
"""
GOOD_CSV = "traj_id,t,lat,lon\na,1709658392,45.07,7.68\na,1709658402,45.071,7.681\n"


def snapshot(*roots: Path) -> dict[str, str]:
    """sha256 of every file under `roots` (relative path -> digest)."""
    out = {}
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for f in files:
            out[str(f)] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def said(result) -> str:
    """The command's output with line wrapping (and rich's box borders) undone."""
    return " ".join(result.output.replace("│", " ").split())


def invoke(*args) -> object:
    return runner.invoke(app, [str(a) for a in args])


def fails(*args, names: tuple[str, ...] = (), protect: tuple[Path, ...] = ()) -> str:
    """Run `trajlm ARGS`; assert a user error: status 2, every string of `names` in the
    message, no traceback, and every file under `protect` byte-identical afterwards."""
    before = snapshot(*protect)
    r = invoke(*args)
    text = said(r)
    assert r.exit_code == 2, f"exit {r.exit_code}: {r.output}\n{r.exception!r}"
    assert "Traceback" not in r.output, r.output
    for name in names:
        assert name in text, f"{name!r} not in: {text}"
    after = snapshot(*protect)
    assert {k: after.get(k) for k in before} == before, "a pre-existing file changed"
    return text


def copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def two_city_corpus(d: Path, n_trajectories: int = 30, val_trips: int = 3) -> Path:
    """d/corpus: a corpus of two synthetic cities (sources c0, c1)."""
    from trajlm.data.corpus import build_corpus, load_corpus_spec

    city = (f"city = {{{{ n_trajectories = {n_trajectories}, seed = {{s}}, "
            'start_date = "2024-03-04", n_days = 2 }}')  # fmt: skip
    (d / "spec.toml").write_text(
        f'[corpus]\nname = "two"\nval_trips_per_source = {val_trips}\n'
        + "".join(
            f'[[source]]\nname = "c{s}"\nformat = "synthetic"\n{city.format(s=s)}\n' for s in (0, 1)
        )  # fmt: skip
    )
    build_corpus(load_corpus_spec(d / "spec.toml"), d / "corpus", log=lambda _: None)
    return d / "corpus"


PORTO_T0 = 1_710_750_600  # 2024-03-18T08:30:00Z


def two_porto_trips():
    """Two trips x 8 fixes 15 s apart in Porto, as a pandas frame with a user's column names."""
    import pandas as pd

    t = pd.to_datetime([PORTO_T0 + 15 * i for i in range(8)] * 2, unit="s", utc=True)
    return pd.DataFrame({
        "trip_id": ["T0"] * 8 + ["T1"] * 8,
        "timestamp": t,
        "latitude": [41.15 + 0.0002 * i for i in range(8)] * 2,
        "longitude": [-8.61 + 0.0001 * i for i in range(8)] * 2,
    })  # fmt: skip
