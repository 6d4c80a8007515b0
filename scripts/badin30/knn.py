"""badin30: hostile val errors through knn30's one tuning rule (trajlm/eval/tuning_rule.py
`choose` and the phrase eval prints): one window, zero errors (a standing vehicle), NaN / inf
errors, ties, a grid without the default, the guarded rule. Prints `NNN name | status | the
kept key and eval's phrase`; classified by hand (scripts/badin30/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin30/knn.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402

from trajlm.eval.tuning_rule import choose  # noqa: E402

say = Cases(got=360, describe=lambda c: f"kept={c.key} | {c.words()} | {c.to_dict()}")
A = np.array
say("one val window", lambda: choose({"d": A([10.0]), "k": A([5.0])}, "d"))
say("one val window, guarded", lambda: choose({"d": A([10.0]), "k": A([5.0])}, "d", rule="guarded"))
say("default errors all 0 (standing)", lambda: choose({"d": A([0.0, 0.0, 0.0]), "k": A([0.0, 0.0, 0.0])}, "d"))  # fmt: skip
say("default 0, tuned 0 but listed first", lambda: choose({"k": A([0.0, 0.0]), "d": A([0.0, 0.0])}, "d"))  # fmt: skip
say("default all 0, tuned > 0", lambda: choose({"d": A([0.0, 0.0, 0.0]), "k": A([1.0, 2.0, 3.0])}, "d"))  # fmt: skip
say("tuned 0, default > 0 (ratio 0)", lambda: choose({"d": A([1.0, 2.0, 3.0, 4.0]), "k": A([0.0, 0.0, 0.0, 0.0])}, "d"))  # fmt: skip
say("NaN everywhere", lambda: choose({"d": A([np.nan, np.nan]), "k": A([np.nan, np.nan])}, "d"))
say("inf in the tuned cell", lambda: choose({"d": A([5.0, 6.0]), "k": A([np.inf, 1.0])}, "d"))
say("empty arrays", lambda: choose({"d": A([]), "k": A([])}, "d"))
say("default not in grid", lambda: choose({"a": A([1.0]), "b": A([2.0])}, "zz"))
say("rule='Guarded' (case)", lambda: choose({"d": A([1.0]), "k": A([0.5])}, "d", rule="Guarded"))
say("tuned and default differ in length", lambda: choose({"d": A([1.0, 2.0, 3.0]), "k": A([0.5, 0.5])}, "d"))  # fmt: skip
