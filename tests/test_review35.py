"""Session 35 (review35): review34's found-not-fixed list. Each test fails on the tree before
its change (docs/testing.md "Session 35 (review35)"); `trajlm divert` loading no torch is in
tests/test_lazy_imports.py."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

T0 = pd.Timestamp("2026-12-07 09:00", tz="UTC")


def _standing_vans() -> pd.DataFrame:
    return pd.DataFrame([{"van_id": v, "timestamp": T0 + pd.Timedelta(seconds=15 * i),
                          "lat": 45.76 + 0.01 * k, "lon": 4.84}
                         for k, v in enumerate("AB") for i in range(10)])  # fmt: skip


def test_parked_before_every_fix_is_a_typed_error_with_the_first_fix():
    """The CLI cut the first fix's time out of the message's text (cli_dispatch parsed "no fix
    at or before"): the error now carries it, and is still a TrajlmInputError naming ``at``."""
    import trajlm
    from trajlm.data.parked import BeforeEveryFix
    from trajlm.errors import TrajlmInputError

    with pytest.raises(BeforeEveryFix) as got:
        trajlm.parked(_standing_vans(), at="2020-01-01T00:00:00Z")
    assert isinstance(got.value, TrajlmInputError) and got.value.field == "at"
    assert got.value.first.startswith("2026-12-07T09:00:00")
    assert str(got.value).startswith("field at: trajlm.parked: no fix at or before")


def test_cli_parked_says_an_early_at_as_its_own_fault(tmp_path: Path):
    from helpers import invoke_cli

    _standing_vans().to_csv(tmp_path / "live.csv", index=False)
    r = invoke_cli(["parked", "--input", tmp_path / "live.csv", "--at", "2020-01-01T00:00:00Z",
                    "--out", tmp_path / "p.csv"])  # fmt: skip
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "--at 2020-01-01T00:00:00Z: before every fix of --input" in r.output
    assert "(its first: 2026-12-07T09:00:00" in r.output


def test_a_corpus_runs_note_branches_on_the_saved_key_not_its_wording(tmp_path: Path):
    """api_knn_note looked for "pretraining corpus" in the saved reason; the summary now says
    it as a key (cli_train_check writes both), so a reworded reason keeps the way on."""
    from trajlm.api_knn_note import CORPUS_KEY, CORPUS_UNCHECKED, knn_note

    run = tmp_path / "run"
    run.mkdir()
    summary = run / "train_summary.json"
    summary.write_text(json.dumps({"val_check_skipped": "no val check here", CORPUS_KEY: True}))
    assert "trajlm finetune --model" in knn_note(SimpleNamespace(path=run))
    summary.write_text(json.dumps({"val_check_skipped": CORPUS_UNCHECKED}))  # saved before
    assert "trajlm finetune --model" in knn_note(SimpleNamespace(path=run))
    summary.write_text(json.dumps({"val_check_skipped": "only 2 trip(s) in val"}))
    assert "trajlm finetune" not in knn_note(SimpleNamespace(path=run))


def test_one_gap_rule_and_one_number_test():
    """api_checks.split was _arguments.with_gap_rule written again; cli_dispatch's and
    api_reach's _is_number were one function twice."""
    from trajlm import _arguments, api_checks, api_targets, cli_dispatch

    assert not hasattr(api_checks, "split")
    assert api_checks.COLUMN_KEYWORDS is _arguments.COLUMN_KEYWORDS
    assert cli_dispatch.is_number is api_targets.is_number is _arguments.is_number
    assert _arguments.is_number("1.5") and not _arguments.is_number("x")
    assert not _arguments.is_number(None)


def test_score_names_its_store_keyword_not_evals_option(tmp_path: Path):
    """trajlm.score said "--data /x: no such file or folder" to a Python caller (review34's
    byo34 finding; queries() already said "store")."""
    import trajlm
    from trajlm.errors import TrajlmInputError

    answers = pd.DataFrame({"query_id": ["a"], "k": [1], "lat": [41.0], "lon": [-8.0]})
    for store in (tmp_path / "missing", tmp_path):
        with pytest.raises(TrajlmInputError) as got:
            trajlm.score(store, answers)
        assert str(got.value).startswith(f"store {store}: ") and "--data" not in str(got.value)
