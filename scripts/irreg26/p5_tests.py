"""The "p5" thinning rule (not shipped) against the asked-time tests: runs pytest with
``TrajLM._history`` patched to thin below min(THIN_BELOW x the training median, the training
p5), as scripts/irreg26/thin_rules.py's "p5". With trajlm-small (p5 3 s) a 6 s AIS feed is then
not thinned and tests/test_maritime15.py::test_six_second_transit_ten_minutes_ahead fails.

    PYTHONPATH=$PWD:$PWD/tests python scripts/irreg26/p5_tests.py tests/test_maritime15.py
Prints pytest's output only."""

import sys

import pytest

from trajlm import api_rollout
from trajlm.api import TrajLM


def p5_history(self, df):
    cov = (self.model.config.coverage or {}).get("dt_s") or {}
    step = float(cov.get("p50") or 0.0)
    below = min(api_rollout.THIN_BELOW * step, float(cov.get("p5") or step))
    return api_rollout.thin_history(df, step, below)


TrajLM._history = p5_history
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]]))
