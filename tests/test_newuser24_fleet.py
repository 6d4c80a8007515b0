"""Session 24 (newuser24): a delivery fleet's export read as a fleet researcher writes it.

Before: a `van_id, timestamp, lat, lon, speed_kmh, vehicle_type` table kept neither the vehicle
type nor the speed (both "not kept"), `van_id` was not the owner, and `--label-col
vehicle_type` kept each van's whole week as one "trip" (one class per trajectory read as a
trip class): 12 trajectories instead of 24 days."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import tiny_model
from reliability_helpers import invoke

from trajlm.data.store import read_store


def _week(path: Path, id_col: str = "van_id", kind_col: str = "vehicle_type") -> Path:
    """4 vans x 6 days, 20 fixes a day 30 s apart; overnight gaps; speed in km/h."""
    rows = [f"{id_col},timestamp,lat,lon,speed_kmh,{kind_col}"]
    for v in range(4):
        kind = "van" if v < 2 else "cargo_bike"
        for d in range(6):
            t0 = 1773640800 + 86400 * d + 60 * v
            rows += [f"LY-{v},{t0 + 30 * k},{45.75 + 0.0008 * k},{4.84 + 0.001 * v},36.0,{kind}"
                     for k in range(20)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("label_args", [[], ["--label-col", "vehicle_type"]])
def test_a_vehicle_type_is_a_kind_kept_as_label_and_days_still_split(
    tmp_path: Path, label_args: list[str]
) -> None:
    r = invoke("data", "ingest", _week(tmp_path / "f.csv"), "--out", tmp_path / "s", *label_args)
    assert r.exit_code == 0, r.output
    got = read_store(tmp_path / "s")
    assert got["traj_id"].n_unique() == 24  # a van's day is a trajectory, not its week
    assert sorted(got["label"].unique()) == ["cargo_bike", "van"]
    assert "vehicle type column" in r.output
    assert got["vehicle_id"].n_unique() == 4  # van_id is the owner (resplit --by user)


def test_speed_kmh_is_kept_as_a_reported_speed_in_m_s(tmp_path: Path) -> None:
    r = invoke("data", "ingest", _week(tmp_path / "f.csv"), "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    assert "speed_kmh" not in r.output.split("columns not kept")[-1].split("\n")[0]
    got = read_store(tmp_path / "s")
    assert got["sog_mps"].to_list() == pytest.approx([10.0] * len(got))  # 36 km/h


def test_a_column_not_kept_names_the_cli_option(tmp_path: Path) -> None:
    csv = _week(tmp_path / "f.csv", kind_col="depot")  # not a kind name: not kept
    r = invoke("data", "ingest", csv, "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    assert "columns not kept in the store: ['depot']" in r.output
    assert "--label-col NAME" in r.output


def _export(path: Path) -> Path:
    """Two vans' fixes in local time with an offset; one empty lat, one (0, 0), one repeat."""
    rows = ["van_id,timestamp,lat,lon"]
    for v in range(2):
        rows += [f"LY-{v},2026-03-18T08:{k:02d}:00+01:00,{45.75 + 3e-4 * k},{4.84 + 1e-3 * v}"
                 for k in range(12)]  # fmt: skip
    rows[3] = "LY-0,2026-03-18T08:02:00+01:00,,4.84"
    rows[5] = "LY-0,2026-03-18T08:04:00+01:00,0.0,0.0"
    rows.append(rows[20])  # an exact repeat of a row (an export's page overlap)
    path.write_text("\n".join(rows) + "\n")
    return path


def test_predict_on_error_skip_cleans_a_table_and_keeps_its_times(tmp_path: Path) -> None:
    model, csv = tiny_model(tmp_path / "m"), _export(tmp_path / "today.csv")
    r = invoke("predict", "--model", model, "--input", csv, "--out", tmp_path / "p.csv", "-k", "2")
    assert r.exit_code == 2
    assert "--on-error skip drops and counts such rows" in r.output
    assert "trajlm.clean(df" not in r.output  # a CLI user gets the CLI's option
    r = invoke("predict", "--model", model, "--input", csv, "--out", tmp_path / "p.csv", "-k", "2",
               "--on-error", "skip")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "'null_island': 1" in r.output and "'null_coord': 1" in r.output
    assert "of 25 rows" in r.output
    assert "from the training area" not in r.output  # (0, 0) no longer reaches the model
    text = (tmp_path / "p.csv").read_text().splitlines()
    assert len(text) == 1 + 2 * 2
    assert text[1].split(",")[2].endswith("+01:00")  # times written as the input wrote them


def test_classes_auto_takes_a_fleets_own_labels_and_keeps_modes_for_modes() -> None:
    import polars as pl

    from trajlm.eval.classify_notes import resolved_classes

    fleet = pl.DataFrame({"label": ["van", "cargo_bike", None]})
    classes, said = resolved_classes("auto", fleet)
    assert classes == "store" and "['cargo_bike', 'van']" in (said or "")
    assert resolved_classes("auto", pl.DataFrame({"label": ["Bus", "taxi"]})) == ("modes", None)
    # fix40c: walk, which PROTOCOL's map drops, keeps every label of an unsaid store
    assert resolved_classes("auto", pl.DataFrame({"label": ["walk", "Bus", "taxi"]}))[0] == "store"
    assert resolved_classes("modes", fleet) == ("modes", None)  # given: kept as given


def test_eval_classify_runs_on_a_fleets_labels_without_options(tmp_path: Path) -> None:
    csv = _week(tmp_path / "f.csv")
    assert invoke("data", "ingest", csv, "--out", tmp_path / "s").exit_code == 0
    r = invoke("eval", "--task", "classify", "--data", tmp_path / "s", "--out", tmp_path / "e.json")
    assert r.exit_code == 0, r.output
    assert "--classes auto" in r.output and "0 classes" not in r.output


def test_http_rows_keyed_by_van_id_are_read_as_the_python_api_reads_them(trajlm_small) -> None:
    """`van_id` rows were read as one mover with the key "ignored" (two vans: refused); the
    Python API and ingest find it by its ending. A bare JSON array is told how to wrap it."""
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient
    from test_httppieces21 import van

    from trajlm.serve import create_app

    rows = van("LY-1", "van_id") + van("LY-2", "van_id")
    with TestClient(create_app(trajlm_small)) as client:
        r = client.post("/predict", json={"trajectories": rows, "steps": 2})
        assert r.status_code == 200, r.text
        ans = r.json()
        assert not any("does not read" in w for w in ans.get("warnings", []))
        assert {(p["traj_id"], p["piece"]) for p in ans["points"]} == {
            ("LY-1", 0), ("LY-1", 1), ("LY-2", 0), ("LY-2", 1)
        }  # fmt: skip
        r = client.post("/predict", json=rows)  # the table itself as the body
        assert r.status_code == 422 and '{"trajectories": [' in r.json()["error"]


@pytest.mark.slow
def test_from_pretrained_of_a_transformer_run_does_not_import_sklearn(tmp_path: Path) -> None:
    """A fresh `from_pretrained` imported scikit-learn (via the verdict and selector modules):
    ~8 of ~11 s on a loaded 2-core box. Those modules now load where they are used."""
    import subprocess
    import sys

    model = tiny_model(tmp_path / "m")
    code = ("import sys, trajlm; m = trajlm.TrajLM.from_pretrained(sys.argv[1]); "
            "print('sklearn' in sys.modules, 'trajlm.eval.selector_predictor' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code, str(model)], capture_output=True,
                         text=True, timeout=300, cwd=Path(__file__).parents[1])  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]
