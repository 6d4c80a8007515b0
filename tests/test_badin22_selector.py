"""badin22: a selector folder whose saved val verdict was edited by hand (an engine that does
not exist, a number, a list) answered with the network under the bogus engine's name, or was an
AttributeError traceback; now one line naming config.json and the field."""

from __future__ import annotations

import json
import shutil

import pytest
from test_selector_predictor import TINY

from trajlm.data.ingest import synth_store
from trajlm.data.store import read_store
from trajlm.errors import TrajlmInputError
from trajlm.eval.candidate_selector import SelectorConfig
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import CandidateSelectorPredictor

pytestmark = pytest.mark.xdist_group("select22")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("badin22sel")
    synth_store(root / "s", n_trajectories=60, seed=1)
    parts = split_tables(read_store(root / "s"))
    sel = CandidateSelectorPredictor(**TINY, selector=SelectorConfig(max_epochs=2))
    sel.fit(parts["train"], parts["val"], seed=0)
    sel.save(root / "sel")
    return root / "sel"


@pytest.mark.parametrize(
    "edit, says",
    [
        (lambda v: {**v, "engine": "oracle"}, "verdict.engine"),
        (lambda v: {**v, "engine": 1}, "verdict.engine"),
        (lambda v: "knn", "verdict: expected an object"),
        (lambda v: [1], "verdict: expected an object"),
        (lambda v: {**v, "val_mae_m": {"knn": 1.0}}, "verdict.val_mae_m"),
    ],
)
def test_a_hand_edited_verdict_is_one_line(folder, tmp_path, edit, says):
    d = tmp_path / "sel"
    shutil.copytree(folder, d)
    cfg = json.loads((d / "config.json").read_text())
    cfg["verdict"] = edit(cfg["verdict"])
    (d / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(TrajlmInputError, match="config.json") as e:
        CandidateSelectorPredictor.load(d)
    assert says in str(e.value) and "\n" not in str(e.value)


def test_the_fitted_verdict_and_an_opt_out_still_load(folder, tmp_path):
    assert CandidateSelectorPredictor.load(folder).engine_ in ("selector", "knn", "place_knn")
    d = tmp_path / "out"
    shutil.copytree(folder, d)
    cfg = json.loads((d / "config.json").read_text())
    cfg["verdict"] = {"engine": "selector", "rule": "opted out"}
    (d / "config.json").write_text(json.dumps(cfg))
    assert CandidateSelectorPredictor.load(d).engine_ == "selector"
