"""Session 33 (heldout33): `trajlm predict --input FILE` on the held-out kinds reads the file as
ingest reads it.

Before: a gpsd capture and a CZML document named `.json` / `.czml` went to the GeoJSON reader
("not valid JSON", "keys name no latitude"); an InfluxDB download was read as a plain CSV
("column names appear more than once"); Torque Pro's `GPS Time` answers came back in UTC while
the CLI said the input's offsets were kept. docs/data.md "Session 33 (heldout33)"."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import predict_small_csv


def test_a_gpsd_capture_named_json_is_predicted(tmp_path: Path) -> None:
    lines = [{"class": "VERSION", "release": "3.25"}] + [
        {"class": "TPV", "device": "/dev/ttyACM0", "mode": 3, "lat": 45.76 + s * 1e-4,
         "lon": 4.84 + s * 1e-4, "time": f"2026-05-11T05:30:{2 * s:02d}.000Z"}
        for s in range(12)]  # fmt: skip
    p = tmp_path / "bus.json"
    p.write_text("\n".join(map(json.dumps, lines)) + "\n")
    out = predict_small_csv(tmp_path, p)  # was: "not valid JSON (Extra data: line 2 ...)"
    assert out.height == 5 and float(out["lat"][0]) > 45.761


def test_a_czml_document_is_predicted(tmp_path: Path) -> None:
    samples = [v for s in range(12) for v in (5 * s, 8.5 + s * 1e-4, 47.3 + s * 1e-4, 450)]
    doc = [{"id": "document", "version": "1.0"},
           {"id": "d1", "position": {"epoch": "2026-06-02T08:00:00Z", "cartographicDegrees": samples}}]  # fmt: skip
    p = tmp_path / "drones.czml"
    p.write_text(json.dumps(doc))
    out = predict_small_csv(tmp_path, p)  # was: "keys name no latitude and no longitude"
    assert out.height == 5 and float(out["lat"][0]) > 47.301


def test_torque_gps_time_answers_come_back_on_its_offset(tmp_path: Path) -> None:
    p = tmp_path / "trackLog-2026-Mar-02_07-40-00.csv"
    p.write_text("GPS Time, Device Time, Longitude, Latitude\n" + "".join(
        f"Mon Mar 02 07:40:{2 * s:02d} GMT+01:00 2026,02-Mar-2026 07:40:{2 * s:02d}.512,"
        f"{11.62 + s * 1e-4:.4f},{48.16 + s * 1e-4:.4f}\n" for s in range(12)))  # fmt: skip
    out = predict_small_csv(tmp_path, p)
    assert out["GPS Time"][0].startswith("2026-03-02 07:40:2") and out["GPS Time"][0].endswith(
        "+01:00"
    )
