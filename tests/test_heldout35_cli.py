"""Session 35 (heldout35): `trajlm predict --input FILE` on the held-out kinds reads the file as
ingest reads it.

Before: `--input fcd.xml --time-origin ...` (SUMO's elapsed seconds) was refused "time before
1990 ... declare the instant they count from: --time-origin" with the option given (the reader
ran before the origin was added); a fleet report with title lines above its header was "damaged
file (found more fields than defined in 'Schema')"; a pandas `to_json` frame "not a trajectory
JSON". docs/data.md "Session 35 (heldout35)"."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
from helpers import invoke_cli, predict_small_csv


def _fcd() -> str:
    steps = [f'<timestep time="{21600 + s}.00"><vehicle id="flow_0.1" x="{11.34 + s * 1e-4}" '
             f'y="44.49" angle="90.00" type="bus" speed="8.00"/></timestep>' for s in range(12)]  # fmt: skip
    return '<?xml version="1.0"?>\n<fcd-export>\n' + "\n".join(steps) + "\n</fcd-export>\n"


def test_sumo_fcd_is_predicted_with_its_time_origin(tmp_path: Path) -> None:
    p = tmp_path / "fcd.xml"
    p.write_text(_fcd())
    out = tmp_path / "out.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", p, "--out", out, "--threads",
                    "1", "--time-origin", "2026-11-30T00:00:00Z"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]  # was: "declare ... --time-origin" (given)
    got = pl.read_csv(out)
    assert got.height == 5 and got["t"].min() > 21611  # seconds since the origin, as given


def test_a_report_with_title_lines_is_predicted(tmp_path: Path) -> None:
    p = tmp_path / "report.csv"
    p.write_text("Location History Report\nAccount: Gulf Coast Plumbing LLC\n\n"
                 "Vehicle Name,Time,Latitude,Longitude\n" + "".join(
                     f"Truck 11,2026-11-02T13:{10 + k:02d}:00Z,{29.76 + k * 1e-3},-95.37\n"
                     for k in range(12)))  # fmt: skip
    out = predict_small_csv(tmp_path, p)  # was: "damaged file (found more fields ...)"
    assert out.height == 5 and float(out["lat"][0]) > 29.77


def test_a_pandas_to_json_frame_is_predicted(tmp_path: Path) -> None:
    df = pd.DataFrame({"vehicle_id": ["V1"] * 12,
                       "ts": pd.date_range("2026-11-02 13:10", periods=12, freq="10s"),
                       "lat": [29.76 + k * 1e-4 for k in range(12)], "lng": [-95.37] * 12})  # fmt: skip
    p = tmp_path / "frame.json"
    df.to_json(p, date_format="iso")
    out = predict_small_csv(tmp_path, p)  # was: "not a trajectory JSON trajlm reads"
    assert out.height == 5 and out[out.columns[0]].unique().to_list() == ["V1"]
