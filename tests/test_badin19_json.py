"""Session 19 (badin19), JSON answers of fleet / flight / transit APIs saved as files (formats19's
`_json_records.py`) and epochs read by size: hostile shapes generated here, seeded; each test
failed on the code before its fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = 1_772_611_200  # 2026-03-04T08:00:00Z


def _pts(n: int) -> list[tuple]:
    return [(T0 + 10 * i, round(38.72 + 1e-4 * i, 6), round(-9.14 + 1e-4 * i, 6)) for i in range(n)]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _write(tmp_path, name: str, doc) -> object:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(doc))
    return p


def _records(times: list) -> list[dict]:
    return [
        {"lat": la, "lon": lo, "timestamp": t}
        for t, (_, la, lo) in zip(times, _pts(len(times)), strict=True)
    ]


def test_quoted_coordinates_are_read(tmp_path):
    """Geotab-like records with "38.72" as text were "latitude is missing or not a number"."""
    recs = [{"latitude": str(la), "longitude": str(lo), "dateTime": _iso(t), "device": {"id": "b1"}}
            for t, la, lo in _pts(10)]  # fmt: skip
    df, _ = read(_write(tmp_path, "logrecords.json", recs))
    assert df.height == 10 and abs(df["lat"][3] - 38.7203) < 1e-9


def test_an_epoch_number_among_iso_times_is_read_in_its_unit(tmp_path):
    """One record's time as Unix seconds among ISO text was read as milliseconds: "before
    1990 ... value 1772611"."""
    recs = [{"lat": la, "lon": lo, "time": _iso(t) if i != 4 else t} for i, (t, la, lo) in enumerate(_pts(10))]  # fmt: skip
    df, _ = read(_write(tmp_path, "mixed.json", recs))
    assert df.sort("t")["t"].to_list() == [t for t, _, _ in _pts(10)]


@pytest.mark.parametrize("ms_at", [[5], [5, 6, 7, 8, 9]])
def test_seconds_and_milliseconds_in_one_list_are_one_line_naming_both(tmp_path, ms_at):
    """One ms value among seconds (or half and half) was "before 1990 ... value 1772611"."""
    times = [t * 1000 if i in ms_at else t for i, (t, _, _) in enumerate(_pts(10))]
    with pytest.raises(TrajlmInputError) as e:
        read(_write(tmp_path, "units.json", _records(times)))
    msg = str(e.value)
    assert "units.json field timestamp: Unix times in two units" in msg
    assert "record 0's 1772611200 is a date in seconds" in msg and "milliseconds" in msg


def test_a_nan_time_is_a_missing_time_not_a_change_of_unit(tmp_path):
    """A NaN among seconds made every value read as ms ("before 1990, value 1772611"); now the
    other values are seconds and the NaN is a missing time (skipped on request)."""
    times = [float("nan") if i == 3 else t for i, (t, _, _) in enumerate(_pts(10))]
    p = tmp_path / "nan.json"
    p.write_text(json.dumps(_records(times)))  # NaN as JSON's NaN token
    with pytest.raises(TrajlmInputError, match="time is missing or not parseable"):
        read(p)
    df, rep = read(p, on_error="skip")
    assert df.height == 9 and df["t"].min() == T0


def test_a_nan_among_milliseconds_in_a_csv_names_its_own_line(tmp_path):
    """`timestamp` of ms with one "NaN": the NaN stopped the read by size, so line 2 (a good
    row) was "in the future (milliseconds?)"; now the NaN's line 5 is named."""
    p = tmp_path / "ms.csv"
    p.write_text("id,timestamp,lat,lon\n" + "".join(
        f"o,{'NaN' if i == 3 else t * 1000},{la},{lo}\n" for i, (t, la, lo) in enumerate(_pts(10))))  # fmt: skip
    with pytest.raises(TrajlmInputError, match="ms.csv line 5 field timestamp"):
        read(p)


def test_negative_epochs_are_named_by_their_own_value(tmp_path):
    """-1772611200 was said as "value -1772612" (read as ms)."""
    times = [-t for t, _, _ in _pts(5)]
    with pytest.raises(TrajlmInputError, match=r"before 1990.*value -1772611200"):
        read(_write(tmp_path, "neg.json", _records(times)))


