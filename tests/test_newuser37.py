"""Session 37 (newuser37): a pedestrian trajectory-forecasting researcher (ETH / UCY, TrajNet++,
SDD). Before (e0603f68): a headerless ETH / UCY file was "the file has no header line"; a
TrajNet++ `.ndjson` "keys ['track'] share none with line 1's ['scene']"; an SDD annotations
file "column name(s) ['0'] appear more than once" (a wrong reason); `trajlm eval` had no way to
say 8 in / 12 out; `predict --input FILE --crs local --time-origin ...` wrote the plane's
stand-in degrees labelled "WGS84"; `--time-format frames@25 --time-origin` was refused on
predict (ingest takes both); a frame of 0.4-s fixes given to a run with a val verdict got
`steps=12` a second apart (12 s ahead) from the verdict's engine. docs/data.md "Session 37
(newuser37)"."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import polars as pl
import pytest
from helpers import invoke_cli
from test_pverdict24 import judged  # noqa: F401  (the fixture: a run whose verdict is kNN)

ORIGIN = "2026-12-07T12:00Z"


def _walkers(n: int = 12, steps: int = 40) -> list[tuple[int, int, float, float]]:
    """(frame, ped, x, y): people crossing a plaza at 1.0-1.6 m/s, a row every 10 frames."""
    rows = []
    for p in range(1, n + 1):
        speed, heading = 1.0 + 0.05 * p, 0.4 * p
        x0, y0, f0 = 2.0 + p, 3.0 + 0.5 * p, 10 * (3 * p)
        for k in range(steps):
            x = x0 + math.cos(heading) * speed * 0.4 * k
            y = y0 + math.sin(heading) * speed * 0.4 * k
            rows.append((f0 + 10 * k, p, round(x, 2), round(y, 2)))
    return sorted(rows)


def _eth(path: Path) -> Path:
    path.write_text("".join(f"{f:.1f}\t{p:.1f}\t{x:.2f}\t{y:.2f}\n" for f, p, x, y in _walkers()))
    return path


def _manifest(store: Path) -> dict:
    return json.loads((store / "manifest.json").read_text())


def test_a_headerless_eth_ucy_file_is_read_as_pedestrians_on_a_plane(tmp_path: Path) -> None:
    store = tmp_path / "eth"
    r = invoke_cli(["data", "ingest", _eth(tmp_path / "biwi_plaza.txt"), "--out", store,
                    "--time-origin", ORIGIN])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]  # was: "the file has no header line"
    assert "ETH / UCY" in r.output and "0.4-s steps" in r.output
    assert "--history 3 --steps 5" in r.output  # the 8-in / 12-out benchmark at 1-s steps
    m = _manifest(store)
    assert m["n_trajectories"] == 12
    assert m["reading"]["crs"] == "local"  # x / y metres, answered back in metres
    # 40 fixes 0.4 s apart (15.6 s) keep one a second: 16 or 17 each
    assert 12 * 15 <= m["n_points"] <= 12 * 17


def test_scenes_read_together_keep_their_people_apart(tmp_path: Path) -> None:
    folder = tmp_path / "datasets" / "train"
    folder.mkdir(parents=True)
    _eth(folder / "biwi_hotel.txt")  # the same ped ids 1..12 in both scenes
    _eth(folder / "crowds_zara01.txt")
    (tmp_path / "datasets" / "README").write_text("scenes\n")
    for given in (
        [folder / "biwi_hotel.txt", folder / "crowds_zara01.txt"],
        [tmp_path / "datasets"],
    ):
        store = tmp_path / f"s{len(given)}"
        r = invoke_cli(["data", "ingest", *given, "--out", store, "--time-origin", ORIGIN])
        assert r.exit_code == 0, r.output[-1500:]  # a folder was "no file trajlm reads"
        assert _manifest(store)["n_trajectories"] == 24  # was 12: ped 1 of each merged
    assert "other 1 file(s) are not" in r.output


def test_a_trajnetpp_file_is_read_and_submitted_answers_left_out(tmp_path: Path) -> None:
    lines = [
        json.dumps({"scene": {"id": 0, "p": 1, "s": 30, "e": 220, "fps": 2.5, "tag": [1, []]}})
    ]
    lines += [json.dumps({"track": {"f": f, "p": p, "x": x, "y": y}}) for f, p, x, y in _walkers()]
    lines.append(json.dumps({"track": {"f": 9990, "p": 1, "x": 0.0, "y": 0.0,
                                       "prediction_number": 0, "scene_id": 0}}))  # fmt: skip
    src = tmp_path / "plaza.ndjson"
    src.write_text("\n".join(lines) + "\n")
    store = tmp_path / "tpp"
    r = invoke_cli(["data", "ingest", src, "--out", store, "--time-origin", ORIGIN])
    assert r.exit_code == 0, r.output[-1500:]  # was: "keys ['track'] share none with line 1's"
    assert "TrajNet++" in r.output and "prediction_number" in r.output
    assert _manifest(store)["n_trajectories"] == 12


def test_sdd_annotations_are_told_as_pixels_in_one_line(tmp_path: Path) -> None:
    src = tmp_path / "annotations.txt"
    src.write_text("".join(f'0 {100 + k} 200 {130 + k} 230 {k} 0 0 0 "Pedestrian"\n'
                           for k in range(40)))  # fmt: skip
    r = invoke_cli(["data", "ingest", src, "--out", tmp_path / "s"])
    assert r.exit_code == 2
    assert (
        "Stanford Drone Dataset" in r.output and "pixels" in r.output
    )  # was: "appear more than once"
    assert "--label-col label" in r.output and "Traceback" not in r.output


def test_eval_steps_and_history_size_the_windows(tmp_path: Path) -> None:
    store = tmp_path / "eth"
    r = invoke_cli(["data", "ingest", _eth(tmp_path / "biwi_plaza.txt"), "--out", store,
                    "--time-origin", ORIGIN])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    out = tmp_path / "ev.json"
    r = invoke_cli(["eval", "--task", "predict", "--data", store, "--steps", "5",
                    "--history", "3", "--windows", "all", "--out", out])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]  # was: "No such option: --steps"
    doc = json.loads(out.read_text())
    assert "first 3 points in" in doc["task_definition"]
    assert {row["setting"] for row in doc["results"]} == {"k=5"}
    r = invoke_cli(["eval", "--task", "tte", "--data", store, "--steps", "5"])
    assert r.exit_code == 2 and "--steps" in r.output


def test_run_eval_history_keeps_exactly_that_many_points_in() -> None:
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval.task_definitions import window_sizes

    t = pl.DataFrame({"traj_id": ["a"] * 30 + ["b"] * 15, "t": list(range(30)) + list(range(15)),
                      "lat": [0.0] * 45, "lon": [0.001 * i for i in range(45)]})  # fmt: skip
    task = make_prediction_task(t, k=12, **window_sizes(12, 8))
    assert task.lengths.tolist() == [8]  # "b" (15 < 8 + 12) skipped, "a" exactly 8 in


def test_predict_file_on_a_plane_answers_in_metres(tmp_path: Path, judged: dict) -> None:  # noqa: F811
    src = _eth(tmp_path / "biwi_plaza.txt")
    out = tmp_path / "p.csv"
    r = invoke_cli(["predict", "--model", judged["run"], "--input", src, "--crs", "local",
                    "--time-origin", ORIGIN, "--steps", "3", "--out", out, "--limit", "2",
                    "--no-fallback", "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    got = pl.read_csv(out)
    assert {"x", "y"} <= set(got.columns)  # was lat / lon near (1, 1), said "WGS84"
    assert "local metres" in r.output
    last = {p: (x, y) for _f, p, x, y in _walkers()}  # rows sorted by frame: each one's last
    for row in got.iter_rows(named=True):  # an untrained model: metres near the walker, not
        x, y = last[int(row["traj_id"].split("/")[1])]  # degrees near the stand-in (1, 1)
        assert math.hypot(row["x"] - x, row["y"] - y) < 200, row


def test_predict_takes_frames_at_a_rate_with_an_origin(tmp_path: Path, judged: dict) -> None:  # noqa: F811
    src = tmp_path / "plaza.csv"
    src.write_text("frame,ped,x,y\n" + "".join(f"{f},{p},{x},{y}\n" for f, p, x, y in _walkers()))
    out = tmp_path / "p.csv"
    r = invoke_cli(["predict", "--model", judged["run"], "--input", src, "--crs", "local",
                    "--time-col", "frame", "--time-format", "frames@25", "--time-origin",
                    ORIGIN, "--steps", "2", "--out", out, "--limit", "1", "--no-fallback",
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]  # was: "--time-origin and --time-format: give one"
    assert pl.read_csv(out).height == 2


def test_sub_second_frames_step_at_their_cadence_beside_a_verdict(judged: dict) -> None:  # noqa: F811
    import trajlm

    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    hist = judged["train"].filter(pl.col("traj_id") == judged["train"]["traj_id"][0]).head(20)
    t0 = int(hist["t"][0])
    fast = hist.with_columns(
        t=pl.from_epoch(
            pl.lit(t0 * 1000) + pl.int_range(pl.len()) * 400, time_unit="ms"
        ).dt.replace_time_zone("UTC"),
        traj_id=pl.lit("q"),
    ).select("traj_id", "t", "lat", "lon")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = lm.predict(fast, steps=12)
    gaps = out["t"].diff().drop_nulls().dt.total_milliseconds().unique().to_list()
    assert gaps == [400], gaps  # was 1 s apart from the verdict's engine: 12 s ahead
    assert out["engine"].unique().to_list() == ["model"]
    assert any("faster than once a second" in str(w.message) for w in caught)


@pytest.mark.parametrize("name", ["crowds_zara01.txt", "students003.txt"])
def test_other_headerless_tables_are_left_to_the_header_rule(tmp_path: Path, name: str) -> None:
    from trajlm.data.readers.pedestrian_files import is_eth_ucy

    p = tmp_path / name
    p.write_text("1 2 3\n4 5 6\n")  # three columns: not `frame ped x y`
    assert not is_eth_ucy(p)
    p.write_text("0.5\t1\t2.0\t3.0\n1.5\t1\t2.0\t3.0\n")  # a fractional first column: no frames
    assert not is_eth_ucy(p)


def test_trajlm_evaluate_takes_steps_and_history(tmp_path: Path, judged: dict) -> None:  # noqa: F811
    import trajlm
    from trajlm.errors import TrajlmInputError

    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = lm.evaluate(judged["store"], steps=3, history=6, fallback=False)
    assert set(table["setting"]) == {"k=3"}
    assert "first 6 points in" in table.attrs["markdown"]
    with pytest.raises(TrajlmInputError, match="history must be an integer"):
        lm.evaluate(judged["store"], history=0)
    with pytest.raises(TrajlmInputError, match="history size the k-step table; horizon_s"):
        lm.evaluate(judged["store"], history=6, horizon_s=[60])
