"""Session 21, leftovers21: `trajlm eval --network` takes ``synthetic:seed=S,n=N`` (the form of
`network_from_spec` and the training config's ``road_network``), and a wrong --network is
refused in one line before the store is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from trajlm.cli_eval import run_eval_command
from trajlm.data.store import write_store
from trajlm.data.synthetic import generate_city
from trajlm.errors import UserError


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("leftovers21") / "city"
    write_store(generate_city(n_trajectories=60, seed=3).points.drop("label"), d)
    return d


def _quiet() -> Console:
    return Console(file=open("/dev/null", "w"), width=200)  # noqa: SIM115


def test_synthetic_spec_scores_the_shortest_path(city):
    res = run_eval_command("recover", city, None, 1, None, _quiet(),
                           network="synthetic:seed=3,n=60")  # fmt: skip
    sp = res.metric("shortest path", "mae_m", "every 60 s")
    assert sp < res.metric("linear interp.", "mae_m", "every 60 s")  # it is the city's roads


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("synthetic:sed=3", "unknown key sed"),
        ("synthetic:seed=x,n=60", "whole numbers"),
        ("synthetic:foo", "expected synthetic:seed=S,n=N"),
        ("synthetic:seed=1,n=3", "n >= 10"),
        ("/no/such/roads.geojson", "no such file or folder"),
    ],
)
def test_bad_network_refused_before_the_store_is_read(tmp_path, spec, said):
    missing = tmp_path / "not-a-store"  # the store is checked after --network: its error is not
    with pytest.raises(UserError, match=said):
        run_eval_command("recover", missing, None, 1, None, _quiet(), network=spec)


def test_network_outside_recover_refused(tmp_path):
    with pytest.raises(UserError, match="--network is used by --task recover"):
        run_eval_command("predict", tmp_path / "x", None, 1, None, _quiet(),
                         network="synthetic:seed=3,n=60")  # fmt: skip