@pytest.mark.parametrize(
    ("doc", "where"), [([], "$ is an empty list"), ({"data": [], "pagination": {}}, "$.data is")]
)
def test_an_empty_answer_says_it_is_empty(tmp_path, doc, where):
    """Geotab's `[]` was "top level is not a JSON object", Samsara's {"data": []} "no
    MovingPoint temporalGeometry ..."; now "no position records", counted empty on skip."""
    p = _write(tmp_path, "answer.json", doc)
    with pytest.raises(
        TrajlmInputError, match=f"no position records in it: {where.replace('$', '[$]')}"
    ):
        read(p)
    _, rep = read(p, on_error="skip")
    assert rep.dropped.get("empty_file") == 1


def test_a_gtfs_rt_poll_without_vehicles_does_not_refuse_the_folder(tmp_path):
    """MessageToJson leaves out an empty `entity`: one such poll among a folder of polls made
    the whole folder "not a trajectory JSON"."""
    for k, (t, la, lo) in enumerate(_pts(6)):
        ent = [{"id": "e1", "vehicle": {"vehicle": {"id": "v1"}, "timestamp": str(t),
                "position": {"latitude": la, "longitude": lo}}}]  # fmt: skip
        _write(
            tmp_path, f"polls/p{k}.json", {"header": {"gtfsRealtimeVersion": "2.0"}, "entity": ent}
        )
    _write(
        tmp_path, "polls/p9.json", {"header": {"gtfsRealtimeVersion": "2.0", "timestamp": str(T0)}}
    )
    df, rep = read(tmp_path / "polls")
    assert df.height == 6 and df["traj_id"].unique().to_list() == ["v1"]
    assert rep.dropped.get("empty_file") == 1


@pytest.mark.parametrize(
    ("recs", "said"),
    [
        ([{"altitude": 1, "longitude": lo, "timestamp": _iso(t)} for t, _, lo in _pts(5)], "no latitude"),
        ([{"lat": la, "latitude": la, "lon": lo, "time": _iso(t)} for t, la, lo in _pts(5)],
         "several latitudes ['lat', 'latitude']"),
        ([{"fa_flight_id": "f1", "timestamp": _iso(t)} for t, _, _ in _pts(5)],
         "no latitude and no longitude"),
    ],
)  # fmt: skip
def test_records_missing_or_doubling_a_field_say_which(tmp_path, recs, said):
    """Were "top level is not a JSON object" / "no MovingPoint temporalGeometry ..."."""
    with pytest.raises(TrajlmInputError) as e:
        read(_write(tmp_path, "track.json", {"positions": recs}))
    assert said in str(e.value) and "records at $.positions" in str(e.value)


@pytest.mark.parametrize(
    "text", ["", '{"lat": 1, "lon": 2, "time": "2026-03-04T08:00:00Z"}\nnot json\n']
)
def test_a_refused_jsonl_gz_closes_its_files_and_folder(tmp_path, text):
    """An empty / broken `.jsonl.gz` left an open file and its unpacked copy's trajlm-xlsx-*
    folder to the garbage collector (ResourceWarning: unclosed file, implicit cleanup)."""
    import gc
    import gzip
    import warnings

    p = tmp_path / "feed.jsonl.gz"
    p.write_bytes(gzip.compress(text.encode()))
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        with pytest.raises(TrajlmInputError):
            read(p)
        gc.collect()
    assert not [str(w.message) for w in ws if issubclass(w.category, ResourceWarning)]


def test_a_csv_of_seconds_and_milliseconds_does_not_advise_unix_ms(tmp_path):
    """Half seconds, half ms in a CSV `timestamp`: "milliseconds? pass --time-format unix_ms",
    which misreads the seconds; now the line of a seconds row is named beside it."""
    p = tmp_path / "st.csv"
    p.write_text("id,timestamp,lat,lon\n" + "".join(
        f"o,{t * (1000 if i > 4 else 1)},{la},{lo}\n" for i, (t, la, lo) in enumerate(_pts(10))))  # fmt: skip
    with pytest.raises(TrajlmInputError) as e:
        read(p)
    assert "st.csv line 7" in str(e.value) and "milliseconds among Unix seconds: line 2" in str(
        e.value
    )
