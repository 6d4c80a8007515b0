"""The Python examples of the docs run as a user pastes them (session 16, docscheck).

tests/test_api.py runs README's quick start and docs/api.md; this file runs the ```python
blocks of the other task pages (finetune, generalization, reasoning, llm, roads, data) on a
synthetic city, in a folder laid out as the examples expect (stores/porto, stores/city,
runs/porto, runs/geolife, runs/city: one tiny run copied under each name). A block that needs
real data, a file the user brings or a long run says so in its fence: ```python no-run: <why>.
The names the prose defines and the blocks use (`df`: a trip table traj_id, t, lat, lon, label;
`graph`: a trajlm.roads.RoadGraph) are given; nothing else is. Training budgets in a block are
shrunk (SHRINK) so the whole file runs in well under a minute.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
# every doc with ```python blocks that a user is told to paste (README's and api.md's are run
# by tests/test_api.py; listed here for the fence-convention check only)
DOCS = ("README.md", "docs/api.md", "docs/finetune.md", "docs/generalization.md",
        "docs/reasoning.md", "docs/llm.md", "docs/roads.md", "docs/data.md")  # fmt: skip
RUN_HERE = DOCS[2:]
SHRINK = {"max_steps=300": "max_steps=2"}  # the examples' budgets -> a smoke-test budget
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.S | re.M)


def fences(path: Path) -> list[tuple[int, str, str]]:
    """(line, info string, body) of every fenced block of a Markdown file."""
    text = path.read_text()
    return [(text[: m.start()].count("\n") + 1, m.group(1).strip(), m.group(2))
            for m in FENCE.finditer(text)]  # fmt: skip


def python_blocks(path: Path) -> list[tuple[int, str, str]]:
    return [b for b in fences(path) if re.match(r"(python|py)\b", b[1])]


def runnable(info: str) -> bool:
    return info == "python"


@pytest.mark.parametrize("doc", DOCS)
def test_every_python_block_runs_or_says_why_not(doc):
    """A block is ```python (run by a test) or ```python no-run: <reason> (never a bare ```py,
    never no-run without the reason the reader needs to adapt it)."""
    bad = [f"{doc}:{line} ```{info}" for line, info, _ in python_blocks(ROOT / doc)
           if not (info == "python" or re.match(r"python no-run: \S", info))]  # fmt: skip
    assert not bad, f"mark these ```python or ```python no-run: <why>: {bad}"


@pytest.mark.parametrize("doc", DOCS)
def test_runnable_blocks_are_python(doc):
    """What is marked runnable at least compiles (a `... train ...` pseudo-line does not)."""
    for line, info, body in python_blocks(ROOT / doc):
        if runnable(info):
            compile(body, f"{doc}:{line}", "exec")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> tuple[Path, dict]:
    from trajlm.data.clean import PRESETS, clean
    from trajlm.data.store import write_store
    from trajlm.data.synthetic import generate_city
    from trajlm.model import ModelConfig
    from trajlm.roads import from_synthetic
    from trajlm.train.trainer import TrainConfig, Trainer

    torch.set_num_threads(1)
    d = tmp_path_factory.mktemp("docs")
    city = generate_city(n_trajectories=60, seed=1)
    df, rep = clean(city.points, PRESETS["default"])
    write_store(df, d / "stores" / "porto", report=rep)
    shutil.copytree(d / "stores" / "porto", d / "stores" / "city")
    cfg = TrainConfig(batch_size=4, max_len=32, shuffle_buffer=8, lr=3e-3, warmup_steps=3,
                      max_steps=10, eval_every=5, select_on="val_loss", log_every=5,
                      progress=False, cpu_threads=1)  # fmt: skip
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, pos_type="rope_time")
    Trainer(d / "stores" / "porto", d / "runs" / "porto", mc, cfg).fit()
    for name in ("geolife", "city"):
        shutil.copytree(d / "runs" / "porto", d / "runs" / name)
    given = {"df": df.select("traj_id", "t", "lat", "lon", "label"),
             "graph": from_synthetic(city.roads, city.projection)}  # fmt: skip
    return d, given


@pytest.mark.parametrize("doc", RUN_HERE)
def test_doc_python_blocks_run(doc, workdir, monkeypatch):
    d, given = workdir
    monkeypatch.chdir(d)
    blocks = [(line, body) for line, info, body in python_blocks(ROOT / doc) if runnable(info)]
    for line, body in blocks:
        for old, new in SHRINK.items():
            body = body.replace(old, new)
        ns = dict(given)
        try:
            exec(compile(body, f"{doc}:{line}", "exec"), ns)  # noqa: S102 - the docs' own code
        except Exception as e:  # name the block: the traceback's frame is the doc line
            raise AssertionError(f"{doc}:{line} failed: {type(e).__name__}: {e}") from e
