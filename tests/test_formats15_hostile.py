"""Session 15 (formats15): `.gz` of every track format, a Strava bulk-export folder, and hostile
inputs of each new reader (truncated, wrong checksum, huge counts, empty): one clear line,
never a traceback. Generators: tests/test_formats15.py."""

from __future__ import annotations

import gzip
import struct

import polars as pl
import pytest
from reliability_helpers import fails, invoke
from test_formats15 import assert_exact, igc, track, write_fit

from trajlm.data.readers import ReadLimits, detect_format, read
from trajlm.data.schema import TrajlmInputError


def gpx(points) -> str:
    pts = "".join(
        f'<trkpt lat="{la:.7f}" lon="{lo:.7f}"><time>{_iso(t)}</time></trkpt>'
        for t, la, lo in points
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
            f"<trk><trkseg>{pts}</trkseg></trk></gpx>\n")  # fmt: skip


def tcx(points) -> str:
    tp = "".join(f"<Trackpoint><Time>{_iso(t)}</Time><Position><LatitudeDegrees>{la:.7f}</LatitudeDegrees>"
                 f"<LongitudeDegrees>{lo:.7f}</LongitudeDegrees></Position></Trackpoint>" for t, la, lo in points)  # fmt: skip
    # Strava's exported TCX files start with ten spaces before the XML declaration
    return ('          <?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase xmlns='
            '"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities><Activity Sport="Biking">'
            f"<Lap><Track>{tp}</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n")  # fmt: skip


def nmea(points) -> str:
    out = []
    for t, la, lo in points:
        from datetime import UTC, datetime

        s = datetime.fromtimestamp(t, UTC)
        body = (f"GPRMC,{s:%H%M%S},A,{int(la):02d}{(la % 1) * 60:07.4f},N,{int(lo):03d}{(lo % 1) * 60:07.4f},E,"
                f"1.0,0.0,{s:%d%m%y},,,A")  # fmt: skip
        cs = 0
        for ch in body:
            cs ^= ord(ch)
        out.append(f"${body}*{cs:02X}")
    return "\r\n".join(out) + "\r\n"


