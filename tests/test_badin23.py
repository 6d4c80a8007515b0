"""badin23: hostile inputs against session 23's new surfaces (docs/reliability.md "Session 23
(badin23)"). Each test failed before its fix: an AIS file ingested with `--label-col ship_type`
(or by its vessel column) kept each vessel whole (3 vessels x 4 voyages -> 3 "voyages"); a
truthy string for keep_copies ("no") read byte copies twice; a hand-edited radii.json `scale`
(fixes 6.7 / true, "0.75", version 3, a scale under version 1) was taken; an infinite
backtest_choice_power set on a loaded model was taken; "within -200 m" was quoted without its
minus; "vehicle V0" was not read where the mover was never cut into trips."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import trajlm
from trajlm.errors import TrajlmInputError

T0 = 1230768000
PKG = Path(trajlm.__file__).parent / "checkpoints" / "trajlm-small"

# ------------------------------------------------------------------ a kind of mover's label


def _ais(path: Path, type_col: str = "ship_type") -> Path:
    """3 vessels x 4 voyages a day apart (30 fixes a minute apart), one ship type each."""
    rng, out = np.random.default_rng(23), []
    for v in range(3):
        for voy in range(4):
            t0, n = T0 + voy * 86400 + v * 600, 30
            out.append(pl.DataFrame({
                "mmsi": [211000000 + v] * n, "ts": t0 + 60 * np.arange(n),
                "lat": 53.54 + 1e-3 * np.arange(n) + rng.normal(0, 2e-5, n) + 0.01 * v,
                "lon": 9.9 + 2e-3 * np.arange(n) + rng.normal(0, 2e-5, n),
                type_col: ["Cargo", "Tanker", "Tug"][v]}))  # fmt: skip
    pl.concat(out).write_csv(path)
    return path


def _ingest(src: Path, out: Path, **columns) -> tuple[dict, list[str]]:
    from trajlm.data.ingest import ingest

    extra = {"label": columns.pop("label")} if "label" in columns else {}
    vehicle = columns.pop("vehicle_col", None)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        m = ingest(src, "csv", out, column_map={**columns, "extra": extra}, vehicle_col=vehicle)
    return m, [str(w.message) for w in said]


@pytest.mark.parametrize(
    "columns, why",
    [
        ({"traj_id": "mmsi", "t": "ts", "label": "ship_type"}, "ship type / species column"),
        ({"t": "ts", "label": "ship_type", "vehicle_col": "mmsi"}, "ship type / species column"),
        ({"traj_id": "mmsi", "t": "ts", "label": "kind"}, "'mmsi' names the movers"),
    ],
)
def test_a_label_per_vessel_is_a_kind_of_mover_and_voyages_are_still_cut(tmp_path, columns, why):
    src = _ais(tmp_path / "ais.csv", "kind" if columns["label"] == "kind" else "ship_type")
    m, said = _ingest(src, tmp_path / "s", **columns)
    assert m["n_trajectories"] == 12  # was 3: each vessel kept whole
    assert "whole_labelled" not in m["reading"]
    line = [s for s in said if "kind of mover" in s]
    assert len(line) == 1 and why in line[0] and "\n" not in line[0]


def test_trip_ids_with_one_class_each_are_still_kept_whole(tmp_path):
    """MAT's tid (a labelled trip with a 40-min stop inside) keeps classify22's rule."""
    rows = []
    for k in range(4):
        t = T0 + k * 86400 + np.r_[np.arange(10) * 30, 3000 + np.arange(10) * 30]
        rows.append(pl.DataFrame({"tid": [k] * 20, "time": t, "lat": 41.15 + 1e-3 * np.arange(20),
                                  "lon": -8.61 + 1e-3 * np.arange(20), "label": ["bus", "car"][k % 2]}))  # fmt: skip
    pl.concat(rows).write_csv(tmp_path / "mat.csv")
    m, said = _ingest(tmp_path / "mat.csv", tmp_path / "s", traj_id="tid", t="time", label="label")
    assert m["n_trajectories"] == 4 and m["reading"]["whole_labelled"] == 4
    assert not [s for s in said if "kind of mover" in s]


# ------------------------------------------------------------------------------ keep_copies


def _plt(path: Path, t0: int, n: int = 40) -> None:
    import datetime as dt

    path.parent.mkdir(parents=True, exist_ok=True)
    head = "Geolife trajectory\nWGS 84\nAltitude is in Feet\nReserved 3\n0,2,255,My Track,0,0,2,8421376\n0\n"
    lines = []
    for i in range(n):
        ts = dt.datetime.fromtimestamp(t0 + 20 * i, dt.UTC)
        lines.append(f"{39.98 + 1e-4 * i:.6f},{116.31 + 1e-4 * i:.6f},0,100,"
                     f"{25569 + (t0 + 20 * i) / 86400:.10f},{ts:%Y-%m-%d},{ts:%H:%M:%S}")  # fmt: skip
    path.write_text(head + "\n".join(lines) + "\n")


@pytest.mark.parametrize("value", ["no", "yes", 1, None, [True]])
def test_keep_copies_is_true_or_false(tmp_path, value):
    from trajlm.data.ingest import ingest
    from trajlm.data.readers import read

    _plt(tmp_path / "Data/001/Trajectory/a.plt", T0)
    shutil.copytree(tmp_path / "Data/001", tmp_path / "Data/002")  # a byte copy under another user
    assert read(tmp_path / "Data", "geolife")[0]["traj_id"].n_unique() == 1
    assert read(tmp_path / "Data", "geolife", keep_copies=True)[0]["traj_id"].n_unique() == 2
    for call in (
        lambda: read(tmp_path / "Data", "geolife", keep_copies=value),
        lambda: ingest(tmp_path / "Data", "geolife", tmp_path / "s", keep_copies=value),
    ):
        with pytest.raises(TrajlmInputError, match="keep_copies must be True or False"):
            call()  # "no" read the copies twice
    assert not (tmp_path / "s").exists()


# ---------------------------------------------------------------------------- radii.json


GOOD = {"kind": "backtest", "median": 0.75, "fixes": 6, "alpha": 1.0, "decay": 1.0, "clip": 3.0}


def _radii(tmp_path: Path, version, scale) -> Path:
    d = json.loads((PKG / "radii.json").read_text())
    d["version"] = version
    if scale is not None:
        d["scale"] = scale
    (tmp_path / "radii.json").write_text(json.dumps(d))
    return tmp_path


@pytest.mark.parametrize(
    "version, scale, says",
    [
        (2, {**GOOD, "fixes": 6.7}, "scale.fixes"),
        (2, {**GOOD, "fixes": True}, "scale.fixes"),
        (2, {**GOOD, "fixes": "6"}, "scale.fixes"),
        (2, {**GOOD, "fixes": 10**9}, "scale.fixes"),
        (2, {**GOOD, "median": "0.75"}, "scale.median"),
        (2, {**GOOD, "alpha": True}, "scale.alpha"),
        (3, GOOD, "version"),
        (1, GOOD, "version"),
        (2, None, "version"),
        (True, None, "version"),
    ],
)
def test_a_hand_edited_scale_is_one_line(tmp_path, version, scale, says):
    from trajlm.eval.radii_bins import load_radii_bins

    with pytest.raises(TrajlmInputError, match="radii.json") as e:
        load_radii_bins(_radii(tmp_path, version, scale))
    assert says in str(e.value) and "\n" not in str(e.value)


def test_good_scales_still_load(tmp_path):
    from trajlm.eval.radii_bins import load_radii_bins

    assert load_radii_bins(_radii(tmp_path, 2, {**GOOD, "fixes": 6.0})).scale.fixes == 6
    assert load_radii_bins(PKG).scale is None  # trajlm-small: version 1


# ------------------------------------------------------------------------ a loaded model


def test_an_infinite_choice_power_set_on_a_loaded_model_is_refused():
    m = trajlm.TrajLM.from_pretrained(PKG)
    h = pl.DataFrame({"traj_id": ["q"] * 10, "t": T0 + 15 * np.arange(10),
                      "lat": 41.15 + 8e-4 * np.arange(10), "lon": -8.61 + 3e-4 * np.arange(10)})  # fmt: skip
    m.config.backtest_choice_power = float("inf")
    with pytest.raises(TrajlmInputError, match="backtest_choice_power must be a finite number"):
        m.predict(h, steps=2)


# ------------------------------------------------------------------------------------ ask


def _asker(frame: pl.DataFrame):
    from trajlm.questions import Asker

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Asker(frame, columns={"user_id": "vehicle"})


@pytest.mark.parametrize("radius", ["-200 m", "-0 m", "- 2 km"])
def test_a_negative_radius_is_quoted_with_its_sign(radius):
    from trajlm.llm.plan import CannotAnswer

    f = pl.DataFrame({"vehicle": ["V0"] * 3, "t": T0 + 60 * np.arange(3),
                      "lat": [41.15, 41.151, 41.152], "lon": [-8.61] * 3})  # fmt: skip
    with pytest.raises(CannotAnswer, match=f"a radius is a distance above 0: '{radius}'"):
        _asker(f)(f"how much time did trips spend within {radius} of 41.15, -8.61?")


def test_a_mover_never_cut_is_still_read_as_the_vehicle():
    f = pl.DataFrame({"vehicle": ["V0", "V0", "V1", "V1"], "t": T0 + 60 * np.arange(4),
                      "lat": [41.15, 41.151, 41.16, 41.161], "lon": [-8.61] * 4})  # fmt: skip
    a = _asker(f)
    assert abs(a("how far did vehicle V1 travel?").value - 111.2) < 1  # was 'did not understand'
    assert a("how many points does vehicle V0 have?").value == 2


def test_radii_in_mi_singular_units_and_negative_exponents_are_read():
    rng, rows = np.random.default_rng(3), []
    for v in range(3):
        for k in range(2):
            n = 30
            rows.append(pl.DataFrame({"vehicle": [f"V{v}"] * n, "t": T0 + v * 1000 + k * 7200 + 20 * np.arange(n),
                                      "lat": 41.15 + 4e-4 * np.arange(n) * (1 + v) + rng.normal(0, 1e-5, n),
                                      "lon": -8.61 + 1e-4 * np.arange(n)}))  # fmt: skip
    a = _asker(pl.concat(rows))
    q = "how many trips came within {} of 41.16, -8.61?"
    for said, metres in [("1 mi", "1609.344 m"), ("1 kilometre", "1000 m"), ("1 meter", "1 m"),
                         ("2e-3 km", "2 m")]:  # fmt: skip
        assert a(q.format(said)).value == a(q.format(metres)).value  # was 'did not understand'


def test_a_ship_type_code_column_given_with_label_col_is_named(tmp_path):
    """`--label-col VesselType` kept the raw codes ('80') where the found column is named."""
    codes = {"Cargo": "70", "Tanker": "80", "Tug": "52"}
    d = pl.read_csv(_ais(tmp_path / "ais.csv"))
    d = d.with_columns(pl.col("ship_type").replace(codes).cast(pl.Int64).alias("VesselType"))
    d.drop("ship_type").write_csv(tmp_path / "codes.csv")
    m, _ = _ingest(
        tmp_path / "codes.csv", tmp_path / "s", traj_id="mmsi", t="ts", label="VesselType"
    )
    from trajlm.data.store import read_store

    s = read_store(tmp_path / "s")
    assert m["n_trajectories"] == 12
    assert sorted(s["label"].unique()) == ["cargo", "tanker", "tug"]
    assert sorted(s["vessel_type_code"].unique()) == [52, 70, 80]
