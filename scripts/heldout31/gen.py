"""Seeded held-out sets for heldout31: eight kinds and file layouts no earlier session used.

Measures nothing itself: writes the raw files a new user would have, for the path in
docs/generalization.md "Session 31 (heldout31)" and docs/data.md "Session 31 (heldout31)".
    python scripts/heldout31/gen.py [OUTDIR]     # default $HELDOUT31/raw or /tmp/heldout31/raw
Outputs (under OUTDIR): vms_tacsat.csv, wialon_vans.csv (Windows-1251), dji_srt/ (a folder of
.SRT clips), rover_rtklib/ (a folder of RTKLIB .pos files), erddap_drifters.csv, fiets_rd.csv,
fleet_xml2003.xls, ttn_uplinks.jsonl. Same seed, same bytes.
"""

import base64
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy, step, write_sets  # noqa: E402

GPS_UTC_S = 18  # GPS time runs 18 s ahead of UTC since 2017


def vms_tacsat(rng, out: Path) -> None:
    """Beam trawlers' VMS pings as an ICES / VMStools `tacsat` table (the format fisheries
    scientists exchange): `VE_COU,VE_REF,SI_LATI,SI_LONG,SI_DATE,SI_TIME,SI_SP,SI_HE,SI_HARB`,
    `SI_DATE` dd/mm/yyyy, `SI_TIME` HH:MM (UTC), speed in knots; hourly pings, trips of 2-4 days
    out of IJmuiden (steaming 10-12 kn, fishing 4-6 kn with turns), in harbour between trips."""
    rows = []
    for _k in range(18):
        vessel = f"NLD{int(rng.integers(10000, 99999))}"
        t = pd.Timestamp("2026-02-02 04:00") + pd.Timedelta(minutes=int(rng.integers(0, 300)))
        for _trip in range(4):
            lat, lon = 52.463, 4.555  # IJmuiden
            head = rng.uniform(4.0, 5.6)  # west-north-west
            n = int(rng.integers(48, 96))
            for i in range(n):
                steaming = i < 6 or i > n - 7
                kn = rng.uniform(10, 12) if steaming else rng.uniform(4, 6)
                if steaming and i > n - 7:  # heading home
                    head = math.atan2((4.555 - lon) * math.cos(math.radians(lat)), 52.463 - lat) % (
                        2 * math.pi
                    )
                else:
                    head += rng.normal(0, 0.1 if steaming else 0.6)
                dt = 3600 + int(rng.integers(-90, 90))
                lat, lon = step(lat, lon, head, kn * 0.514444 * dt)
                t += pd.Timedelta(seconds=dt)
                la, lo = noisy(rng, lat, lon, 15)
                rows.append(("NLD", vessel, round(la, 4), round(lo, 4), t.strftime("%d/%m/%Y"),
                             t.strftime("%H:%M"), round(kn + rng.normal(0, 0.3), 1),
                             round(math.degrees(head) % 360), 0))  # fmt: skip
            for _h in range(int(rng.integers(2, 5))):  # in harbour: a ping every 2 h
                t += pd.Timedelta(hours=2, seconds=int(rng.integers(-60, 60)))
                la, lo = noisy(rng, 52.463, 4.555, 10)
                rows.append(("NLD", vessel, round(la, 4), round(lo, 4), t.strftime("%d/%m/%Y"),
                             t.strftime("%H:%M"), 0.0, 0, 1))  # fmt: skip
            t += pd.Timedelta(hours=int(rng.integers(10, 40)))
    cols = ["VE_COU", "VE_REF", "SI_LATI", "SI_LONG", "SI_DATE", "SI_TIME", "SI_SP", "SI_HE",
            "SI_HARB"]  # fmt: skip
    pd.DataFrame(rows, columns=cols).to_csv(out / "vms_tacsat.csv", index=False)


VANS = ["Газель А123ВС", "Газель В456ОР", "Ларгус Е789КМ", "Соболь Н321ТУ", "Газель К654ХА",
        "Ларгус М987СЕ", "Соболь Р147АВ", "Газель Т258МН", "Ларгус У369ОК", "Газель Х741ЕТ"]  # fmt: skip


