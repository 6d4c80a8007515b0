"""tte22: the val verdict through the CLI (`trajlm eval --save-verdict`, the val-checked tte row,
--no-fallback) and the HTTP API (`engine` in /travel-time and /recover, `"fallback": false`)."""

from __future__ import annotations

import json
import os
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402
import torch  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402
from trajlm.data.clean import PRESETS, clean  # noqa: E402
from trajlm.data.store import write_store  # noqa: E402
from trajlm.data.synthetic import generate_city  # noqa: E402
from trajlm.eval.val_verdict import VERDICT_NAME  # noqa: E402
from trajlm.model import ModelConfig  # noqa: E402
from trajlm.serve import create_app  # noqa: E402
from trajlm.train.trainer import TrainConfig, Trainer  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("tte22")]
MIX = {"causal": 1, "points": 1, "spans": 1, "features": 1, "od": 1, "future": 1}
runner = CliRunner()


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    torch.set_num_threads(1)
    d = tmp_path_factory.mktemp("tte22cli")
    city = generate_city(n_trajectories=80, seed=4, center_lat=41.15, center_lon=-8.61)
    df, rep = clean(city.points, PRESETS["default"])
    write_store(df, d / "store", report=rep)
    cfg = TrainConfig(batch_size=4, max_len=32, shuffle_buffer=8, lr=3e-3, warmup_steps=3,
                      max_steps=20, eval_every=10, select_on="val_loss", log_every=5,
                      progress=False, cpu_threads=1, objectives=MIX)  # fmt: skip
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, pos_type="rope_time")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Trainer(d / "store", d / "run", mc, cfg).fit()
    return d


def test_eval_saves_the_verdict_and_scores_a_val_checked_row(work):
    out = work / "tte.json"
    r = runner.invoke(app, ["eval", "--task", "tte", "--data", str(work / "store"), "--model",
                            str(work / "run"), "--save-verdict", "--out", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    doc = json.loads((work / "run" / "best" / VERDICT_NAME).read_text())
    engine = doc["travel_time"]["engine"]
    assert f"travel time: {engine} answers" in r.output and "wrote" in r.output
    names = [row["method"] for row in json.loads(out.read_text())["results"]]
    assert f"trajlm:run (val-checked: {engine})" in names and "trajlm:run" in names
    r = runner.invoke(app, ["eval", "--task", "tte", "--data", str(work / "store"), "--model",
                            str(work / "run"), "--no-fallback"])  # fmt: skip
    assert r.exit_code == 0 and "val-checked" not in r.output, r.output


def test_save_verdict_refuses_what_it_cannot_save_in_one_line(work):
    r = runner.invoke(app, ["eval", "--task", "predict", "--data", str(work / "store"),
                            "--model", str(work / "run"), "--save-verdict"])  # fmt: skip
    assert r.exit_code != 0 and "--save-verdict" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["eval", "--task", "recover", "--data", str(work / "store"),
                            "--model", "trajlm-small", "--save-verdict"])  # fmt: skip
    assert r.exit_code != 0 and "copy it first" in r.output and "Traceback" not in r.output


def test_http_says_which_engine_answered_and_opts_out(work):
    runner.invoke(app, ["eval", "--task", "tte", "--data", str(work / "store"), "--model",
                        str(work / "run"), "--save-verdict"])  # fmt: skip
    engine = json.loads((work / "run" / "best" / VERDICT_NAME).read_text())["travel_time"]
    model = trajlm.TrajLM.from_pretrained(work / "run", threads=1)
    body = {"origins": [[41.15, -8.61], [41.16, -8.60]],
            "destinations": [[41.16, -8.62], [41.14, -8.59]], "depart": 1_700_000_000}  # fmt: skip
    with TestClient(create_app(model)) as c:
        r = c.post("/travel-time", json=body)
        assert r.status_code == 200 and r.json()["engine"] == engine["engine"], r.text
        r = c.post("/travel-time", json=body | {"fallback": False})
        assert r.status_code == 200 and r.json()["engine"] == "model", r.text
        pts = [{"traj_id": "a", "t": 1_700_000_000 + 30 * i, "lat": None if i == 2 else
                41.15 + 0.001 * i, "lon": -8.61 + 0.001 * i} for i in range(5)]  # fmt: skip
        r = c.post("/recover", json={"trajectories": pts})
        assert r.status_code == 200 and r.json()["engine"] in ("model", "akima", "pchip",
                                                               "linear"), r.text  # fmt: skip
        r = c.post("/recover", json={"trajectories": pts, "fallback": False})
        assert r.status_code == 200 and r.json()["engine"] == "model", r.text
