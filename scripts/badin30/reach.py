"""badin30: hostile calls past a kNN verdict engine's 5 steps (leftover30: the engine answers up
to its steps, the reaching engine of lowest val error the rest; eval/verdict_reach.py) and a
hand-edited val_verdict.json, on tests/test_pverdict24.py's circles run. Prints `NNN name |
status | summary`; classified by hand (scripts/badin30/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin30/reach.py [OUT_DIR]   (default /tmp/badin30/reach)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]
from badin_cases import Cases  # noqa: E402
from test_pverdict24 import _hist, judged  # noqa: E402

import trajlm  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin30/reach")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)


class _Factory:  # pytest's tmp_path_factory, enough for the fixture
    def mktemp(self, name: str) -> Path:
        p = OUT / name
        p.mkdir()
        return p


def _line(got):
    if isinstance(got, pl.DataFrame):
        eng = (
            got.group_by("engine", maintain_order=True).len().rows()
            if "engine" in got.columns
            else None
        )
        return f"rows={got.height} engines={eng} nan_lat={got['lat'].is_nan().sum()}"
    return got


say = Cases(got=300, warn=260, warn_total=520, describe=_line, flush=True)
j = judged.__wrapped__(_Factory())
run = j["run"]
lm = trajlm.TrajLM.from_pretrained(run, threads=1)
h = _hist()
last = h.group_by("traj_id").agg(pl.col("t").max())["t"].max()
say("steps=6 (one past)", lambda: lm.predict(h, steps=6))
say("steps=62 (the model's most)", lambda: lm.predict(h, steps=62))
say("steps=8, fallback=False", lambda: lm.predict(h, steps=8, fallback=False))
say("steps=8, radii=(50, 90)", lambda: lm.predict(h, steps=8, radii=(50, 90)))
say("steps=8, latest=True", lambda: lm.predict(h, steps=8, latest=True))
say("seconds_ahead=[10, 1e6]", lambda: lm.predict(h, seconds_ahead=[10, 1e6]))
say("seconds_ahead=[80, 30] unsorted", lambda: lm.predict(h, seconds_ahead=[80, 30]))
say("at_times one before the end, one past reach", lambda: lm.predict(h, at_times=[last - 5, last + 200]))  # fmt: skip
say("a 1-fix history, steps=8", lambda: lm.predict(h.filter(pl.col("t") == pl.col("t").min().over("traj_id")), steps=8))  # fmt: skip


def edited(name: str, edit) -> object:
    d = OUT / name
    shutil.copytree(run, d)
    doc = json.loads((d / "val_verdict.json").read_text())
    edit(doc["predict"])
    (d / "val_verdict.json").write_text(json.dumps(doc))
    return lambda: trajlm.TrajLM.from_pretrained(d, threads=1).predict(h, steps=8)


say("verdict: knn.horizon 'five'", edited("h_text", lambda v: v["knn"].update(horizon="five")))
say("verdict: knn.horizon 0", edited("h_zero", lambda v: v["knn"].update(horizon=0)))
say("verdict: knn.horizon 100", edited("h_big", lambda v: v["knn"].update(horizon=100)))
say("verdict: knn a list", edited("knn_list", lambda v: v.update(knn=[1, 2])))
say("verdict: val_ade_m NaN for every reaching engine", edited("ade_nan", lambda v: v.update(val_ade_m={k: (float("nan") if k != v["engine"] else x) for k, x in v["val_ade_m"].items()})))  # fmt: skip
say("verdict: val_ade_m only the engine", edited("ade_one", lambda v: v.update(val_ade_m={v["engine"]: 2.0})))  # fmt: skip
say("verdict: val_ade_m missing", edited("ade_none", lambda v: v.pop("val_ade_m")))
say("verdict: val_ade_m a list", edited("ade_list", lambda v: v.update(val_ade_m=[1, 2])))
say("verdict: engine 'magic'", edited("eng", lambda v: v.update(engine="magic")))