def wialon_vans(rng, out: Path) -> None:
    """Moscow delivery vans from a Wialon-style fleet portal's message export (Russian locale):
    Windows-1251 bytes, `;`, decimal commas, `№;Объект;Время;Широта;Долгота;Скорость, км/ч;
    Курс;Высота, м;Спутники`, `01.03.2026 08:15:32` local (Moscow, no zone); a message every
    10-30 s while moving, 3-4 runs a day with the ignition off (no messages) between them."""
    lines = ["№;Объект;Время;Широта;Долгота;Скорость, км/ч;Курс;Высота, м;Спутники"]
    n = 0
    for _k, van in enumerate(VANS):
        for day in range(2):
            t = pd.Timestamp("2026-03-02 08:00") + pd.Timedelta(
                days=day, minutes=int(rng.integers(0, 60))
            )
            for _run in range(int(rng.integers(3, 5))):
                lat, lon = 55.75 + rng.uniform(-0.08, 0.08), 37.62 + rng.uniform(-0.12, 0.12)
                fixes = list(_legs(
                    rng, lat, lon, t, int(rng.integers(90, 200)), 20,
                    lambda: rng.uniform(4, 16), 0.25, stop_p=0.05,
                ))  # fmt: skip
                for t, lat, lon, v, head in fixes:
                    la, lo = noisy(rng, lat, lon, 4)
                    n += 1
                    lines.append(
                        f"{n};{van};{t:%d.%m.%Y %H:%M:%S};{la:.6f};{lo:.6f};{v * 3.6:.0f};"
                        f"{math.degrees(head) % 360:.0f};{rng.uniform(140, 190):.0f};"
                        f"{rng.integers(6, 15)}"
                    )
                    lines[-1] = _comma_decimals(lines[-1])
                t += pd.Timedelta(minutes=int(rng.integers(40, 120)))
    (out / "wialon_vans.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))


def _comma_decimals(line: str) -> str:
    """Decimal points of the coordinates as commas (the date's dots stay)."""
    f = line.split(";")
    f[3], f[4] = f[3].replace(".", ","), f[4].replace(".", ",")
    return ";".join(f)


def dji_srt(rng, out: Path) -> None:
    """A drone pilot's video clips' telemetry: one DJI `.SRT` subtitle file per clip (Mini 3 /
    Air 2S layout), a cue per video frame at 30 fps with `FrameCnt`, the drone's clock
    (`2026-05-09 14:03:21.345`, local, no zone) and `[latitude: ..] [longitude: ..] [rel_alt: ..
    abs_alt: ..]`; 14 clips of 1-3 min over three days, flying 0-12 m/s with hovers."""
    d = out / "dji_srt"
    d.mkdir(exist_ok=True)
    for k in range(14):
        t = pd.Timestamp("2026-05-09 10:00") + pd.Timedelta(
            days=k // 5, hours=int(rng.integers(0, 7)), minutes=int(rng.integers(0, 59))
        )
        lat, lon = 46.62 + rng.uniform(-0.02, 0.02), 8.03 + rng.uniform(-0.02, 0.02)
        head, v, alt = rng.uniform(0, 2 * math.pi), 0.0, rng.uniform(30, 110)
        cues = []
        nframes = int(rng.integers(30 * 60, 30 * 180))
        for f in range(nframes):
            if f % 30 == 0:  # the pilot changes the stick once a second
                v = float(np.clip(v + rng.normal(0, 1.5), 0, 12))
                head += rng.normal(0, 0.15)
                alt = float(np.clip(alt + rng.normal(0, 0.8), 20, 120))
            lat, lon = step(lat, lon, head, v / 30)
            ts = t + pd.Timedelta(milliseconds=round(f * 1000 / 30))
            a, b = (
                pd.Timedelta(milliseconds=round(f * 1000 / 30)),
                pd.Timedelta(milliseconds=round((f + 1) * 1000 / 30)),
            )
            cues.append(
                f"{f + 1}\n{_srt_clock(a)} --> {_srt_clock(b)}\n"
                f'<font size="28">FrameCnt: {f + 1}, DiffTime: 33ms\n'
                f"{ts:%Y-%m-%d %H:%M:%S}.{ts.microsecond // 1000:03d}\n"
                f"[iso: 100] [shutter: 1/640.0] [fnum: 1.7] [ev: 0] [color_md : default] "
                f"[focal_len: 24.00] [latitude: {lat:.6f}] [longitude: {lon:.6f}] "
                f"[rel_alt: {alt:.3f} abs_alt: {alt + 1650:.3f}] [ct: 5400] </font>\n"
            )
        (d / f"DJI_{20260509 + k // 5}{k:04d}_D.SRT").write_text("\n".join(cues))


def _srt_clock(td: pd.Timedelta) -> str:
    s = td.total_seconds()
    return f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{int(s % 60):02d},{int(round(s % 1 * 1000)) % 1000:03d}"


def rover_rtklib(rng, out: Path) -> None:
    """A GNSS survey rover's RTKLIB `rnx2rtkp` solutions, one `.pos` per day (a `%` header with
    the program, the files and the options; `GPST` times, 18 s ahead of UTC, as `2026/03/01
    08:00:00.000`; `Q` 1 fix / 2 float / 5 single; standard deviations): a surveyor walking
    1-1.5 m/s between stake-out points at 1 Hz, standing 20-60 s at each, lunch breaks."""
    d = out / "rover_rtklib"
    d.mkdir(exist_ok=True)
    for day in range(5):
        t0 = pd.Timestamp(f"2026-03-{2 + day:02d} 07:30:00")
        rows = []
        for _sess in range(3):
            lat, lon = 47.3769 + rng.uniform(-0.005, 0.005), 8.5417 + rng.uniform(-0.005, 0.005)
            fixes = list(_legs(
                rng, lat, lon, t0, int(rng.integers(1500, 2500)), 1.0,
                lambda: rng.uniform(1.0, 1.5), 0.08, stop_p=0.01, stop_n=(20, 60),
            ))  # fmt: skip
            for t, lat, lon, _v, _ in fixes:
                q = 1 if rng.random() > 0.08 else int(rng.choice([2, 5]))
                sd = {1: 0.008, 2: 0.15, 5: 1.8}[q]
                la, lo = noisy(rng, lat, lon, sd)
                rows.append((t.floor("s"), la, lo, 410 + rng.normal(0, sd * 1.5), q, sd))
                t0 = t
            t0 = t0 + pd.Timedelta(minutes=int(rng.integers(45, 90)))
        hdr = [
            "% program   : RTKLIB ver.2.4.3 b34",
            f"% inp file  : rover_{rows[0][0]:%m%d}.ubx",
            f"% inp file  : base_{rows[0][0]:%m%d}.rtcm3",
            f"% obs start : {rows[0][0]:%Y/%m/%d %H:%M:%S}.0 GPST",
            f"% obs end   : {rows[-1][0]:%Y/%m/%d %H:%M:%S}.0 GPST",
            "% pos mode  : kinematic",
            "% freqs     : L1+L2",
            "% solution  : forward",
            "% elev mask : 15.0 deg",
            "% ionos opt : broadcast",
            "% tropo opt : saastamoinen",
            "% ephemeris : broadcast",
            "% amb res   : fix and hold",
            "% ref pos   :  47.376512345    8.540123456   408.1234",
            "%",
            "% (lat/lon/height=WGS84/ellipsoidal,Q=1:fix,2:float,3:sbas,4:dgps,5:single,6:ppp,"
            "ns=# of satellites)",
            "%  GPST                  latitude(deg) longitude(deg)  height(m)   Q  ns   sdn(m)"
            "   sde(m)   sdu(m)  sdne(m)  sdeu(m)  sdun(m) age(s)  ratio",
        ]
        body = [
            f"{t:%Y/%m/%d %H:%M:%S}.000 {la:14.9f} {lo:14.9f} {h:10.4f} {q:3d} {rng.integers(8, 19):3d}"
            f" {sd:8.4f} {sd * 0.9:8.4f} {sd * 2.1:8.4f} {rng.normal(0, sd / 3):8.4f}"
            f" {rng.normal(0, sd / 3):8.4f} {rng.normal(0, sd / 3):8.4f} {1.0:6.2f} {rng.uniform(3, 60):6.1f}"
            for t, la, lo, h, q, sd in rows
        ]
        (d / f"rover_{rows[0][0]:%m%d}.pos").write_text("\n".join(hdr + body) + "\n")


def erddap_drifters(rng, out: Path) -> None:
    """Surface drifters from an ERDDAP tabledap `.csv` (NOAA GDP hourly, Gulf Stream box): the
    header `ID,time,latitude,longitude,sst,ve,vn,err_lat,err_lon`, then ERDDAP's units row
    (`,UTC,degrees_north,degrees_east,degree_C,m s-1,...`), ISO `Z` times, hourly, 0.1-1.8 m/s
    carried north-east by the current, NaN where a value is missing."""
    lines = [
        "ID,time,latitude,longitude,sst,ve,vn,err_lat,err_lon",
        ",UTC,degrees_north,degrees_east,degree_C,m s-1,m s-1,degrees_north,degrees_east",
    ]
    for _k in range(24):
        did = 300234060000000 + int(rng.integers(0, 999999))
        lat, lon = 33 + rng.uniform(-2, 3), -77 + rng.uniform(-1, 3)
        t = pd.Timestamp("2026-01-05 00:00")
        u, w = 0.0, 0.0
        for _ in range(int(rng.integers(300, 700))):
            core = max(0.1, 1.6 - 0.4 * abs(lat - (33 + (lon + 77) * 0.45)))
            u = 0.8 * u + 0.2 * (core * 0.8 + rng.normal(0, 0.15))
            w = 0.8 * w + 0.2 * (core * 0.5 + rng.normal(0, 0.15))
            lat, lon = step(lat, lon, math.atan2(u, w), math.hypot(u, w) * 3600)
            t += pd.Timedelta(hours=1)
            la, lo = noisy(rng, lat, lon, 50)
            sst = "NaN" if rng.random() < 0.03 else f"{24 - 0.5 * (lat - 33):.3f}"
            lines.append(
                f"{did},{t:%Y-%m-%dT%H:%M:%SZ},{la:.5f},{lo:.5f},{sst},{u:.4f},{w:.4f},"
                f"{rng.uniform(0.0005, 0.003):.5f},{rng.uniform(0.0005, 0.003):.5f}"
            )
    (out / "erddap_drifters.csv").write_text("\n".join(lines) + "\n")


def fiets_rd(rng, out: Path) -> None:
    """A Dutch cycling study's trips (a research portal's CSV): `;`,
    `deelnemer;rit;tijdstip;x_rd;y_rd;snelheid_kmh`, coordinates in Rijksdriehoek (RD New,
    EPSG:28992) metres, local times without a zone, a fix every 5 s; 30 participants, 2-4
    commutes each in Utrecht at 12-25 km/h with waits at traffic lights."""
    from pyproj import Transformer

    tr = Transformer.from_crs(4326, 28992, always_xy=True)
    lines = ["deelnemer;rit;tijdstip;x_rd;y_rd;snelheid_kmh"]
    rit = 0
    for k in range(30):
        t = pd.Timestamp("2026-09-14 07:30") + pd.Timedelta(minutes=int(rng.integers(0, 90)))
        for _ in range(int(rng.integers(2, 5))):
            rit += 1
            lat, lon = 52.09 + rng.uniform(-0.03, 0.03), 5.12 + rng.uniform(-0.05, 0.05)
            fixes = list(_legs(
                rng, lat, lon, t, int(rng.integers(100, 300)), 5,
                lambda: rng.uniform(3.5, 6.5), 0.12, stop_p=0.02, stop_n=(4, 12),
            ))  # fmt: skip
            for t, lat, lon, v, _ in fixes:
                la, lo = noisy(rng, lat, lon, 5)
                x, y = tr.transform(lo, la)
                lines.append(
                    f"P{k + 1:03d};{rit};{t:%Y-%m-%d %H:%M:%S};{x:.1f};{y:.1f};{v * 3.6:.1f}"
                )
            t += pd.Timedelta(hours=int(rng.integers(3, 10)))
    (out / "fiets_rd.csv").write_text("\n".join(lines) + "\n")


def fleet_xml2003(rng, out: Path) -> None:
    """A legacy fleet portal's "Excel" download that is XML Spreadsheet 2003 (`.xls`, the
    `urn:schemas-microsoft-com:office:spreadsheet` namespace): a title row, then `Vehicle,
    Date/Time, Latitude, Longitude, Speed (km/h), Heading, Address`; `ss:Type="DateTime"` cells
    (local, no zone); 16 delivery trucks around Lyon, a row every 30-60 s, stops at customers."""
    rows = []
    for k in range(16):
        plate = f"{rng.integers(100, 999)}-{'ABCDEFGH'[k % 8]}{'KLMNPRST'[k // 2]}-69"
        t = pd.Timestamp("2026-05-04 06:30") + pd.Timedelta(minutes=int(rng.integers(0, 60)))
        for _ in range(3):
            lat, lon = 45.76 + rng.uniform(-0.05, 0.05), 4.84 + rng.uniform(-0.07, 0.07)
            fixes = list(_legs(
                rng, lat, lon, t, int(rng.integers(80, 160)), 45,
                lambda: rng.uniform(5, 18), 0.3, stop_p=0.04, stop_n=(2, 6),
            ))  # fmt: skip
            for t, lat, lon, v, head in fixes:
                la, lo = noisy(rng, lat, lon, 5)
                rows.append((plate, t.floor("s"), la, lo, v * 3.6, math.degrees(head) % 360))
            t += pd.Timedelta(minutes=int(rng.integers(45, 100)))

    def cell(v, typ="String", style=None):
        st = f' ss:StyleID="{style}"' if style else ""
        return f'<Cell{st}><Data ss:Type="{typ}">{v}</Data></Cell>'

    head = ["Vehicle", "Date/Time", "Latitude", "Longitude", "Speed (km/h)", "Heading", "Address"]
    xml = [
        '<?xml version="1.0"?>',
        '<?mso-application progid="Excel.Sheet"?>',
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"',
        ' xmlns:o="urn:schemas-microsoft-com:office:office"',
        ' xmlns:x="urn:schemas-microsoft-com:office:excel"',
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">',
        ' <Styles><Style ss:ID="d"><NumberFormat ss:Format="General Date"/></Style></Styles>',
        ' <Worksheet ss:Name="Historique">',
        "  <Table>",
        f"   <Row>{cell('Position history report 04/05/2026 - 05/05/2026')}</Row>",
        "   <Row>" + "".join(cell(h) for h in head) + "</Row>",
    ]
    for plate, t, la, lo, v, hd in rows:
        addr = f"{rng.integers(1, 200)} rue de la R&#233;publique, Lyon"
        xml.append(
            "   <Row>" + cell(plate) + cell(f"{t:%Y-%m-%dT%H:%M:%S}.000", "DateTime", "d")
            + cell(f"{la:.6f}", "Number") + cell(f"{lo:.6f}", "Number")
            + cell(f"{v:.0f}", "Number") + cell(f"{hd:.0f}", "Number") + cell(addr) + "</Row>"
        )  # fmt: skip
    xml += ["  </Table>", " </Worksheet>", "</Workbook>"]
    (out / "fleet_xml2003.xls").write_text("\n".join(xml) + "\n")


GATEWAYS = [("gw-depot-01", 50.8466, 4.3528), ("gw-north-02", 50.8790, 4.3700),
            ("gw-south-03", 50.8200, 4.3600)]  # fmt: skip


def ttn_uplinks(rng, out: Path) -> None:
    """Cargo-bike GPS trackers' LoRaWAN uplinks as The Things Stack (v3) webhook JSON Lines:
    `end_device_ids.device_id`, `received_at` (ns, Z), `uplink_message.decoded_payload`
    {latitude, longitude, altitude, hdop, sats, battery}, and `rx_metadata[]` with each
    receiving GATEWAY's own `location` (not the bike's); an uplink a minute while riding, a
    heartbeat each 30 min when parked; 6 % uplinks without a fix (latitude 0, longitude 0)."""
    recs = []
    for k in range(20):
        dev = f"cargobike-{k + 1:02d}"
        t = pd.Timestamp("2026-04-13 07:00", tz="UTC") + pd.Timedelta(
            minutes=int(rng.integers(0, 60))
        )
        fcnt = int(rng.integers(0, 5000))
        for _ in range(int(rng.integers(4, 7))):
            lat, lon = 50.85 + rng.uniform(-0.02, 0.02), 4.35 + rng.uniform(-0.03, 0.03)
            fixes = list(_legs(
                rng, lat, lon, t, int(rng.integers(15, 45)), 60,
                lambda: rng.uniform(3, 6), 0.3, stop_p=0.03, stop_n=(2, 5),
            ))  # fmt: skip
            for t, lat, lon, _v, _ in fixes:
                fcnt += 1
                recs.append(_ttn(rng, dev, t, fcnt, lat, lon, rng.random() < 0.06))
            for _h in range(int(rng.integers(2, 6))):  # parked: heartbeats
                t += pd.Timedelta(minutes=30, seconds=int(rng.integers(-20, 20)))
                fcnt += 1
                recs.append(_ttn(rng, dev, t, fcnt, lat, lon, rng.random() < 0.06))
    recs.sort(key=lambda r: r["received_at"])
    (out / "ttn_uplinks.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))


def _ttn(rng, dev, t, fcnt, lat, lon, nofix) -> dict:
    la, lo = noisy(rng, lat, lon, 6)
    if nofix:
        la = lo = 0.0
    got = t + pd.Timedelta(microseconds=int(rng.integers(100_000, 900_000)))
    stamp = f"{got:%Y-%m-%dT%H:%M:%S}.{got.microsecond:06d}{int(rng.integers(0, 999)):03d}Z"
    gws = [GATEWAYS[i] for i in sorted(rng.choice(3, int(rng.integers(1, 4)), replace=False))]
    payload = bytes(rng.integers(0, 255, 11).tolist())
    return {
        "end_device_ids": {"device_id": dev, "application_ids": {"application_id": "cargo-fleet"},
                           "dev_eui": f"70B3D57ED005{fcnt % 65536:04X}", "dev_addr": "260B5A1C"},
        "correlation_ids": [f"as:up:01HV{int(rng.integers(10**9, 10**10))}"],
        "received_at": stamp,
        "uplink_message": {
            "f_port": 2, "f_cnt": fcnt, "frm_payload": base64.b64encode(payload).decode(),
            "decoded_payload": {"latitude": round(la, 6), "longitude": round(lo, 6),
                                "altitude": round(float(rng.uniform(20, 60)), 1),
                                "hdop": round(float(rng.uniform(0.7, 2.5)), 1),
                                "sats": int(rng.integers(4, 12)),
                                "battery": round(float(rng.uniform(3.5, 4.1)), 2)},
            "rx_metadata": [{"gateway_ids": {"gateway_id": g, "eui": "B827EBFFFE000001"},
                             "time": stamp, "rssi": int(rng.integers(-120, -70)),
                             "snr": round(float(rng.uniform(-8, 10)), 1),
                             "location": {"latitude": gl, "longitude": gn, "altitude": 35,
                                          "source": "SOURCE_REGISTRY"}}
                            for g, gl, gn in gws],
            "settings": {"data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 9}},
                         "frequency": "868100000"},
            "received_at": stamp, "consumed_airtime": "0.164864s",
        },
    }  # fmt: skip


SETS = [vms_tacsat, wialon_vans, dji_srt, rover_rtklib, erddap_drifters, fiets_rd,
        fleet_xml2003, ttn_uplinks]  # fmt: skip
FILES = {
    "vms_tacsat": "vms_tacsat.csv",
    "wialon_vans": "wialon_vans.csv",
    "dji_srt": "dji_srt/",
    "rover_rtklib": "rover_rtklib/",
    "erddap_drifters": "erddap_drifters.csv",
    "fiets_rd": "fiets_rd.csv",
    "fleet_xml2003": "fleet_xml2003.xls",
    "ttn_uplinks": "ttn_uplinks.jsonl",
}


def main() -> None:
    np.seterr(all="ignore")
    write_sets(SETS, "HELDOUT31", 3100, FILES)


if __name__ == "__main__":
    main()
