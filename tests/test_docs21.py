"""What the docs quote stays what the package says (session 21, docs21).

tests/test_docs_options.py checks that every documented option exists and
tests/test_docs_snippets.py / tests/test_api.py run the ```python blocks of the task pages.
This file keeps the quoted *answers* honest, where a new user found them out of date:

- README's "What is in the box" CLI row names every `trajlm` command (it left out four);
- docs/serve.md's bad-input table: each example request gets that status and that message
  (the empty-table hint had changed), and `/predict`'s answer has the documented keys;
- docs/anomalies.md's Python example runs and its column comment is `score`'s columns
  (it missed `dark_gap_s`);
- docs/reliability.md's `ReadLimits` example runs as pasted (`ingest` was never imported).

An untrained tiny model stands in wherever a model is needed: only names, keys, statuses and
messages are compared, never numbers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.S | re.M)


def python_block(doc: str, containing: str) -> str:
    """The one ```python block of `doc` whose text contains `containing`."""
    found = [body for info, body in FENCE.findall((ROOT / doc).read_text())
             if info.strip() == "python" and containing in body]  # fmt: skip
    assert len(found) == 1, f"{doc}: {len(found)} ```python blocks contain {containing!r}"
    return found[0]


def tiny_model():
    import torch
    from helpers import STATS

    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS)
    return TrajectoryModel(cfg).eval()


def porto_trips(n: int, seed: int, points: int = 24) -> pd.DataFrame:
    """`n` car-like trips around Porto at 15 s (held-out shapes: seeded headings and speeds)."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        lat, lon = 41.15 + rng.normal(0, 0.01), -8.61 + rng.normal(0, 0.01)
        head, v = rng.uniform(0, 2 * np.pi), rng.uniform(5, 12)
        for i in range(points):
            rows.append((f"trip-{seed}-{k}", 1_710_750_600 + 15 * i + 600 * k, lat, lon))
            head += rng.normal(0, 0.2)
            lat += v * 15 * np.cos(head) / 111_320
            lon += v * 15 * np.sin(head) / (111_320 * np.cos(np.radians(41.15)))
    return pd.DataFrame(rows, columns=["traj_id", "t", "lat", "lon"])


# ------------------------------------------------------------------------------- README


def test_readme_cli_row_names_every_command():
    """Every `trajlm` command and `trajlm data` subcommand is in the README's CLI row."""
    import typer

    from trajlm.cli import app

    group = typer.main.get_command(app)
    names = set(group.commands) - {"data"}
    data = set(group.commands["data"].commands)
    row = next(line for line in (ROOT / "README.md").read_text().splitlines()
               if line.startswith("| CLI |"))  # fmt: skip
    listed = set(re.findall(r"`([a-z][a-z-]*)`", row))
    # a table cell: the pipes are escaped (GitHub splits cells at a bare `|`, code or not)
    data_listed = set(re.search(r"`trajlm data ([a-z|\\]+)`", row).group(1).split("\\|"))
    assert names - listed == set(), f"README's CLI row leaves out: {sorted(names - listed)}"
    assert data - data_listed == set(), f"... and `trajlm data` {sorted(data - data_listed)}"


def test_no_bare_pipe_in_a_table_cells_code():
    """GitHub splits a table row at every unescaped `|`, inside code spans too: the README's CLI
    row showed `trajlm data ingest` and dropped the rest of the row as extra cells."""
    bad = []
    for doc in [
        "README.md",
        *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")),
    ]:
        for n, line in enumerate((ROOT / doc).read_text().splitlines(), 1):
            if line.startswith("|") and any(
                re.search(r"(?<!\\)\|", code) for code in re.findall(r"`([^`]+)`", line)
            ):
                bad.append(f"{doc}:{n}")
    assert not bad, f"escape the pipes (\\|) in these table rows' code: {bad}"


# ------------------------------------------------------------------------- docs/serve.md


def _rows(ts: list[int], lats: list) -> list[dict]:
    return [
        {"traj_id": "a", "t": t, "lat": lat, "lon": -8.61} for t, lat in zip(ts, lats, strict=True)
    ]


T3 = [1_710_750_600, 1_710_750_615, 1_710_750_630, 1_710_750_645]
LINE = [[-8.61, 41.15 + i * 1e-3] for i in range(5)]
# docs/serve.md "Bad input and overload": the first cell of a row -> a request that shows it
EXAMPLE_REQUESTS = {
    "not JSON": '{"steps": 3 "x"}',
    "wrong type, unknown or missing field": {"steps": 0, "trajectories": _rows(T3, [41.15] * 4)},
    "a bad value in a trajectory": {"trajectories": _rows(T3[:2], ["x", 41.15])},
    "out-of-range or NaN position": {"trajectories": _rows(T3, [41.15, 41.151, 41.152, 141.15])},
    "unsorted or repeated time": {
        "trajectories": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"times": [*T3, T3[-1]]},
                    "geometry": {"type": "LineString", "coordinates": LINE},
                }
            ],
        }
    },
    "empty trajectory or request": {"trajectories": []},
    "too many points per trajectory / request, too many trajectories": {
        "trajectories": _rows(
            [T3[0] + 15 * i for i in range(2500)], [41.15 + 1e-5 * i for i in range(2500)]
        )
    },
}
NOT_SENT = ("body over", "the queue is full", "a bug")  # need a big body, a load or a bug


