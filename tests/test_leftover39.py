"""Session 39 (leftover39): newuser38's and the readers' leftovers (docs/status.md's open items
3 and 4 of session 38). docs/reliability.md "Session 39 (leftover39)"."""

from __future__ import annotations

import json
import warnings

import pytest
from reliability_helpers import TINY, invoke, said
from test_newuser38 import COLS, city  # noqa: F401  (the fixture: a frame and a tiny run)

import trajlm
from trajlm.errors import VerdictNoteWarning

# -- 1. TrajLM.fit(mode="lora" | "selective"): the val check `trajlm finetune` runs ----------


def test_fit_lora_gets_the_val_check_and_verdict(city):  # noqa: F811
    """On main (a28c0e89) `fit(mode="lora")` saved no verdict and warned "no val check beside
    kNN ... was made": the network answered predict unchecked. Now the prediction verdict and
    the recover verdict are made on val and saved with the merged weights."""
    d, df = city["dir"], city["df"]
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        ft = trajlm.TrajLM.fit(df, d / "lora39", init_from=d / "pre", mode="selective",
                               max_steps=2, seed=0, threads=1, **COLS)  # fmt: skip
    lines = [str(w.message) for w in got]
    assert not [s for s in lines if "no val check" in s], lines
    assert [w for w in got if w.category is VerdictNoteWarning and "predict: " in str(w.message)]
    verdict = json.loads((d / "lora39" / "merged" / "val_verdict.json").read_text())
    assert verdict["store"] == "<frame>" and "predict" in verdict and "recover" in verdict
    assert len(ft.predict(df, steps=2, **COLS)) == 2 * df.ride.nunique()


def test_fit_lora_val_check_false_saves_no_verdict(city, tmp_path):  # noqa: F811
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trajlm.TrajLM.fit(city["df"], tmp_path / "l", init_from=city["dir"] / "pre", mode="lora",
                          lora_r=2, max_steps=1, seed=0, threads=1, val_check=False, **COLS)  # fmt: skip
    assert not (tmp_path / "l" / "merged" / "val_verdict.json").exists()


# -- 2. "kept its starting weights": the CLI says it too --------------------------------------


def test_cli_train_from_init_says_it_kept_step_0(city, tmp_path):  # noqa: F811
    """`trajlm train` with `[train] init_from` kept step 0 and said it only in the table's
    best_weights row; now one warning line, in the CLI's words."""
    from trajlm.api_fit import frame_store

    d = city["dir"]
    frame_store(city["df"], tmp_path / "s", COLS)
    cfg = TINY.replace("eval_every = 0", f'eval_every = 1\nlr = 3.0\ninit_from = "{d / "pre"}"')
    (tmp_path / "lr3.toml").write_text(cfg)
    r = invoke("train", "--data", tmp_path / "s", "--out", tmp_path / "run", "--config",
               tmp_path / "lr3.toml", "--max-steps", 2, "--threads", 1)  # fmt: skip
    assert r.exit_code == 0, r.output
    text = said(r)
    assert text.count("warning: the fine-tune kept its starting weights") == 1, text
    assert "--max-steps" in text.split("kept its starting weights")[1]


def test_cli_finetune_says_it_kept_step_0(city, tmp_path, monkeypatch):  # noqa: F811
    """`trajlm finetune --task predict` put "the start weights were kept" in its table's note
    only; now one warning line as well."""
    import trajlm.finetune.trainer as ft
    from trajlm.api_fit import frame_store

    frame_store(city["df"], tmp_path / "s", COLS)
    summary = {"mode": "lora", "steps": 5, "best_step": 0, "kept": "step 0: the lowest val_loss"}
    monkeypatch.setattr(ft, "finetune_next_point", lambda *a, **k: dict(summary))
    r = invoke("finetune", "--model", city["dir"] / "pre", "--data", tmp_path / "s", "--out",
               tmp_path / "ft", "--mode", "lora", "--steps", 5, "--no-val-check")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "warning: the fine-tune kept its starting weights" in text and "--steps" in text
    summary["best_step"] = 5
    r = invoke("finetune", "--model", city["dir"] / "pre", "--data", tmp_path / "s", "--out",
               tmp_path / "ft2", "--mode", "lora", "--steps", 5, "--no-val-check")  # fmt: skip
    assert "kept its starting weights" not in said(r)


# -- 3. trajlm.clean: steps faster than 340 m/s counted and said, as ingest says them --------


def _rides_with_a_jump():  # noqa: ANN202
    import pandas as pd

    rows = []
    for ride in ("r1", "r2"):
        for i in range(12):
            lat = -54.80 + i * 1e-4 + (0.018 if (ride == "r1" and i == 6) else 0.0)  # 2 km off
            rows.append({"ride": ride, "recorded_at": 1_790_000_000 + 5 * i, "lat_deg": lat,
                         "lon_deg": -68.30 + i * 1e-4})  # fmt: skip
    return pd.DataFrame(rows)


def test_clean_says_the_2_km_jumps_it_keeps():
    """On main `trajlm.clean` kept a 2-km jump (400 m/s in and out) without a word, where
    `trajlm data ingest` says "N steps faster than 340 m/s ... --max-speed-mps"."""
    df = _rides_with_a_jump()
    with pytest.warns(UserWarning, match=r"^2 step\(s\) .* faster than 340 m/s .*kept.*"
                      r"max_speed_mps=340\) drops them"):  # fmt: skip
        out, report = trajlm.clean(df, return_report=True, **COLS)
    assert len(out) == len(df)  # kept, as ingest keeps them
    assert report.impossible_speed["steps"] == 2 and report.impossible_speed["max_mps"] > 340
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the rule that drops them: nothing to say
        out, report = trajlm.clean(df, return_report=True, max_speed_mps=340, **COLS)
    assert len(out) == len(df) - 1 and report.impossible_speed is None
    smooth = df[df.ride == "r2"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trajlm.clean(smooth, return_report=True, **COLS)
