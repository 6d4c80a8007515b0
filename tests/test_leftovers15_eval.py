"""leftovers15 item 6: `trajlm eval --task classify` / `--task similarity` rows carry a paired
bootstrap 95 % CI of (row - strongest baseline) on accuracy / top-1, in percentage points, as the
recover / tte rows carry their ratios since session 14."""

from __future__ import annotations

import numpy as np

from trajlm.data.synthetic import generate_city
from trajlm.eval.classify import CLASS_MAP, run_classify_eval
from trajlm.eval.report import EvalResult, add_differences
from trajlm.eval.similarity import run_similarity_eval, top1_hits


def _row(method: str, hits: list[float]) -> dict:
    return {"setting": "s", "method": method, "metrics": {"accuracy_pct": 100 * np.mean(hits)},
            "std": None, "n_trajectories": len(hits), "n_points": 0, "fit_s": 0.0,
            "predict_s": 0.0, "_per_item": np.asarray(hits, float)}  # fmt: skip


def test_difference_and_interval_against_the_strongest_baseline():
    rng = np.random.default_rng(0)
    weak, strong = rng.random(400) < 0.3, rng.random(400) < 0.6
    model = strong | (rng.random(400) < 0.5)  # better than the strong baseline
    res = EvalResult("classify", [_row("weak", weak), _row("strong", strong),
                                  _row("model", model)])  # fmt: skip
    add_differences(res, "accuracy_pct", {"weak", "strong"})
    got = res.rows[2]["diff_to_best_baseline"]
    assert got["baseline"] == "strong" and got["n"] == 400
    assert np.isclose(got["diff"], 100 * (model.mean() - strong.mean()))
    lo, hi = got["ci95"]
    assert 0 < lo < got["diff"] < hi
    assert res.rows[1]["diff_to_best_baseline"]["diff"] == 0.0
    md = res.to_markdown()
    assert "accuracy - best baseline, pp (95 % CI)" in md and f"{got['diff']:+.1f} (" in md
    assert "_per_item" not in res.to_json() and "diff_to_best_baseline" in res.to_json()


def test_top1_hits_match_ranking_metrics():
    d = np.array([[0.0, 1.0, 2.0], [0.5, 1.0, 3.0], [1.0, 1.0, 1.0]])
    assert top1_hits(d).tolist() == [1.0, 0.0, 1.0]


def test_similarity_eval_rows_have_the_interval():
    res = run_similarity_eval(generate_city(n_trajectories=120, seed=0).points, verbose=False)
    for r in res.rows:
        got = r["diff_to_best_baseline"]
        assert got["metric"] == "top1_pct" and got["ci95"][0] <= got["diff"] <= got["ci95"][1]
    best = max(r["metrics"]["top1_pct"] for r in res.rows)
    assert any(r["diff_to_best_baseline"]["diff"] == 0 for r in res.rows
               if r["metrics"]["top1_pct"] == best)  # fmt: skip
    assert "top-1 - best baseline" in res.to_markdown()


def test_classify_eval_rows_have_the_interval():
    df = generate_city(n_trajectories=80, seed=3).points
    res = run_classify_eval(df, seeds=(0,), class_map={**CLASS_MAP, "walk": "walk"},
                            verbose=False)  # fmt: skip
    for r in res.rows:
        got = r["diff_to_best_baseline"]
        acc = r["metrics"]["accuracy_pct"]
        best = res.metric(got["baseline"], "accuracy_pct")
        assert np.isclose(got["diff"], acc - best) and got["ci95"][0] <= got["diff"]