def _iso(t: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_gz_of_every_track_format_is_read_like_the_plain_file(tmp_path):
    pts = track(25)
    r7 = [(t, round(la, 7), round(lo, 7)) for t, la, lo in pts]
    text, igc_truth = igc(pts)
    files = {"walk.gpx.gz": (gpx(pts), r7), "ride.tcx.gz": (tcx(pts), r7), "log.nmea.gz": (nmea(pts), None),
             "flight.igc.gz": (text, igc_truth)}  # fmt: skip
    for name, (content, truth) in files.items():
        (tmp_path / name).write_bytes(gzip.compress(content.encode()))
        df, rep = read(tmp_path / name)
        assert rep.total == 0 and len(df) == 25, name
        assert df["traj_id"][0].split("/")[0] == name.split(".")[0]  # ids from the inner stem
        if truth:
            assert_exact(df, truth)
    (tmp_path / "plain.tcx").write_text(tcx(pts))  # the leading spaces, without gzip
    assert_exact(read(tmp_path / "plain.tcx")[0], r7)


def test_a_strava_export_folder_reads_every_activity(tmp_path):
    acts = tmp_path / "export_1234" / "activities"
    acts.mkdir(parents=True)
    kinds = [("Ride", "gpx"), ("Run", "gpx.gz"), ("Walk", "tcx.gz"), ("Ride", "fit.gz")]
    (tmp_path / "export_1234" / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Filename\n"
        + "".join(f'{101 + k},"Sep 1, 2026, 6:00:00 AM",x,{kind},activities/{101 + k}.{ext}\n'
                  for k, (kind, ext) in enumerate(kinds))
    )  # fmt: skip
    tracks = {k: track(20, lat0=46.05 + k / 100, t0=1_779_000_000 + 86_400 * k) for k in range(4)}
    (acts / "101.gpx").write_text(gpx(tracks[0]))
    (acts / "102.gpx.gz").write_bytes(gzip.compress(gpx(tracks[1]).encode()))
    (acts / "103.tcx.gz").write_bytes(gzip.compress(tcx(tracks[2]).encode()))
    n = 3
    try:
        import fitdecode  # noqa: F401

        (acts / "104.fit.gz").write_bytes(gzip.compress(write_fit(tracks[3])))
        n = 4
    except ImportError:
        pass
    for root in (tmp_path / "export_1234", acts):
        assert detect_format(root) == "tracks"
        df, rep = read(root)
        assert rep.total == 0 and len(df) == 20 * n
        assert {i.split("/")[0] for i in df["traj_id"]} == {str(101 + k) for k in range(n)}
        got = dict(
            df.select(pl.col("traj_id").str.split("/").list.first(), "label").unique().iter_rows()
        )
        assert got == {
            str(101 + k): kinds[k][0] for k in range(n)
        }  # activities.csv's type as label


def test_damaged_gzip_and_gzip_bombs_are_one_line(tmp_path):
    (tmp_path / "cut.gpx.gz").write_bytes(gzip.compress(gpx(track(200)).encode())[:300])
    fails(
        "data",
        "ingest",
        tmp_path / "cut.gpx.gz",
        "--out",
        tmp_path / "s1",
        names=("truncated gzip",),
    )
    (tmp_path / "bomb.gpx.gz").write_bytes(gzip.compress(b"<gpx>" + b" " * 5_000_000))
    with pytest.raises(TrajlmInputError, match="max_zip_member_bytes"):
        read(tmp_path / "bomb.gpx.gz", limits=ReadLimits(max_zip_member_bytes=1_000_000))


def test_hostile_fit_files_are_one_line(tmp_path):
    pytest.importorskip("fitdecode", reason="FIT needs the optional trajlm[formats] extra")
    good = write_fit(track(30))
    cases = {
        "empty.fit": (b"", "empty file"),
        "text.fit": (b"lat,lon\n1,2\n" * 3, "not a readable FIT file"),
        "cut.fit": (good[:-40], "not a readable FIT file"),
        "crc.fit": (good[:-1] + bytes([good[-1] ^ 0xFF]), "not a readable FIT file"),
        "huge.fit": (
            good[:4] + struct.pack("<I", 0xFFFFFFF0) + good[8:],
            "not a readable FIT file",
        ),
        "indoor.fit": (write_fit(track(5), nofix=set(range(5))), "no record with a GPS position"),
    }
    for name, (data, says) in cases.items():
        (tmp_path / name).write_bytes(data)
        fails("data", "ingest", tmp_path / name, "--out", tmp_path / f"st_{name}", names=(says,))
    df, rep = read(tmp_path / "cut.fit", on_error="skip")  # the records before the damage
    assert 20 <= len(df) < 30 and rep.dropped["damaged_fit"] == 1


def test_hostile_igc_files_are_one_line(tmp_path):
    text, _ = igc(track(10))
    cases = {
        "empty.igc": ("", "no B (fix) records"),
        "nodate.igc": (
            "\n".join(ln for ln in text.splitlines() if not ln.startswith("HFDTE")),
            "HFDTE",
        ),
        "baddate.igc": (text.replace("HFDTE", "HFDTE99"), "not a date"),
        "minutes.igc": (text.replace(text.splitlines()[4][7:12], "99999", 1), "not a B record"),
    }
    for name, (content, says) in cases.items():
        (tmp_path / name).write_text(content)
        fails("data", "ingest", tmp_path / name, "--out", tmp_path / f"st_{name}", names=(says,))
    df, rep = read(tmp_path / "minutes.igc", on_error="skip")
    assert len(df) == 9 and rep.dropped == {"malformed_row": 1}


def test_hostile_aivdm_is_counted_or_one_line(tmp_path):
    pytest.importorskip("pyais", reason="raw AIS needs the optional trajlm[formats] extra")
    from test_formats15 import aivdm_lines

    def signed(line: str) -> str:  # a sentence with its checksum recomputed
        tag, _, body = line.rpartition("\\")
        core = body.split("*")[0]
        cs = 0
        for ch in core[1:]:
            cs ^= ord(ch)
        return f"{tag}\\{core}*{cs:02X}"

    path, _ = aivdm_lines(tmp_path)
    lines = path.read_text().splitlines()
    lines[0] = lines[0][:-2] + ("00" if not lines[0].endswith("00") else "11")  # wrong checksum
    lines[1] = signed(
        lines[1].replace("!AIVDM,1,1,,", "!AIVDM,9,1,7,")
    )  # 9 parts announced, 1 sent
    head, payload, tail = lines[2].rsplit(",", 2)
    lines[2] = signed(f"{head},{payload[:10]},{tail}")  # a truncated payload (lat missing)
    (tmp_path / "bad.nmea").write_text("\n".join(lines) + "\n")
    df, rep = read(tmp_path / "bad.nmea", on_error="skip")
    assert rep.dropped == {"bad_checksum": 1, "malformed_row": 2} and len(df) == 33
    fails(
        "data",
        "ingest",
        tmp_path / "bad.nmea",
        "--out",
        tmp_path / "s1",
        names=("truncated type 1 payload", "line 3"),
    )
    (tmp_path / "empty.nmea").write_text("")
    r = invoke("data", "ingest", tmp_path / "empty.nmea", "--out", tmp_path / "s2")
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_hostile_gtfs_rt_is_one_line(tmp_path):
    pytest.importorskip(
        "google.transit.gtfs_realtime_pb2",
        reason="GTFS-rt needs the optional trajlm[formats] extra",
    )
    from test_formats15 import feed

    good = feed(1_779_000_000, {"7": (1_779_000_000, -34.9, 138.6)})
    cases = {
        "cut.pb": (good[:-7], "not a GTFS-realtime FeedMessage"),
        "json.pb": (
            b'{"header": {"gtfsRealtimeVersion": "2.0"}}',
            "not a GTFS-realtime FeedMessage",
        ),
        "huge.pb": (b"\x12\xff\xff\xff\xff\x0f" + good, "not a GTFS-realtime FeedMessage"),
        "empty.pb": (b"", "no vehicle positions"),
    }
    for name, (data, says) in cases.items():
        (tmp_path / name).write_bytes(data)
        fails("data", "ingest", tmp_path / name, "--out", tmp_path / f"st_{name}", names=(says,))
