"""tte22: the val verdict through the CLI (`trajlm eval --save-verdict`, the val-checked tte row,
--no-fallback) and the HTTP API (`engine` in /travel-time and /recover, `"fallback": false`)."""

from __future__ import annotations

import json
import os
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from serve_helpers import tiny_run  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402
from trajlm.eval.val_verdict import VERDICT_NAME  # noqa: E402
from trajlm.serve import create_app  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("tte22")]
runner = CliRunner()


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tiny_run(tmp_path_factory.mktemp("tte22cli"), n=80, seed=4)


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
