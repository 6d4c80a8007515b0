"""Session 26 (fewval26): a dead-reckoning prediction verdict (drverdict25) through the paths
it had no test on: POST /predict, `trajlm predict` and `trajlm eval`'s k-step val-checked row.

drverdict25's ships (tests/test_drverdict25.py): dead reckoning from the reports is exact,
every method reading positions is far off. Before this session the server dropped the rows'
speed / course keys, so the verdict's fallback answered every HTTP query without a word in the
answer, and the eval row answered the k-step table with the fallback under dead reckoning's name.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from test_drverdict25 import (  # noqa: F401  (ships: the module's fixture)
    CUT,
    FarOff,
    _ships,
    saved_verdict,
    scored_split,
    ships,
)

DR_NAME = "dead reckoning [time]"


def _rows(df: pl.DataFrame) -> list[dict]:
    return [{**r, "t": float(r["t"])} for r in df.to_dicts()]


def _fallback(ships: dict) -> str:  # noqa: F811
    from trajlm.eval.dr_verdict import fallback_engine

    return fallback_engine(saved_verdict(ships))


def test_http_predict_reads_the_rows_speed_and_course(ships: dict) -> None:  # noqa: F811
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.serve import create_app

    hist = _ships(n=2, points=CUT + 1, seed=7).with_columns(note=pl.lit("x"))
    bare = hist.drop("sog_mps", "cog_deg")
    app = create_app(trajlm.TrajLM.from_pretrained(ships["run"], threads=1))
    with TestClient(app) as c:
        steps = c.post("/predict", json={"trajectories": _rows(hist), "steps": 3}).json()
        ahead = c.post("/predict", json={"trajectories": _rows(hist), "seconds_ahead": [30, 90]})
        plain = [c.post("/predict", json={"trajectories": _rows(bare), "steps": 3}).json()
                 for _ in range(2)]  # fmt: skip
    assert steps["engine"] == DR_NAME == ahead.json()["engine"]
    said = " ".join(steps.get("warnings", []))
    assert "ignored: note" in said and "sog_mps" not in said  # the other keys still said
    hist0 = hist.filter(pl.col("traj_id") == "v00")
    x0 = np.radians(float(hist0["lon"][-1]))
    got = [p for p in ahead.json()["points"] if p["traj_id"] == "v00"]
    moved = (
        (np.radians(np.array([p["lon"] for p in got])) - x0) * 6371000 * np.cos(np.radians(41.15))
    )
    np.testing.assert_allclose(moved, [12.0 * 30, 12.0 * 90], rtol=1e-3)  # exact: 12 m/s
    for answer in plain:  # every answer says why the fallback answers, not only the first
        assert answer["engine"] == _fallback(ships)
        assert any("no reported speed and course" in w and _fallback(ships) in w
                   for w in answer.get("warnings", []))  # fmt: skip


def test_cli_predict_answers_with_dead_reckoning_or_names_the_fallback(ships, tmp_path) -> None:  # noqa: F811
    from typer.testing import CliRunner

    from trajlm.cli import app

    got = {}
    for motion in (True, False):
        src, out = tmp_path / f"q{motion}.csv", tmp_path / f"p{motion}.csv"
        _ships(n=2, points=CUT + 1, seed=7, motion=motion).write_csv(src)
        r = CliRunner().invoke(app, ["predict", "--model", str(ships["run"]), "--input",
                                     str(src), "--out", str(out), "--steps", "3"])  # fmt: skip
        assert r.exit_code == 0, r.output
        got[motion] = (r.output, pl.read_csv(out))
    assert set(got[True][1]["engine"]) == {DR_NAME}
    assert "no reported speed" not in got[True][0]
    fb = _fallback(ships)
    assert set(got[False][1]["engine"]) == {fb}
    line = [ln for ln in got[False][0].splitlines() if "no reported speed and course" in ln]
    assert len(line) == 1 and fb in line[0] and "Traceback" not in got[False][0]


def test_the_k_step_eval_row_dead_reckons_where_the_table_reports(ships: dict) -> None:  # noqa: F811
    from trajlm.eval import metrics as M
    from trajlm.eval.dr_verdict import DRValChecked, fallback_verdict
    from trajlm.eval.predict_verdict import ValCheckedPredictor

    v = saved_verdict(ships)
    test, task = scored_split()
    row = DRValChecked(FarOff(), v, test)
    assert row.name == f"trajlm: run (val-checked: {DR_NAME})"
    assert M.point_errors(row.predict_next(task), task.target_latlon).max() < 5.0
    fb = fallback_verdict(v)["engine"]
    plain = ValCheckedPredictor(FarOff(), fallback_verdict(v)).predict_next(task)
    for table, why in ((test.drop("sog_mps", "cog_deg"), "no speed / course in the scored split"),
                       (None, "the table holds positions only")):  # fmt: skip
        bare = DRValChecked(FarOff(), v, table)
        assert bare.name == f"trajlm: run (val-checked: {DR_NAME}; {why}: {fb} answers)"
        np.testing.assert_allclose(bare.predict_next(task), plain)


def test_trajlm_eval_prints_the_dead_reckoned_row(ships: dict) -> None:  # noqa: F811
    from typer.testing import CliRunner

    from trajlm.cli import app

    r = CliRunner().invoke(app, ["eval", "--task", "predict", "--data", str(ships["store"]),
                                 "--model", str(ships["run"]), "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output
    # the table's row (off a terminal eval also logs "eval: scoring ..." lines: scale33)
    row = [
        ln
        for ln in r.output.splitlines()
        if ln.startswith("|") and f"(val-checked: {DR_NAME})" in ln
    ]
    assert len(row) == 1
    mae = float(row[0].split("|")[3].strip().split()[0])
    assert mae < 5.0  # exact where the table reports; before: the fallback's ~400 m
