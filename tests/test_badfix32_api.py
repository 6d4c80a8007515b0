"""badfix32: `predict(latest=True)` where one journey names two movers; HTTP /ask's `store`."""

from __future__ import annotations

import polars as pl
import pytest

from trajlm.data.coerce_pieces import mover_owners

T0 = 1772359200


def _journeys(refs: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"traj_id": ["J1"] * len(refs), "t": [T0 + 15 * k for k in range(len(refs))],
                         "lat": [41.15] * len(refs), "lon": [-8.61 + 1e-3 * k for k in range(len(refs))],
                         "VehicleRef": refs})  # fmt: skip


def test_a_journey_with_two_vehicle_refs_is_said_naming_both() -> None:
    with pytest.warns(UserWarning, match=r"more than one VehicleRef \('J1': 'BUS2', 'BUS1'\)"):
        owners = mover_owners(_journeys(["BUS2", "BUS1"] * 3))  # was: BUS2 without a word
    assert owners is not None and owners.row(0) == ("J1", "BUS2")


def test_one_vehicle_ref_a_journey_is_quiet() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mover_owners(_journeys(["BUS1"] * 6)).row(0) == ("J1", "BUS1")


def test_ask_with_store_names_the_data_field(trajlm_small) -> None:
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    with TestClient(create_app(trajlm_small), raise_server_exceptions=False) as c:
        r = c.post("/ask", json={"question": "how many trips?", "store": "porto"})
    assert r.status_code == 422 and r.json()["field"] == "store"
    assert "as `data`" in r.json()["error"]  # was: "field store: Extra inputs are not permitted"
