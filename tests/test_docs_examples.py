"""The console examples of `trajlm ask` in README.md and docs/llm.md still hold: each shown
question is planned (not refused) and its `plan:` line is what the rule planner prints now.
(Audit item 1: the README's headline question had become a refusal with the docs unchanged.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trajlm.llm.rules import RulePlanner

ROOT = Path(__file__).resolve().parents[1]
PORTO = (41.15, -8.61)  # the Porto slice's centre: picks Porto's gazetteer places
ASK = re.compile(r'^\$ trajlm ask "([^"]+)" --data stores/porto\s*\n(plan: .*)$', re.M)


def _examples() -> list[tuple[str, str, str]]:
    found = []
    for name in ("README.md", "docs/llm.md"):
        for question, plan in ASK.findall((ROOT / name).read_text()):
            found.append((name, question, plan))
    return found


def test_the_docs_show_at_least_the_headline_question():
    names = {name for name, _, _ in _examples()}
    assert names == {"README.md", "docs/llm.md"}


@pytest.mark.parametrize("name,question,plan", _examples())
def test_documented_ask_example_gives_the_documented_plan(name, question, plan):
    got = RulePlanner(area=PORTO).plan(question)
    assert f"plan: {got.describe()}" == plan, name