def serve_error_table() -> list[tuple[str, int, str]]:
    """(problem, status, example message) of docs/serve.md's bad-input table."""
    text = (ROOT / "docs" / "serve.md").read_text()
    table = text.split("| problem | status | example message |")[1].split("\n\n")[0]
    out = []
    for line in table.strip().splitlines()[1:]:
        problem, status, example = (c.strip() for c in line.strip("|").split(" | "))
        out.append((problem, int(status.split()[0]), example))
    return out


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.serve import create_app

    with TestClient(create_app(trajlm.TrajLM(tiny_model(), threads=1))) as c:
        yield c


def test_serve_bad_input_table_is_what_the_server_answers(client):
    table = serve_error_table()
    sent = {p for p, _, _ in table if not p.startswith(NOT_SENT)}
    assert sent == set(EXAMPLE_REQUESTS), "a new row of the table needs a request here"
    for problem, status, example in table:
        if problem not in EXAMPLE_REQUESTS:
            continue
        body = EXAMPLE_REQUESTS[problem]
        r = client.post("/predict", content=body if isinstance(body, str) else json.dumps(body),
                        headers={"content-type": "application/json"})  # fmt: skip
        got = r.json()["error"]
        assert r.status_code == status, f"{problem}: {r.status_code} {got}"
        pos = 0  # the example's pieces between "..." appear in the answer, in order
        for piece in (p.strip(" ;,") for p in example.strip("`").split("...")):
            at = got.find(piece, pos)
            assert at >= 0, f"docs/serve.md {problem!r} says `{example}`; the server: {got}"
            pos = at + len(piece)


def test_serve_predict_answer_has_the_documented_keys(client):
    text = (ROOT / "docs" / "serve.md").read_text()
    row = next(line for line in text.splitlines() if line.startswith("| POST | `/predict`"))
    documented = re.search(r"the predicted points: `([^`]+)`", row).group(1).split(", ")
    body = {"steps": 2, "output": "table", "trajectories": _rows(T3[:3], [41.15, 41.1503, 41.1506])}
    r = client.post("/predict", json=body)
    assert r.status_code == 200, r.text
    assert sorted(r.json()["points"][0]) == sorted(documented)


def test_serve_without_infilling_heads_recovers_by_bridge_and_refuses_travel_time(client):
    """serve.md said /recover answers 404 without infilling heads, as /travel-time does: it
    recovers (the bridge of docs/recovery.md "Session 12"); only mode `span` is refused."""
    text = " ".join((ROOT / "docs" / "serve.md").read_text().split())
    assert "`recover` works on any checkpoint" in text
    gaps = _rows(T3 + [T3[-1] + 15, T3[-1] + 30], [41.15, 41.1503, None, None, 41.1512, 41.1515])
    r = client.post("/recover", json={"trajectories": gaps})
    assert r.status_code == 200, r.text
    assert [p["recovered"] for p in r.json()["points"]] == [False, False, True, True, False, False]
    r = client.post("/recover", json={"trajectories": gaps, "mode": "span"})
    assert r.status_code == 422 and "'inplace'" in r.json()["error"], r.text
    od = {"origins": [[41.15, -8.61]], "destinations": [[41.158, -8.59]], "depart": T3[0]}
    r = client.post("/travel-time", json=od)
    assert r.status_code == 404 and "infilling heads" in r.json()["error"], r.text


# ---------------------------------------------------------------------- docs/anomalies.md


def test_anomalies_example_runs_and_names_the_columns(tmp_path, monkeypatch):
    """The first block, pasted with the frames it names (val_df, df, test_df: trip tables)."""
    from trajlm.data.coerce import to_canonical

    tiny_model().save_pretrained(tmp_path / "runs" / "synth")
    monkeypatch.chdir(tmp_path)
    block = python_block("docs/anomalies.md", "AnomalyDetector(")
    val = to_canonical(porto_trips(12, seed=1))
    test = to_canonical(porto_trips(8, seed=2))
    ns = {"val_df": val, "df": test, "test_df": test}
    with pytest.warns(UserWarning, match="calibrated on 12 normal trajectories"):
        exec(compile(block, "docs/anomalies.md", "exec"), ns)  # noqa: S102 - the docs' own code
    comment = re.search(r"det\.score\(df\)\s+#(.*?)\(worst first", block, re.S).group(1)
    documented = [c for c in re.sub(r"\s*#\s*", " ", comment).replace(",", " ").split() if c]
    assert list(ns["table"].columns) == documented
    assert (tmp_path / "anomaly.json").is_file() and len(ns["labels"]) > 0


# -------------------------------------------------------------------- docs/reliability.md


def test_read_limits_example_runs_as_pasted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    porto_trips(3, seed=3).to_csv("feed.csv", index=False)
    ns: dict = {}
    exec(compile(python_block("docs/reliability.md", "ReadLimits("), "reliability", "exec"), ns)  # noqa: S102
    assert len(ns["df"]) == 72 and ns["report"].rows_in == 72
    assert json.loads((tmp_path / "store" / "manifest.json").read_text())["n_points"] == 72
