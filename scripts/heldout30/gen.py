"""Seeded held-out sets for heldout30: eight kinds and file layouts no earlier session used.

Measures nothing itself: writes the raw files a new user would have, for the path in
docs/generalization.md "Session 30 (heldout30)".
    python scripts/heldout30/gen.py [OUTDIR]     # default $HELDOUT30/raw or /tmp/heldout30/raw
Outputs (under OUTDIR): radiosonde.txt, cattle_dehesa.csv, ctv_signalk.jsonl, mailvan_portal.xls,
runner_jalali.csv, harvester_bng.csv, rally_wide.csv, campervan_traccar.csv. Same seed, same bytes.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import noisy, step, write_sets  # noqa: E402


def radiosonde(rng, out: Path) -> None:
    """Weather-balloon soundings from one upper-air station (a sounding system's text export):
    whitespace-aligned columns under a `#` comment block, one `Flight` per launch (twice a day),
    `Elapsed(s)` beside `Date` + `Time` in UTC, 2-s rows, the balloon rising at 5 m/s and drifting
    with winds that grow with height (5-45 m/s), lost GPS fixes written as -9999.0."""
    lines = [
        "# Upper-air sounding export, station 10868 Muenchen-Oberschlaissheim",
        "# Sounding system software 2.4.1; positions WGS84, heights above MSL",
        "# Missing values: -9999.0",
        f"{'Flight':>8} {'Elapsed(s)':>10} {'Date':>10} {'Time':>8} {'Lat':>10} {'Lon':>10} "
        f"{'Height(m)':>9} {'P(hPa)':>7} {'T(C)':>6} {'RH(%)':>5} {'WS(m/s)':>7} {'WD(deg)':>7}",
    ]
    for k in range(30):
        launch = pd.Timestamp("2026-11-01 10:45") + pd.Timedelta(
            hours=12 * k, seconds=int(rng.integers(0, 600))
        )
        lat, lon, h = 48.245, 11.553, 484.0
        wd0 = rng.uniform(200, 320)  # westerlies: the wind comes FROM wd
        for i in range(int(rng.integers(700, 1100))):
            el = 2 * i
            ws = 5 + 40 * min(h, 11000) / 11000 + rng.normal(0, 1.5)
            wd = wd0 + 20 * math.sin(h / 3000) + rng.normal(0, 3)
            lat, lon = step(lat, lon, math.radians(wd + 180), ws * 2)
            h += 2 * rng.uniform(4.0, 6.0)
            p = 1013.25 * (1 - 2.25577e-5 * h) ** 5.25588
            t = 15 - 0.0065 * min(h, 11000) + rng.normal(0, 0.3)
            la, lo = noisy(rng, lat, lon, 3)
            if rng.random() < 0.015:
                la = lo = -9999.0
            ts = launch + pd.Timedelta(seconds=el)
            lines.append(
                f"{41026 + k:>8} {el:>10} {ts:%Y-%m-%d} {ts:%H:%M:%S} {la:>10.5f} {lo:>10.5f} "
                f"{h:>9.1f} {p:>7.1f} {t:>6.1f} {rng.integers(5, 95):>5} {ws:>7.1f} {wd % 360:>7.0f}"
            )
    (out / "radiosonde.txt").write_text("\n".join(lines) + "\n")


MESES = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]


def cattle_dehesa(rng, out: Path) -> None:
    """Retinta cattle on an Extremadura dehesa, GPS collars every 30 min (a Spanish-locale
    portal's CSV): `;` separator, decimal commas, `Collar;Fecha;Hora;Latitud;Longitud;...`,
    `Fecha` as `12-ene-2026` with Spanish month abbreviations, local time (CET, no zone), 4 %
    fixes with empty coordinates, 1 % rows sent twice; grazing 0.01-0.3 m/s, night rests."""
    rows = []
    for k in range(30):
        lat, lon = 39.47 + rng.uniform(-0.02, 0.02), -6.37 + rng.uniform(-0.02, 0.02)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-01-10 00:00") + pd.Timedelta(minutes=int(rng.integers(0, 30)))
        for _ in range(int(rng.integers(250, 400))):
            night = t.hour < 7 or t.hour >= 20
            head += rng.normal(0, 0.7)
            lat, lon = step(
                lat, lon, head, (rng.uniform(0, 0.03) if night else rng.uniform(0.01, 0.3)) * 1800
            )
            t += pd.Timedelta(minutes=30, seconds=int(rng.integers(-40, 40)))
            la, lo = noisy(rng, lat, lon, 7)
            ok = rng.random() > 0.04
            fecha = f"{t.day:02d}-{MESES[t.month - 1]}-{t.year}"
            row = (f"VC-{2200 + k}", fecha, t.strftime("%H:%M:%S"),
                   f"{la:.6f}".replace(".", ",") if ok else "", f"{lo:.6f}".replace(".", ",") if ok else "",
                   f"{rng.normal(9, 4):.1f}".replace(".", ","), int(rng.integers(20, 100)))  # fmt: skip
            rows.append(row)
            if rng.random() < 0.01:
                rows.append(row)
    cols = ["Collar", "Fecha", "Hora", "Latitud", "Longitud", "Temperatura (ºC)", "Batería (%)"]
    pd.DataFrame(rows, columns=cols).to_csv(out / "cattle_dehesa.csv", sep=";", index=False)


def ctv_signalk(rng, out: Path) -> None:
    """Crew-transfer vessels at an offshore wind farm, each boat's Signal K server logging deltas
    (JSON Lines, one delta a line): `context` names the vessel by MMSI, `updates[].values[]` holds
    `navigation.position` `{longitude, latitude}` every 5 s, speed over ground in m/s and course in
    radians on the same delta, and wind / depth deltas with no position between them. Transits at
    12-13 m/s, 10-30 min pushed on against a turbine (near still)."""
    lines = []
    turbines = [(54.03 + 0.012 * (i // 6), 6.58 + 0.02 * (i % 6)) for i in range(36)]
    for k in range(8):
        ctx = f"vessels.urn:mrn:imo:mmsi:2350{71200 + k}"
        lat, lon = 53.87, 6.72  # the port
        t = pd.Timestamp("2026-05-04 05:30:00", tz="UTC") + pd.Timedelta(minutes=7 * k)
        for _day in range(2):
            stops = [turbines[j] for j in rng.choice(36, size=3, replace=False)] + [(53.87, 6.72)]
            for tlat, tlon in stops:
                while True:  # transit to the next turbine (or home)
                    dy, dx = (
                        (tlat - lat) * 111320,
                        (tlon - lon) * 111320 * math.cos(math.radians(lat)),
                    )
                    d = math.hypot(dx, dy)
                    if d < 80:
                        break
                    v = min(rng.uniform(12, 13.5), d / 5)
                    cog = math.atan2(dx, dy) + rng.normal(0, 0.02)
                    lat, lon = step(lat, lon, cog, v * 5)
                    t += pd.Timedelta(seconds=5)
                    lines.append(_sk(rng, ctx, t, lat, lon, v, cog))
                    if rng.random() < 0.3:
                        lines.append(_sk_env(rng, ctx, t + pd.Timedelta(milliseconds=400)))
                for _ in range(int(rng.integers(120, 360))):  # pushed on: a few metres of drift
                    t += pd.Timedelta(seconds=5)
                    la, lo = noisy(rng, tlat, tlon, 2)
                    lines.append(
                        _sk(rng, ctx, t, la, lo, abs(rng.normal(0, 0.1)), rng.uniform(0, 6.28))
                    )
            t += pd.Timedelta(hours=13)
    (out / "ctv_signalk.jsonl").write_text("\n".join(lines) + "\n")


def _sk(rng, ctx: str, t: pd.Timestamp, lat: float, lon: float, sog: float, cog: float) -> str:
    vals = [{"path": "navigation.position", "value": {"longitude": round(lon, 7), "latitude": round(lat, 7)}},
            {"path": "navigation.speedOverGround", "value": round(sog, 2)},
            {"path": "navigation.courseOverGroundTrue", "value": round(cog % (2 * math.pi), 4)}]  # fmt: skip
    upd = {"source": {"label": "gps.0", "type": "NMEA0183", "talker": "GP"},
           "timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", "values": vals}  # fmt: skip
    return json.dumps({"context": ctx, "updates": [upd]})


def _sk_env(rng, ctx: str, t: pd.Timestamp) -> str:
    vals = [{"path": "environment.wind.speedApparent", "value": round(rng.uniform(3, 14), 1)},
            {"path": "environment.depth.belowTransducer", "value": round(rng.uniform(18, 30), 1)}]  # fmt: skip
    upd = {"source": {"label": "n2k.1"}, "timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
           "values": vals}  # fmt: skip
    return json.dumps({"context": ctx, "updates": [upd]})


def mailvan_portal(rng, out: Path) -> None:
    """Mail-delivery vans from a fleet portal's "Export to Excel" button: `report.xls` that is an
    HTML table (what many portals send), a title row above the header, `Vehicle` as a plate,
    `Date/Time` `06.12.2026 08:15:02` local (Europe/Vienna, no zone), `Speed (km/h)`, `Address`,
    `Ignition`; 20-s fixes, a stop every 50-250 m on the round."""
    rows = []
    for k in range(24):
        lat, lon = 48.19 + rng.uniform(-0.03, 0.03), 16.36 + rng.uniform(-0.04, 0.04)
        head = rng.choice([0, 0.5 * math.pi, math.pi, 1.5 * math.pi])
        t = pd.Timestamp("2026-12-01 07:30") + pd.Timedelta(
            days=k % 4, minutes=int(rng.integers(0, 40))
        )
        stop, until = 0, rng.uniform(50, 250)
        for _ in range(int(rng.integers(250, 420))):
            if stop:
                v, stop = 0.0, stop - 1
            else:
                v = rng.uniform(3, 11)
                until -= v * 20
                if until < 0:
                    stop, until = int(rng.integers(2, 9)), rng.uniform(50, 250)
                if rng.random() < 0.08:
                    head += rng.choice([-0.5, 0.5]) * math.pi
            lat, lon = step(lat, lon, head, v * 20)
            t += pd.Timedelta(seconds=20)
            la, lo = noisy(rng, lat, lon, 6)
            rows.append((f"W-{43120 + k} PV", t.strftime("%d.%m.%Y %H:%M:%S"), f"{la:.6f}", f"{lo:.6f}",
                         round(v * 3.6), f"Street {int(rng.integers(1, 99))}, 10{int(rng.integers(1, 24)):02d} Wien",
                         "On" if v or stop else "Off"))  # fmt: skip
    cols = ["Vehicle", "Date/Time", "Latitude", "Longitude", "Speed (km/h)", "Address", "Ignition"]
    head_html = "".join(f"<th>{c}</th>" for c in cols)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>\n'
            '<table border="1">\n<tr><td colspan="7"><b>Position report 01.12.2026 - 04.12.2026</b></td></tr>\n'
            f"<tr>{head_html}</tr>\n{body}\n</table></body></html>\n")  # fmt: skip
    (out / "mailvan_portal.xls").write_text(html)


def _jalali(g: pd.Timestamp) -> tuple[int, int, int]:
    """Gregorian date -> Solar Hijri (Jalali) year, month, day (the arithmetic calendar)."""
    gd = (g.normalize() - pd.Timestamp("1979-03-21")).days  # 1 Farvardin 1358
    jy, days = 1358, gd
    while True:
        leap = (25 * jy + 11) % 33 < 8  # the 33-year arithmetic rule
        if days < (366 if leap else 365):
            break
        days, jy = days - (366 if leap else 365), jy + 1
    for jm, ml in enumerate([31] * 6 + [30] * 5 + [30 if leap else 29], start=1):
        if days < ml:
            return jy, jm, days + 1
        days -= ml
    raise ValueError(g)


def runner_jalali(rng, out: Path) -> None:
    """A Tehran running club's watch app export (CSV): `runner`, `date` in the Solar Hijri
    calendar as `1405/09/15` and `time` local Iran time (+03:30, no zone), `lat`, `lng`, heart rate;
    1-s fixes, 2.5-4.5 m/s runs with walk breaks and a stop at the lights, laps in the park."""
    rows = []
    for k in range(30):
        lat, lon = 35.757 + rng.uniform(-0.01, 0.01), 51.41 + rng.uniform(-0.01, 0.01)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-11-20 06:00") + pd.Timedelta(
            days=int(rng.integers(0, 14)), minutes=int(rng.integers(0, 90))
        )
        walk = 0
        for _i in range(int(rng.integers(900, 1500))):
            if walk:
                v, walk = rng.uniform(0, 1.5), walk - 1
            else:
                v = rng.uniform(2.5, 4.5)
                if rng.random() < 0.003:
                    walk = int(rng.integers(30, 120))
            head += rng.normal(0, 0.05)
            lat, lon = step(lat, lon, head, v)
            t += pd.Timedelta(seconds=1)
            la, lo = noisy(rng, lat, lon, 3)
            jy, jm, jd = _jalali(t)
            rows.append((f"r{k + 1:02d}", f"{jy}/{jm:02d}/{jd:02d}", t.strftime("%H:%M:%S"),
                         f"{la:.6f}", f"{lo:.6f}", int(rng.integers(120, 175))))  # fmt: skip
    cols = ["runner", "date", "time", "lat", "lng", "hr"]
    pd.DataFrame(rows, columns=cols).to_csv(out / "runner_jalali.csv", index=False)


def harvester_bng(rng, out: Path) -> None:
    """Forestry harvesters felling in a Scottish spruce plantation (the machines' CSV export):
    `Machine`, `Timestamp` ISO UTC with Z, `Easting` / `Northing` in British National Grid metres
    (EPSG:27700, not named in the file), `Boom` state; 10-s fixes, creeping 0.2-1 m/s along strip
    roads 20 m apart, long holds while felling, 2 % rows with Easting and Northing both 0."""
    rows = []
    for k in range(20):
        e, n = 262400.0 + rng.uniform(-800, 800), 708300.0 + rng.uniform(-800, 800)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-09-14 06:30") + pd.Timedelta(
            days=k % 5, minutes=int(rng.integers(0, 60))
        )
        hold = 0
        for _ in range(int(rng.integers(400, 700))):
            if hold:
                v, hold, boom = 0.0, hold - 1, "Felling"
            else:
                v, boom = rng.uniform(0.2, 1.0), "Driving"
                if rng.random() < 0.06:
                    hold = int(rng.integers(6, 30))
                if rng.random() < 0.01:
                    head += math.pi
            e, n = e + v * 10 * math.sin(head), n + v * 10 * math.cos(head)
            t += pd.Timedelta(seconds=10)
            bad = rng.random() < 0.02
            rows.append((f"HV{k + 1:02d}", t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         0.0 if bad else round(e + rng.normal(0, 2), 1), 0.0 if bad else round(n + rng.normal(0, 2), 1),
                         boom))  # fmt: skip
    cols = ["Machine", "Timestamp", "Easting", "Northing", "Boom"]
    pd.DataFrame(rows, columns=cols).to_csv(out / "harvester_bng.csv", index=False)


def rally_wide(rng, out: Path) -> None:
    """A desert rally-raid stage from the organisers' live-tracking archive, pivoted wide: one row
    per 30-s tick, a `lat_<car>` / `lon_<car>` column pair per car (24 cars), empty cells before a
    car starts, after it finishes and when its tracker missed the tick; UTC times as
    `2026-01-08 07:30:00`; 15-40 m/s on pistes, slower in dunes."""
    t0 = pd.Timestamp("2026-01-08 07:30:00")
    ticks = 900
    data = {
        "time_utc": [
            (t0 + pd.Timedelta(seconds=30 * i)).strftime("%Y-%m-%d %H:%M:%S") for i in range(ticks)
        ]
    }
    for k in range(24):
        car = 201 + k
        lat, lon = 23.58 + rng.uniform(-0.002, 0.002), 45.96 + rng.uniform(-0.002, 0.002)
        head = math.radians(rng.uniform(240, 280))
        start, dur = 4 * k, int(rng.integers(500, 850))
        la_col, lo_col = [""] * ticks, [""] * ticks
        for i in range(start, min(ticks, start + dur)):
            head += rng.normal(0, 0.08)
            v = (
                rng.uniform(15, 40) if (i // 60) % 3 else rng.uniform(6, 14)
            )  # dunes every third hour-half
            lat, lon = step(lat, lon, head, v * 30)
            if rng.random() < 0.03:
                continue
            la, lo = noisy(rng, lat, lon, 5)
            la_col[i], lo_col[i] = f"{la:.5f}", f"{lo:.5f}"
        data[f"lat_{car}"], data[f"lon_{car}"] = la_col, lo_col
    pd.DataFrame(data).to_csv(out / "rally_wide.csv", index=False)


def campervan_traccar(rng, out: Path) -> None:
    """Rental campervans touring New Zealand, a Traccar server's `tc_positions` table dumped to CSV:
    `id,protocol,deviceid,servertime,devicetime,fixtime,valid,latitude,longitude,altitude,speed,
    course,address,attributes,accuracy,network`; speed in knots (Traccar's unit), `fixtime` the GPS
    time (UTC, `2026-02-03 21:04:11`), `servertime` seconds-to-hours later when the modem was out
    of coverage, `valid` 0 rows repeating the last fix, `attributes` a JSON text; 60-s fixes on
    the road, 10-min heartbeats parked overnight."""
    rows, rid = [], 880000
    for k in range(30):
        lat, lon = -43.53 + rng.uniform(-0.05, 0.05), 172.63 + rng.uniform(-0.05, 0.05)
        head, la, lo = rng.uniform(0, 2 * math.pi), lat, lon
        t = pd.Timestamp("2026-02-03 20:00") + pd.Timedelta(minutes=int(rng.integers(0, 120)))
        lag = 0
        for _day in range(3):
            for _ in range(int(rng.integers(120, 220))):
                head += rng.normal(0, 0.15)
                v = rng.uniform(14, 27)
                lat, lon = step(lat, lon, head, v * 60)
                t += pd.Timedelta(seconds=60 + int(rng.integers(-2, 3)))
                lag = (
                    int(rng.integers(600, 7200))
                    if rng.random() < 0.01
                    else max(0, lag - 60)
                    if lag
                    else 0
                )
                valid = rng.random() > 0.03
                if valid:
                    la, lo = noisy(rng, lat, lon, 5)  # an invalid row repeats the last fix
                rid += 1
                rows.append(_traccar(rng, rid, 1400 + k, t, lag, valid, la, lo, v, head))
            for _ in range(60):  # parked overnight: heartbeats
                t += pd.Timedelta(minutes=10)
                rid += 1
                la, lo = noisy(rng, lat, lon, 4)
                rows.append(_traccar(rng, rid, 1400 + k, t, 0, True, la, lo, 0.0, head))
    cols = ["id", "protocol", "deviceid", "servertime", "devicetime", "fixtime", "valid", "latitude",
            "longitude", "altitude", "speed", "course", "address", "attributes", "accuracy", "network"]  # fmt: skip
    pd.DataFrame(rows, columns=cols).to_csv(out / "campervan_traccar.csv", index=False)


def _traccar(rng, rid, dev, t, lag, valid, la, lo, v, head) -> tuple:
    fmt = "%Y-%m-%d %H:%M:%S"
    attrs = json.dumps({"sat": int(rng.integers(4, 14)), "ignition": v > 0, "distance": round(v * 60, 1),
                        "motion": v > 0})  # fmt: skip
    return (rid, "teltonika", dev, (t + pd.Timedelta(seconds=lag + 1)).strftime(fmt), t.strftime(fmt),
            t.strftime(fmt), int(valid), round(la, 7), round(lo, 7), round(rng.uniform(5, 400), 1),
            round(v / 0.514444, 2), round(math.degrees(head) % 360, 1), "", attrs, 0.0, "")  # fmt: skip


SETS = [radiosonde, cattle_dehesa, ctv_signalk, mailvan_portal, runner_jalali, harvester_bng,
        rally_wide, campervan_traccar]  # fmt: skip
FILES = {
    "radiosonde": "radiosonde.txt",
    "cattle_dehesa": "cattle_dehesa.csv",
    "ctv_signalk": "ctv_signalk.jsonl",
    "mailvan_portal": "mailvan_portal.xls",
    "runner_jalali": "runner_jalali.csv",
    "harvester_bng": "harvester_bng.csv",
    "rally_wide": "rally_wide.csv",
    "campervan_traccar": "campervan_traccar.csv",
}


def main() -> None:
    np.seterr(all="ignore")
    write_sets(SETS, "HELDOUT30", 3000, FILES)


if __name__ == "__main__":
    main()
