"""Session 24 (tidy24): the helpers that replaced copies answer as the copies did (the expected
names and messages were printed by main 16b3f0c's code, before the split)."""

from __future__ import annotations

import asyncio
import types

import pytest

BAD_OPTIONS = [
    ({"blend": "x"}, "blend must be one of ('blend', 'bridge'), got 'x'"),
    ({"history": "x"}, "history must be one of ('known', 'akima'), got 'x'"),
    ({"fallback": "x"}, "fallback must be one of ('best', 'akima', 'linear'), got 'x'"),
    ({"no_evidence_rule": "x"}, "no_evidence_rule must be one of ('fixed', 'pooled'), got 'x'"),
    ({"shrink_k": -1}, "shrink_k must be >= 0, got -1"),
    ({"shrink_rule": "x"}, "shrink_rule must be one of ('pool', 'down', 'logmean'), got 'x'"),
    ({"backtest": "x"}, "backtest must be one of ('alternate', 'spans', 'auto'), got 'x'"),
    ({"evidence": "x"}, "evidence must be one of ('points', 'spans'), got 'x'"),
    ({"pick": "x"}, "pick must be one of ('trajectory', 'gap', 'around'), got 'x'"),
    ({"knots": "x"}, "knots must be one of ('all', 'wide', 'pick'), got 'x'"),
    ({"wide_margin": 1.0}, "wide_margin must be in [0, 1), got 1.0"),
    ({"check": "x"}, "check must be one of ('off', 'call', 'length'), got 'x'"),
    ({"blend": "x", "check": "y"}, "blend must be one of ('blend', 'bridge'), got 'x'"),  # order
]


@pytest.mark.parametrize(("bad", "said"), BAD_OPTIONS)
def test_bridge_recoverer_refuses_each_option_as_before_the_split(bad: dict, said: str) -> None:
    from trajlm.tasks.recover_bridge import BridgeRecoverer

    with pytest.raises(ValueError) as e:
        BridgeRecoverer(types.SimpleNamespace(config=None), thin_dt=0.0, **bad)
    assert str(e.value) == said


def test_bridge_recoverer_names_what_differs_as_before_the_split() -> None:
    from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer

    m = types.SimpleNamespace(config=None)
    assert BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "thin_dt": 0.0}).name == (
        "trajlm bridge+guard(p=8):ne-pooled:shrink16down:thin-0:check-call"
    )
    assert BridgeRecoverer(m, thin_dt=0.0).name == "trajlm bridge:thin-0"
    every = BridgeRecoverer(
        m, blend="blend", history="akima", guard_power=2, no_evidence_rule="pooled", shrink_k=4,
        shrink_rule="logmean", thin_dt=5.0, backtest="spans", knots="wide", wide_margin=0.2,
        wide_every=True, check="call",
    )  # fmt: skip
    assert every.name == (
        "trajlm blend@akima+guard(p=2):ne-pooled:shrink4logmean:thin-5:bt-spans:knots-wide:"
        "wm0.2:wide-every:check-call"
    )


def test_replan_keeps_the_strict_bounds_and_refuses_a_bad_plan() -> None:
    from trajlm.llm.plan import CannotAnswer, validate_plan
    from trajlm.llm.replan import is_plain_count, replan

    plan = validate_plan({"action": "count"})
    plan._strict = frozenset({"min_length_m"})
    assert is_plain_count(plan)
    out = replan(plan, action="days")
    assert out.action == "days" and out._strict == frozenset({"min_length_m"})
    assert not is_plain_count(out)
    with pytest.raises(CannotAnswer, match="invalid plan"):
        replan(plan, action="no such action")


def test_replay_body_hands_the_body_once_then_the_next_message() -> None:
    from trajlm.serve.transport import replay_body

    later = {"type": "http.disconnect"}

    async def receive() -> dict:
        return later

    async def both() -> tuple[dict, dict]:
        replay = replay_body(b"abc", receive)
        return await replay(), await replay()

    first, second = asyncio.run(both())
    assert first == {"type": "http.request", "body": b"abc", "more_body": False}
    assert second is later


def test_toml_section_reads_one_section_and_names_the_file(tmp_path) -> None:
    from trajlm._cli_io import toml_section
    from trajlm._safety import ConfigError

    assert toml_section(None, "selector", "selector") == {}
    good = tmp_path / "ok.toml"
    good.write_text("[selector]\ntop_k = 3\n")
    assert toml_section(good, "selector", "selector") == {"top_k": 3}
    other = tmp_path / "other.toml"
    other.write_text("[recovery]\nkind = 'route_recovery'\n")
    with pytest.raises(
        ConfigError, match=r"unknown section\(s\) \['recovery'\]; a selector config"
    ):
        toml_section(other, "selector", "selector")
    broken = tmp_path / "broken.toml"
    broken.write_text("[selector\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        toml_section(broken, "selector", "selector")


def test_column_option_says_the_flag_and_help_the_commands_said() -> None:
    from trajlm._cli_io import column_option

    opt = column_option("traj_col")
    assert opt.default is None and opt.param_decls == ("--traj-col",)
    assert opt.help == "--input table: trajectory id column."
    assert column_option("lon_col", "Table inputs").help == "Table inputs: longitude column."
