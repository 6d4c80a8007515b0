"""Session 34 (review34): an error raised with ``field=X`` leads with "field X: " already; the
message repeated it ("field to: to: give ...", "field memory: memory: ...", "field at: at: ...",
and the CLI's "--to-file next.csv: to: give ..."). Each test fails on main 6422f521."""

import re

import pandas as pd
import pytest
from test_dispatch34 import ORDER, past_days, today

from trajlm.errors import TrajlmInputError

SAID_TWICE = re.compile(r"\b(to|order|memory|at): \1: |field (to|order|memory|at): \2: ")


def _refusal(call) -> str:
    with pytest.raises(TrajlmInputError) as e:
        call()
    return str(e.value)


def test_divert_and_parked_name_the_field_once():
    import trajlm

    stops = pd.DataFrame({"van_id": ["van01"], "lat": [45.77], "lon": [4.85]})
    said = [
        _refusal(lambda: trajlm.divert(today(), (95, 4))),
        _refusal(lambda: trajlm.divert(today(), ORDER, to=stops.drop(columns="van_id"))),
        _refusal(lambda: trajlm.divert(today(), ORDER, to=stops.assign(van_id="van99"))),
        _refusal(lambda: trajlm.divert(today(), ORDER, to=stops.assign(lat=99.0))),
        _refusal(lambda: trajlm.divert(today(), ORDER, memory=past_days().head(0))),
        _refusal(lambda: trajlm.parked(today(), at="not a time")),
    ]
    assert said[0].startswith("field order: target 0 [95.0, 4.0] is not a (lat, lon)")
    assert said[1].startswith("field to: give each van's planned stops")
    assert said[4].startswith("field memory: input: no points")
    assert said[5].startswith("field at: 'not a time' is not a time")
    assert not [s for s in said if SAID_TWICE.search(s)], said


def test_reach_names_to_and_memory_once(trajlm_small):
    car = today().query("van_id == 'van01'")
    said = [_refusal(lambda: trajlm_small.reach(car, (95, 4))),
            _refusal(lambda: trajlm_small.reach(car, [(1, 2, 3)])),
            _refusal(lambda: trajlm_small.reach(car, ORDER, memory=past_days().head(0)))]  # fmt: skip
    assert said[0].startswith("field to: target 0 [95.0, 4.0] is not a (lat, lon)")
    assert said[2].startswith("field memory: input: no points")
    assert not [s for s in said if SAID_TWICE.search(s)], said


def test_cli_divert_names_the_option_once(tmp_path):
    from helpers import invoke_cli

    today().to_csv(tmp_path / "live.csv", index=False)
    pd.DataFrame({"lat": [45.77], "lon": [4.85]}).to_csv(tmp_path / "stops.csv", index=False)
    r = invoke_cli(["divert", "--input", tmp_path / "live.csv", "--order", f"{ORDER[0]},{ORDER[1]}",
                    "--to-file", tmp_path / "stops.csv", "--out", tmp_path / "d.csv"])  # fmt: skip
    assert r.exit_code == 2, r.output
    line = " ".join(r.output.split())
    assert "stops.csv: give each van's planned stops" in line, line
    assert "csv: to: " not in line and "Traceback" not in r.output


def test_http_integer_options_keep_their_bounds(trajlm_small):
    """`float (bounded) | StrictInt` let an integer skip the float's bounds: /parked answered
    stop_minutes 1000000000 (and refused 1000000000.5), /reach radius_m 10000000."""
    from serve_helpers import app_client

    fixes = [{"traj_id": "a", "t": 1772323200 + 15 * k, "lat": 41.15, "lon": -8.61 + 0.0015 * k}
             for k in range(8)]  # fmt: skip
    with app_client(trajlm_small) as c:
        for route, extra in (("/parked", {"stop_minutes": 10**9}), ("/parked", {"radius_m": 10**7}),
                             ("/divert", {"order": [[41.15, -8.6]], "service_s": 10**9}),
                             ("/reach", {"to": [[41.15, -8.6]], "radius_m": 10**7})):  # fmt: skip
            r = c.post(route, json={"trajectories": fixes, **extra})
            assert r.status_code == 422 and "less than or equal" in r.json()["error"], r.text
        whole = c.post("/parked", json={"trajectories": fixes, "stop_minutes": 2})
        assert whole.status_code == 200, whole.text
        assert (
            whole.json()
            == c.post("/parked", json={"trajectories": fixes, "stop_minutes": 2.0}).json()
        )


@pytest.mark.parametrize("device", ["cuda:x", "cuda:", "cuda:1x"])
def test_train_device_cuda_takes_a_number(device):
    """`[train] device = "cuda:x"` passed TrainConfig (any "cuda:" prefix) and ended in int()'s
    ValueError inside Trainer._device (badin34's device check)."""
    from trajlm.train.config import TrainConfig

    with pytest.raises(ValueError, match="device must be one of"):
        TrainConfig(device=device)
    assert TrainConfig(device="cuda:0").device == "cuda:0"
