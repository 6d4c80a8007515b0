"""Session 38 (leftover38): session 37's leftovers. docs/reliability.md "Session 38 (leftover38)".

Before (d90d52f5): a WiGLE-like HTTP body was refused offering the networks' `MAC` as the mover
(HTTP rows kept their own id rule) ..."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client():
    from helpers import tiny_infill_trajlm

    from trajlm.serve import create_app

    with TestClient(create_app(tiny_infill_trajlm())) as c:
        yield c


# -- 1. HTTP rows: a key observed at one fix is never offered as the mover --------------------


def _wigle_rows(seed: int = 5, fixes: int = 80) -> list[dict]:
    """One phone's fix every 3 s with the 2-6 networks it saw: a row per network (`MAC`,
    `SSID`), the fix repeated on each (a WiGLE log's layout)."""
    rng = np.random.default_rng(seed)
    pool = [f"{k:02x}:1c:aa:{k % 7:02x}:5e:{k:02x}" for k in range(60)]
    rows = []
    for i in range(fixes):
        lat, lon = 51.5 + i * 1e-4, -0.12 + i * 5e-5
        for j in rng.choice(10, int(rng.integers(2, 7)), replace=False):
            mac = pool[(i // 4 + j) % len(pool)]
            rows.append({"time": 1793692800 + 3 * i, "lat": lat, "lon": lon, "MAC": mac,
                         "SSID": f"BT-{mac[-5:]}", "RSSI": int(rng.integers(-92, -40))})  # fmt: skip
    return rows


def test_a_wigle_body_is_one_phone_not_refused_naming_its_networks(client) -> None:
    rows = _wigle_rows()
    for path in ("/validity", "/embed"):
        r = client.post(path, json={"trajectories": rows})
        assert r.status_code == 200, r.text  # was 422: "'MAC' holds 49 values ... traj_id"
    got = client.post("/validity", json={"trajectories": rows}).json()
    assert got["n_trajectories"] == 1 and len(got["points"]) == 80  # a row per fix
    assert any("repeat an earlier row" in w for w in got["warnings"])


def test_movers_in_turns_over_http_are_still_told_their_key(client) -> None:
    rows = [{"time": 1793692800 + 10 * k, "lat": 60 + k * 1e-3 + b, "lon": 10.0 + b,
             "hull": f"b{b}"} for k in range(40) for b in (1, 2)]  # fmt: skip
    r = client.post("/validity", json={"trajectories": rows})
    assert r.status_code == 422 and "'hull' holds 2 values" in r.json()["error"], r.text


# -- 2. training from a run's weights never crosses planes ------------------------------------


@pytest.fixture(scope="module")
def planes(tmp_path_factory) -> dict:
    """A `--crs local` store with a tiny run on it, and a degrees store with a tiny run."""
    import warnings

    from helpers import tiny_fit_run
    from reliability_helpers import TINY
    from test_local36 import hall_store

    import trajlm

    d = tmp_path_factory.mktemp("planes38")
    (d / "hall").mkdir()
    (d / "deg").mkdir()
    hall = hall_store(d / "hall")
    deg = tiny_fit_run(d / "deg", 6, seed=0)
    (d / "tiny.toml").write_text(TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trajlm.TrajLM.fit(hall["store"], d / "plane_run", config=d / "tiny.toml", max_steps=2,
                          seed=0, threads=1)  # fmt: skip
    return {"dir": d, "plane": (hall["store"], d / "plane_run"),
            "deg": (deg["dir"] / "s", deg["dir"] / "run")}  # fmt: skip


def test_train_init_from_across_planes_is_refused_in_one_line(planes) -> None:
    from helpers import invoke_cli

    import trajlm
    from trajlm.errors import TrajlmInputError

    d = planes["dir"]
    for data, run in (
        (planes["plane"][0], planes["deg"][1]),
        (planes["deg"][0], planes["plane"][1]),
    ):
        cfg = d / f"init_{run.name}.toml"
        cfg.write_text(
            (d / "tiny.toml").read_text().replace("[train]", f'[train]\ninit_from = "{run}"')
        )
        out = d / f"out_{run.name}"
        r = invoke_cli(["train", "--data", data, "--out", out, "--config", cfg, "--max-steps", 1])
        said = r.output.strip()
        assert r.exit_code == 2 and "cannot cross planes" in said, said  # was: trained
        assert "Traceback" not in said and "init_from" in said and not out.exists()
        with pytest.raises(TrajlmInputError, match="cannot cross planes"):
            trajlm.TrajLM.fit(data, d / "py_out", config=d / "tiny.toml", max_steps=1, threads=1,
                              init_from=run)  # fmt: skip
        assert not (d / "py_out").exists()


# -- 3. every HTTP body of trajectory rows reads "crs" (or refuses it in one line) ------------


def _forklift_rows() -> list[dict]:
    return [{"traj_id": f"f{b}", "t": 1793692800 + 2 * k, "x": 5.0 + 1.2 * k,
             "y": 10.0 + 20 * b + 0.3 * k} for k in range(30) for b in (0, 1)]  # fmt: skip


def test_every_body_of_rows_declares_crs(client) -> None:
    spec = client.app.openapi()
    schemas = spec["components"]["schemas"]
    with_rows = []
    for path, ops in spec["paths"].items():
        body = ops.get("post", {}).get("requestBody", {}).get("content", {})
        ref = body.get("application/json", {}).get("schema", {}).get("$ref", "")
        props = schemas.get(ref.split("/")[-1], {}).get("properties", {})
        if {"trajectories", "rows"} & set(props):
            with_rows.append(path)
            assert "crs" in props, path
    assert len(with_rows) >= 10, with_rows  # predict ... validity, ask


@pytest.mark.parametrize(
    "path, extra, applies",
    [("/predict", {"steps": 2}, True), ("/recover", {}, True), ("/embed", {}, True),
     ("/validity", {}, True), ("/parked", {}, True), ("/reach", {"to": [[50, 20]]}, False),
     ("/divert", {"order": [[5, 5]]}, False)],
)  # fmt: skip
def test_each_endpoint_reads_or_refuses_crs_local(client, path, extra, applies) -> None:
    rows = _forklift_rows()
    plain = client.post(path, json={"trajectories": rows, **extra})
    assert plain.status_code == 422 and '"crs": "local"' in plain.json()["error"]  # metres seen
    r = client.post(path, json={"trajectories": rows, "crs": "local", **extra})
    if not applies:  # targets in degrees: one line naming crs (as the CLI and Python refuse)
        assert r.status_code == 422 and r.json()["field"] == "crs", r.text
        return
    assert r.status_code == 200, r.text
    got = r.json()
    for p in got.get("points") or got.get("results") or []:
        assert "lat" not in p and -20 < p.get("x", 50) < 120 and -20 < p.get("y", 50) < 120, p


def test_embed_on_a_plane_is_the_embedding_of_the_stand_in_plane(client) -> None:
    from trajlm.data.geo import to_wgs84

    rows = _forklift_rows()
    lat, lon = to_wgs84(np.array([r["x"] for r in rows]), np.array([r["y"] for r in rows]), "local")
    deg = [{"traj_id": r["traj_id"], "t": r["t"], "lat": float(a), "lon": float(o)}
           for r, a, o in zip(rows, lat, lon, strict=True)]  # fmt: skip
    on_plane = client.post("/embed", json={"trajectories": rows, "crs": "local"}).json()
    as_degrees = client.post("/embed", json={"trajectories": deg}).json()
    for a, b in zip(on_plane["embeddings"], as_degrees["embeddings"], strict=True):
        np.testing.assert_allclose(a["embedding"], b["embedding"], atol=1e-5)
