"""`trajlm eval --task predict` on a corpus of 2+ sources adds per-source rows (newuser3 F22):
the pooled rows' per-trajectory errors regrouped by source, with ratios to that source's own
baselines, in the printed table and the JSON (``by_source``). docs/reliability.md "Session 13".
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from reliability_helpers import TINY, invoke, said, two_city_corpus

from trajlm.data.ingest import synth_store


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """base/corpus: two synthetic cities (c0, c1); base/run: a 3-step tiny model on it."""
    d = tmp_path_factory.mktemp("bysource")
    two_city_corpus(d, n_trajectories=40, val_trips=5)
    (d / "tiny.toml").write_text(TINY)
    r = invoke("train", "--data", d / "corpus", "--out", d / "run", "--config", d / "tiny.toml")
    assert r.exit_code == 0, r.output
    return d


def test_eval_on_a_two_source_corpus_reports_each_source(base, tmp_path):
    out = tmp_path / "e.json"
    r = invoke("eval", "--task", "predict", "--data", base / "corpus", "--model", base / "run",
               "--threads", "1", "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    pooled = {row["method"]: row for row in doc["results"] if row["setting"] == "k=5"}
    rows = doc["by_source"]
    assert {row["source"] for row in rows} == {"c0", "c1"}
    assert {row["method"] for row in rows} == set(pooled) and "trajlm:run" in pooled
    for method, p in pooled.items():
        mine = [row for row in rows if row["method"] == method]
        n = np.array([row["n_trajectories"] for row in mine])
        assert n.sum() == p["n_trajectories"] and (n > 0).all()
        mae = np.array([row["mae_m"] for row in mine])
        assert np.isclose((mae * n).sum() / n.sum(), p["metrics"]["mae_m"])  # regrouped, not new
    for source in ("c0", "c1"):  # each source's own reference rows
        mine = {row["method"]: row for row in rows if row["source"] == source}
        assert mine["constant velocity"]["ratio_to_cv"]["ratio"] == 1.0
        best = min(doc["baselines"], key=lambda m: mine[m]["mae_m"])
        assert {row["ratio_to_best_baseline"]["baseline"] for row in mine.values()} == {best}
        ratio = mine["trajlm:run"]["ratio_to_cv"]
        assert np.isclose(
            ratio["ratio"], mine["trajlm:run"]["mae_m"] / mine["constant velocity"]["mae_m"]
        )
        assert ratio["ci95"][0] <= ratio["ratio"] <= ratio["ci95"][1]
    text = said(r)
    assert "By source" in text and "| k=5 | c1 | trajlm:run |" in r.output
    assert "By source" in out.with_suffix(".md").read_text()


def test_a_single_store_has_no_source_rows(tmp_path):
    synth_store(tmp_path / "s", n_trajectories=40, seed=3, overwrite=False)
    out = tmp_path / "e.json"
    r = invoke("eval", "--task", "predict", "--data", tmp_path / "s", "--threads", "1",
               "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "by_source" not in json.loads(out.read_text()) and "By source" not in r.output
