"""Session 39 (serve39): a fleet dashboard's calls (Oulu snow ploughs: `unitId`, `ts` with a
local offset, `latitude` / `longitude` as text in some rows). Each test failed on main 8370ce70.
docs/serve.md "Session 39 (serve39)"."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta, timezone

import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

T0 = datetime(2026, 3, 29, 0, 40, tzinfo=UTC)  # 02:40 +02:00; Helsinki moves to +03:00 at 01:00Z


def plough(unit: str, n: int = 14, dt: int = 30, text_every: int = 3, lat0: float = 65.01,
           still_from: int | None = None, offset_h: int | None = None) -> list[dict]:  # fmt: skip
    """One plough's rows as the feed sends them: `ts` on Helsinki's offset of the moment (or
    `offset_h`), every `text_every`-th position as text; still from `still_from` on."""
    out = []
    for i in range(n):
        when = T0 + timedelta(seconds=i * dt)
        off = (
            offset_h
            if offset_h is not None
            else (3 if when >= datetime(2026, 3, 29, 1, tzinfo=UTC) else 2)
        )
        k = i if still_from is None else min(i, still_from)
        lat, lon = lat0 + 0.0009 * k, 25.46 + 0.0004 * k
        text = text_every and i % text_every == 1
        out.append({"unitId": unit, "ts": when.astimezone(timezone(timedelta(hours=off))).isoformat(),
                    "latitude": f"{lat:.6f}" if text else round(lat, 6),
                    "longitude": f"{lon:.6f}" if text else round(lon, 6)})  # fmt: skip
    return out


def numbers(rows: list[dict]) -> list[dict]:
    return [
        r | {"latitude": float(r["latitude"]), "longitude": float(r["longitude"])} for r in rows
    ]


@pytest.fixture(scope="module")
def client(small):
    from trajlm.serve import create_app

    with warnings.catch_warnings(), TestClient(create_app(small)) as c:
        warnings.simplefilter("ignore")
        yield c


def test_positions_sent_as_text_are_read_as_the_python_api_reads_them(client, small):
    """A third of the rows carried "65.013684": every endpoint refused the request (`field
    trajectories[13].lat: "65.013684" is not a number`), while TrajLM.predict reads such a
    column."""
    rows = plough("PL-01") + plough("PL-02", lat0=65.03)
    a = client.post("/predict", json={"trajectories": rows, "steps": 3})
    b = client.post("/predict", json={"trajectories": numbers(rows), "steps": 3})
    assert a.status_code == 200, a.text
    assert a.json()["points"] == b.json()["points"]
    text = pl.DataFrame([r | {"latitude": str(r["latitude"]), "longitude": str(r["longitude"])}
                         for r in rows])  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        py = small.predict(text, steps=3)
    assert [p["lat"] for p in a.json()["points"]] == py["latitude"].to_list()
    for path in ("/recover", "/validity", "/parked", "/embed"):
        assert client.post(path, json={"trajectories": rows}).status_code == 200, path


@pytest.mark.parametrize("value", ["65,01", "NaN", "", "65.01N", "inf"])
def test_text_that_is_no_decimal_is_refused_naming_the_requests_own_key(client, value):
    """The refusal named `lat` for a row keyed `latitude`, and said no way on."""
    rows = numbers(plough("PL-01"))
    rows[3]["latitude"] = value
    r = client.post("/predict", json={"trajectories": rows})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["field"] == "trajectories[3].latitude", body
    assert "is not a number" in body["error"] and "decimal text" in body["error"], body


def test_ask_per_vehicle_takes_the_rows_vehicle_key_in_columns(client):
    """`how far did each vehicle drive?` on rows keyed `unitId` said `pass columns={'vehicle_id':
    ...}` (a Python keyword), and a body with `columns` was `Extra inputs are not permitted`."""
    from trajlm.questions import Asker

    rows = plough("PL-01") + plough("PL-02", lat0=65.03, n=8)
    q = "how far did each vehicle drive?"
    r = client.post("/ask", json={"question": q, "rows": rows})
    assert r.status_code == 422 and '"columns": {"vehicle_id"' in r.json()["error"], r.text
    assert "columns={" not in r.json()["error"] and "--vehicle-col" not in r.json()["error"]
    r = client.post("/ask", json={"question": q, "rows": rows, "columns": {"vehicle_id": "unitId"}})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["plan_fields"]["group"] == "vehicle"
    want = Asker(pl.DataFrame(numbers(rows)), columns={"vehicle_id": "unitId"})(q)
    assert [t["vehicle"] for t in got["table"]] == want.table["vehicle"].to_list()
    assert got["value"] == pytest.approx(want.value)


def test_parked_divert_and_reach_answer_on_the_requests_clock(client):
    """/predict answered a Helsinki fleet on +03:00 while /parked's `last_fix`, /divert's
    `arrive_time` and /reach's `reach_time` were UTC (`01:22:50.000Z` for a fix sent as
    `04:22:50+03:00`)."""
    rows = numbers(plough("PL-01", still_from=6, offset_h=3))
    last = rows[-1]["ts"]
    r = client.post("/parked", json={"trajectories": rows})
    assert r.status_code == 200, r.text
    got = r.json()["results"][0]
    assert got["last_fix"] == last.replace("+03:00", ".000+03:00"), got
    assert got["parked"] and got["since"] == rows[6]["ts"].replace("+03:00", ".000+03:00"), got
    d = client.post("/divert", json={"trajectories": rows, "order": [[65.02, 25.47]]})
    assert d.status_code == 200 and d.json()["results"][0]["arrive_time"].endswith("+03:00"), d.text
    moving = numbers(plough("PL-02", offset_h=3))
    ahead = [65.01 + 0.0009 * 16, 25.46 + 0.0004 * 16]  # two steps on along its line
    x = client.post("/reach", json={"trajectories": moving, "to": [ahead], "horizon_s": 600,
                                    "radius_m": 80, "route": False})  # fmt: skip
    res = x.json()["results"][0]
    assert res["reached"] and res["reach_time"].endswith("+03:00"), x.text
    # a feed across the change: each answer on its trajectory's offset at the answer's time
    dst = numbers(plough("PL-03", dt=300, still_from=6))  # 02:40+02:00 .. 04:45+03:00
    assert dst[0]["ts"].endswith("+02:00") and dst[-1]["ts"].endswith("+03:00")
    got = client.post("/parked", json={"trajectories": dst}).json()["results"][0]
    assert got["last_fix"] == dst[-1]["ts"].replace("+03:00", ".000+03:00"), got
    # Unix seconds stay UTC (Z), as before
    unix = [r | {"ts": datetime.fromisoformat(r["ts"]).timestamp()} for r in rows]
    got = client.post("/parked", json={"trajectories": unix}).json()["results"][0]
    assert got["last_fix"].endswith("Z"), got


def test_docs_page_has_an_offline_reference_when_swagger_ui_cannot_load(client, tmp_path):
    """/docs loads Swagger UI from a CDN: with no internet (this study's rule: localhost only)
    the page stayed blank. Now a local script renders /openapi.json (each endpoint, its fields,
    its examples with a button that posts them) when Swagger UI's script did not load."""
    import json
    import shutil
    import subprocess
    from pathlib import Path

    page = client.get("/docs")
    assert page.status_code == 200 and '<script src="/static/offline_docs.js">' in page.text
    assert "swagger-ui-bundle.js" in page.text  # Swagger UI still first where the CDN answers
    assert client.head("/docs").status_code == 200
    assert client.get("/static/offline_docs.js").status_code == 200
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the page's script is checked with it")
    spec = client.get("/openapi.json").json()
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    script = Path(__file__).resolve().parents[1] / "trajlm/serve/static/offline_docs.js"
    run = (f"const d = require({json.dumps(str(script))}); const s = require("
           f"{json.dumps(str(tmp_path / 'spec.json'))}); process.stdout.write(d.offlineDocs(s));")  # fmt: skip
    html = subprocess.run([node, "-e", run], capture_output=True, text=True, check=True).stdout
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert f"<h2>{method.upper()} {path}</h2>" in html, path
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {})
            for name in body.get("examples", {}):
                assert f"example {name}:" in html, (path, name)
    assert html.count('<button data-path="/predict">') >= 2
    assert "<script" not in html.split("</h1>", 1)[1]  # example text is escaped, never run


def test_ask_columns_with_a_store_is_one_line_naming_columns(small, tmp_path):
    """`columns` names the keys of rows; a store keeps its own (and a kept Asker would have
    ignored it)."""
    from trajlm.serve import ServeSettings, create_app

    (tmp_path / "vans").mkdir()
    (tmp_path / "vans" / "manifest.json").write_text("{}")
    body = {
        "question": "how many trips were there?",
        "data": "vans",
        "columns": {"vehicle_id": "unit"},
    }
    with TestClient(create_app(small, ServeSettings(ask_root=str(tmp_path)))) as c:
        r = c.post("/ask", json=body)
    assert r.status_code == 422 and r.json()["field"] == "columns", r.text
    assert "leave columns out" in r.json()["error"]
