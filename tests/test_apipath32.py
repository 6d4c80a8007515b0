"""Session 32 (apipath32): a file's path given to the Python API reads as ingest reads it.

Before: the path route kept traj_id / t / lat / lon only, so `predict(PATH)` kept the
cell-tower fixes ingest drops (AWARE: 149) and answered otherwise than the same rows given as
a frame; `check_validity(PATH)` was refused "cannot read a str as trajectories"; an `.ods`
read its largest sheet only (docs/api.md "Session 32 (apipath32)")."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.data.readers import read
from trajlm.reason.validity import check_validity

T0 = 1772438400  # 2026-03-02 08:00 UTC


def _phones_csv(tmp_path: Path) -> Path:
    """Two phones at 10 s, each with one cell-tower fix (1,500 m, 1.5 km off) near the end."""
    rows = []
    for k, phone in enumerate(("P-1", "P-2")):
        for i in range(40):
            far = i == 36
            lat = 55.70 + 1e-4 * i + (0.0135 if far else 0.0)
            t = pd.Timestamp(T0 + 10 * i, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append(f"{phone},{t},{lat:.6f},{37.60 + 0.01 * k:.6f},{1500 if far else 8}")
    p = tmp_path / "phones.csv"
    p.write_text("device_id,timestamp,latitude,longitude,accuracy\n" + "\n".join(rows) + "\n")
    return p


def test_a_path_keeps_the_accuracy_column_ingest_keeps(tmp_path: Path) -> None:
    df = trajlm.to_canonical(_phones_csv(tmp_path))
    assert "accuracy_m" in df.columns  # was: traj_id, t, lat, lon only
    assert "vehicle_id" in df.columns  # the owner column, as ingest keeps it
    assert df.filter(df["accuracy_m"] > 200).height == 2


def test_predict_on_a_path_drops_cell_fixes_as_on_the_same_frame(tmp_path: Path) -> None:
    p = _phones_csv(tmp_path)
    m = trajlm.TrajLM.from_pretrained("trajlm-small")
    with pytest.warns(UserWarning, match=r"2 fix\(es\) whose accuracy column says over 200 m"):
        by_path = m.predict(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_frame = m.predict(pd.read_csv(p))
    assert len(by_path) == len(by_frame) > 0
    np.testing.assert_allclose(by_path["lat"].to_numpy(), by_frame["latitude"].to_numpy())
    np.testing.assert_allclose(by_path["lon"].to_numpy(), by_frame["longitude"].to_numpy())


def test_check_validity_reads_a_path(tmp_path: Path) -> None:
    p = _phones_csv(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = check_validity(p)  # was: "cannot read a PosixPath as trajectories"
        per_trip = check_validity(str(p), per="trajectory")
    assert out.height == 80 and {"valid", "reason_code"} <= set(out.columns)
    assert not out.filter(out["accuracy_m"] > 200)["valid"].any()  # 1.5 km jumps: impossible
    assert sorted(per_trip["device_id"].unique()) == ["P-1", "P-2"]  # the file's name (leftover36)


def _ods(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    def row(cells: list[str]) -> str:
        return "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
            for c in cells
        ) + "</table:table-row>"  # fmt: skip

    tables = "".join(f'<table:table table:name="{name}">' + "".join(map(row, rows))
                     + "</table:table>" for name, rows in sheets.items())  # fmt: skip
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", f"<office:document-content {ns}><office:body>"
                   f"<office:spreadsheet>{tables}</office:spreadsheet></office:body>"
                   "</office:document-content>")  # fmt: skip
    return path


def test_every_sheet_of_an_ods_with_the_header_is_read(tmp_path: Path) -> None:
    head = ["Time", "Latitude", "Longitude"]

    def van(title: str, n: int, lat: float) -> list[list[str]]:
        return [[title], head] + [[f"2026-03-02T08:{i:02d}:00Z", f"{lat + 1e-3 * i:.4f}", "37.6"]
                                  for i in range(n)]  # fmt: skip

    p = _ods(tmp_path / "fleet.ods", {
        "Notes": [["Fleet report"], ["Written by", "dispatch"]],
        "Van A": van("Van A, March 2", 8, 55.70),
        "Van B": van("Van B, March 2", 12, 55.80),  # the largest
    })  # fmt: skip
    df, _ = read(p)  # was: Van B alone (the largest sheet), Van A dropped without a word
    assert sorted(df["traj_id"].unique()) == ["Van A", "Van B"]
    assert df.height == 20
    one = _ods(tmp_path / "one.ods", {"Van A": van("Van A", 8, 55.70), "Notes": [["x", "y"]]})
    assert read(one)[0]["traj_id"].unique().to_list() == ["one"]  # one sheet: the book's name


def test_a_headerless_wialon_frame_is_not_offered_its_parameters_as_the_id() -> None:
    rows = [["REG", T0 + 30 * i, 27.60 - 1e-4 * i, 53.85, 25, 263,
             f"ALT:211.5,pwr_ext:12.7,hdop:1.{i % 3}", f"in1:0,,SATS:{10 + i % 3},gsm:4"]
            for i in range(60)]  # fmt: skip
    df = pd.DataFrame(rows)  # pd.read_csv("x.wln", sep=";", header=None): columns 0..7
    with pytest.raises(trajlm.TrajlmInputError) as e:
        trajlm.to_canonical(df, split_gaps="auto")
    # was: "no column is named as the trajectory, and '7' holds 3 values" (the parameters)
    assert "'7' holds" not in str(e.value) and "time_col" in str(e.value)
    assert "header=None" in str(e.value) and "path" in e.value.hint  # leftover33: the message
    params = pd.DataFrame({"io": ["io239:1,io240:0", "io239:0,io240:0"] * 30, "unit": ["A"] * 60})
    from trajlm.data.coerce_pieces import id_like

    assert not id_like(pl.from_pandas(params), "io")  # Teltonika's IO list: no mover either
    assert id_like(pl.from_pandas(params.assign(unit=["A", "B"] * 30)), "unit")
