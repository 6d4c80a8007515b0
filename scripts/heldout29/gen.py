"""Seeded held-out sets for heldout29: eight kinds and file layouts no earlier session used.

Measures nothing itself: writes the raw files a new user would have, for the path in
docs/generalization.md "Session 29 (heldout29)".
    python scripts/heldout29/gen.py [OUTDIR]     # default $HELDOUT29/raw or /tmp/heldout29/raw
Outputs (under OUTDIR): dogsled_race.csv, sheep_fence.json, pigeon_race.csv, survey_nmea.nmea,
ebike_telemetry.jsonl, kayak_inreach.kml, police_avl.csv, golf_carts.csv. Same seed, same bytes.
"""

import json
import math
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import noisy, step, write_sets  # noqa: E402

EPOCH = pd.Timestamp("1970-01-01")


def dogsled_race(rng, out: Path) -> None:
    """A long-distance sled-dog race's tracker export (CSV): `Timestamp` in Alaska local time
    with the zone's abbreviation in each cell (`03/08/2026 01:50 AKST`, then `AKDT` once daylight
    saving starts mid-race), 10-min fixes, 2.5-4 m/s on the trail, 4-8 h rests at checkpoints
    (`Status` text), speed in mph, 2 % of rows sent twice."""
    dst = pd.Timestamp("2026-03-08 11:00")  # 02:00 AKST = 11:00 UTC: clocks go forward
    rows = []
    for k in range(24):
        lat, lon = 61.58 + rng.uniform(-0.01, 0.01), -149.1 + rng.uniform(-0.01, 0.01)
        head = math.radians(rng.uniform(280, 320))
        t = pd.Timestamp("2026-03-07 20:00") + pd.Timedelta(minutes=2 * k)  # UTC
        rest = 0
        for i in range(int(rng.integers(300, 420))):
            if rest:
                v, rest, status = 0.0, rest - 1, "Resting at checkpoint"
            else:
                v, status = rng.uniform(2.5, 4.0), "On trail"
                head += rng.normal(0, 0.15)
                if i and i % 60 == 0:
                    rest = int(rng.integers(24, 48))
            lat, lon = step(lat, lon, head, v * 600)
            t += pd.Timedelta(minutes=10, seconds=int(rng.integers(-20, 20)))
            la, lo = noisy(rng, lat, lon, 8)
            local = t + pd.Timedelta(hours=-8 if t >= dst else -9)
            zone = "AKDT" if t >= dst else "AKST"
            row = (k + 1, f"Musher {k + 1}", local.strftime("%m/%d/%Y %H:%M ") + zone,
                   f"{la:.5f}", f"{lo:.5f}", round(v / 0.44704, 1), status)  # fmt: skip
            rows.append(row)
            if rng.random() < 0.02:
                rows.append(row)
    cols = ["Bib", "Musher", "Timestamp", "Lat", "Lon", "Speed (mph)", "Status"]
    pd.DataFrame(rows, columns=cols).to_csv(out / "dogsled_race.csv", index=False)


def sheep_fence(rng, out: Path) -> None:
    """A flock's virtual-fencing collars, the vendor's JSON API dump: one object per collar with
    a `positions` list of `{"ts": epoch s, "lat", "lng", "acc"}`, 15-min fixes, grazing at
    0.02-0.2 m/s, 5 % of fixes with null positions (no satellites under the collar)."""
    collars = []
    for k in range(28):
        lat, lon = 60.39 + rng.uniform(-0.01, 0.01), 5.32 + rng.uniform(-0.01, 0.01)
        head = rng.uniform(0, 2 * math.pi)
        ts = int((pd.Timestamp("2026-06-10") - EPOCH).total_seconds()) + 60 * k
        pos = []
        for _ in range(int(rng.integers(160, 240))):
            head += rng.normal(0, 0.6)
            lat, lon = step(lat, lon, head, rng.uniform(0.02, 0.2) * 900)
            ts += 900 + int(rng.integers(-30, 30))
            la, lo = noisy(rng, lat, lon, 6)
            ok = rng.random() > 0.05
            pos.append({"ts": ts, "lat": round(la, 6) if ok else None,
                        "lng": round(lo, 6) if ok else None,
                        "acc": int(rng.integers(3, 25)) if ok else None})  # fmt: skip
        collars.append({"serial": f"NF{41230 + k}", "name": f"Ewe {k + 1}", "battery": 78,
                        "positions": pos})  # fmt: skip
    (out / "sheep_fence.json").write_text(json.dumps({"farm": "Lia", "collars": collars}))


def pigeon_race(rng, out: Path) -> None:
    """Racing pigeons' GPS loggers, a German club program's export (`;`, decimal commas):
    `Ring-Nr.`, `Datum` dd.mm.yyyy, `Uhrzeit` in local summer time (no zone), `Breite`,
    `Länge`, `Höhe (m)`, `Geschw. (km/h)`; 5 s, 15-25 m/s home, 20 min in the basket at the
    release site first (the logger is on)."""
    rows = []
    for k in range(22):
        ring = f"DV-0{6540 + k % 4}-25-{1100 + k * 7}"
        lat, lon = 50.10 + rng.uniform(-0.002, 0.002), 8.68 + rng.uniform(-0.002, 0.002)
        head = math.radians(rng.uniform(20, 40))
        t = pd.Timestamp("2026-06-13 06:40") + pd.Timedelta(days=7 * (k // 8))
        for i in range(int(rng.integers(300, 420))):
            v = 0.0 if i < 240 and k % 3 == 0 else rng.uniform(15, 25)
            head += rng.normal(0, 0.05)
            lat, lon = step(lat, lon, head, v * 5)
            t += pd.Timedelta(seconds=5)
            la, lo = noisy(rng, lat, lon, 4)
            rows.append((ring, t.strftime("%d.%m.%Y"), t.strftime("%H:%M:%S"),
                         f"{la:.6f}".replace(".", ","), f"{lo:.6f}".replace(".", ","),
                         f"{rng.uniform(80, 160):.1f}".replace(".", ","),
                         f"{v * 3.6:.1f}".replace(".", ",")))  # fmt: skip
    cols = ["Ring-Nr.", "Datum", "Uhrzeit", "Breite", "Länge", "Höhe (m)", "Geschw. (km/h)"]
    pd.DataFrame(rows, columns=cols).to_csv(
        out / "pigeon_race.csv", index=False, sep=";", encoding="utf-8"
    )


def _nmea(body: str, bad: bool = False) -> str:
    ck = 0
    for ch in body:
        ck ^= ord(ch)
    return f"${body}*{(ck ^ 0x5A) if bad else ck:02X}"


def _ddmm(x: float, pos: str, neg: str, w: int) -> tuple[str, str]:
    d = int(abs(x))
    return f"{d:0{w}d}{(abs(x) - d) * 60:08.5f}", pos if x >= 0 else neg


def survey_nmea(rng, out: Path) -> None:
    """A hydrographic survey launch's raw NMEA log (one `.nmea` file): `$GNGGA` (time of day
    only), `$GNVTG`, `$GNZDA` (the date), `$INHDT` from the motion sensor, no RMC; 1 Hz along
    200-400 m survey lines at 2 m/s, logging paused 2-5 min on each turn, 0.5 % sentences with a
    bad checksum, 1 % GGA with no fix (quality 0, empty fields)."""
    lines = []
    lat0, lon0 = 53.54, 9.98
    t = pd.Timestamp("2026-08-17 06:30:00")
    for k in range(32):
        lat, lon = step(lat0, lon0, 0.0, 25.0 * k)
        head = math.pi / 2 if k % 2 == 0 else -math.pi / 2
        if k == 16:
            t += pd.Timedelta(hours=16)  # the second survey day
        for _ in range(int(rng.integers(120, 200))):
            lat, lon = step(lat, lon, head + rng.normal(0, 0.02), rng.uniform(1.8, 2.2))
            t += pd.Timedelta(seconds=1)
            la, lo = noisy(rng, lat, lon, 0.3)
            hms = t.strftime("%H%M%S") + ".00"
            if rng.random() < 0.01:
                lines.append(_nmea(f"GNGGA,{hms},,,,,0,00,99.9,,M,,M,,"))
            else:
                a, ns = _ddmm(la, "N", "S", 2)
                b, ew = _ddmm(lo, "E", "W", 3)
                body = f"GNGGA,{hms},{a},{ns},{b},{ew},4,14,0.7,{rng.normal(2, 0.1):.2f},M,41.2,M,1.0,0000"  # fmt: skip
                lines.append(_nmea(body, bad=rng.random() < 0.005))
            cog = math.degrees(head) % 360
            lines.append(_nmea(f"GNVTG,{cog:.1f},T,,M,{3.9:.2f},N,{7.2:.2f},K,D"))
            lines.append(_nmea(f"GNZDA,{hms},{t.day:02d},{t.month:02d},{t.year},00,00"))
            lines.append(_nmea(f"INHDT,{cog + rng.normal(0, 1):.2f},T"))
        t += pd.Timedelta(seconds=int(rng.integers(120, 300)))
    (out / "survey_nmea.nmea").write_text("\r\n".join(lines) + "\r\n")


def ebike_telemetry(rng, out: Path) -> None:
    """A shared e-bike fleet's IoT telemetry dump (JSON Lines): `deviceId`, `ts` ISO with
    milliseconds and the local +02:00 offset, `location` a nested GeoJSON Point [lon, lat],
    `state`; every 10 s in a ride at 4-7 m/s, a heartbeat every 10 min while parked."""
    recs = []
    for k in range(26):
        dev = f"EB-{k + 40:04d}"
        lat, lon = 48.137 + rng.uniform(-0.02, 0.02), 11.575 + rng.uniform(-0.02, 0.02)
        t = pd.Timestamp("2026-05-04 07:00", tz="+02:00") + pd.Timedelta(minutes=int(rng.integers(0, 120)))  # fmt: skip
        for ride in range(3):
            head = rng.uniform(0, 2 * math.pi)
            for _ in range(int(rng.integers(60, 110))):
                head += rng.normal(0, 0.12)
                lat, lon = step(lat, lon, head, rng.uniform(4, 7) * 10)
                t += pd.Timedelta(milliseconds=10_000 + int(rng.integers(-300, 300)))
                la, lo = noisy(rng, lat, lon, 5)
                recs.append({"deviceId": dev, "ts": t.isoformat(timespec="milliseconds"),
                             "location": {"type": "Point", "coordinates": [round(lo, 6), round(la, 6)]},
                             "battery": 80 - ride * 10, "state": "IN_RIDE"})  # fmt: skip
            for _ in range(int(rng.integers(3, 8))):
                t += pd.Timedelta(minutes=10)
                la, lo = noisy(rng, lat, lon, 5)
                recs.append({"deviceId": dev, "ts": t.isoformat(timespec="milliseconds"),
                             "location": {"type": "Point", "coordinates": [round(lo, 6), round(la, 6)]},
                             "battery": 75 - ride * 10, "state": "PARKED"})  # fmt: skip
    (out / "ebike_telemetry.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n")


def kayak_inreach(rng, out: Path) -> None:
    """A sea-kayak expedition's Garmin inReach MapShare KML: one Folder per paddler of
    Placemarks with `<TimeStamp><when>` and a Point, ExtendedData `Time UTC` (US 12-h text),
    `Velocity` "3.2 km/h", `Course` "135.00 ° True", `Event`; 10-min tracking by day, off at
    night, a closing LineString of the whole track with no times."""
    folders = []
    for k in range(8):
        lat, lon = 49.35 + rng.uniform(-0.05, 0.05), -126.2 + rng.uniform(-0.05, 0.05)
        head = math.radians(rng.uniform(100, 160))
        marks, path = [], []
        for day in range(5):
            t = pd.Timestamp("2026-07-14 16:00") + pd.Timedelta(days=day, minutes=int(rng.integers(0, 40)))  # fmt: skip
            for _ in range(int(rng.integers(36, 54))):
                head += rng.normal(0, 0.2)
                v = rng.uniform(0.8, 1.6)
                lat, lon = step(lat, lon, head, v * 600)
                t += pd.Timedelta(minutes=10, seconds=int(rng.integers(0, 30)))
                la, lo = noisy(rng, lat, lon, 10)
                path.append(f"{lo:.6f},{la:.6f},0")
                h12 = t.strftime("%I").lstrip("0")
                ext = {"Id": str(900000 + len(marks)), "Time UTC": f"{t.month}/{t.day}/{t.year} {h12}:{t.strftime('%M:%S %p')}",
                       "Name": f"Paddler {k + 1}", "Velocity": f"{v * 3.6:.1f} km/h",
                       "Course": f"{math.degrees(head) % 360:.2f} ° True",
                       "Event": "Tracking interval received."}  # fmt: skip
                data = "".join(
                    f'<Data name="{n}"><value>{v}</value></Data>' for n, v in ext.items()
                )
                marks.append(f"<Placemark><TimeStamp><when>{t.strftime('%Y-%m-%dT%H:%M:%SZ')}</when></TimeStamp>"
                             f"<styleUrl>#style_1</styleUrl><ExtendedData>{data}</ExtendedData>"
                             f"<Point><coordinates>{lo:.6f},{la:.6f},0</coordinates></Point></Placemark>")  # fmt: skip
        marks.append(f"<Placemark><name>Paddler {k + 1}</name><LineString><tessellate>1</tessellate>"
                     f"<coordinates>{' '.join(path)}</coordinates></LineString></Placemark>")  # fmt: skip
        folders.append(f"<Folder><name>Paddler {k + 1}</name>{''.join(marks)}</Folder>")
    kml = ('<?xml version="1.0" encoding="utf-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
           f"<Document><name>Clayoquot 2026</name>{''.join(folders)}</Document></kml>")  # fmt: skip
    (out / "kayak_inreach.kml").write_text(kml)


def police_avl(rng, out: Path) -> None:
    """A police department's AVL export (CSV, upper-case names): `UNIT` call signs, `GPSTIME`
    as a 14-digit integer `20260912221503` in local time (US Central, no zone), `LAT` / `LONG` in
    integer millionths of a degree, `SPD` mph, 15 s, patrol at 5-15 m/s with parked spells."""
    rows = []
    for k in range(24):
        unit = f"{1 + k % 4}A{10 + k}"
        lat, lon = 41.88 + rng.uniform(-0.03, 0.03), -87.63 + rng.uniform(-0.03, 0.03)
        head = math.radians(float(rng.choice([0, 90, 180, 270])))
        t = pd.Timestamp("2026-09-12 21:00") + pd.Timedelta(minutes=int(rng.integers(0, 60)))
        park = 0
        for _ in range(int(rng.integers(200, 300))):
            if park:
                v, park = 0.0, park - 1
            else:
                v = rng.uniform(5, 15)
                if rng.random() < 0.05:
                    head += math.radians(float(rng.choice([-90, 90])))
                if rng.random() < 0.02:
                    park = int(rng.integers(8, 30))
            lat, lon = step(lat, lon, head, v * 15)
            t += pd.Timedelta(seconds=15)
            la, lo = noisy(rng, lat, lon, 5)
            rows.append((unit, t.strftime("%Y%m%d%H%M%S"), round(la * 1e6), round(lo * 1e6),
                         round(v / 0.44704), round(math.degrees(head) % 360), "D" if v else "P"))  # fmt: skip
    cols = ["UNIT", "GPSTIME", "LAT", "LONG", "SPD", "HDG", "STAT"]
    pd.DataFrame(rows, columns=cols).to_csv(out / "police_avl.csv", index=False)


def golf_carts(rng, out: Path) -> None:
    """A golf club's cart-fleet export (CSV): `Cart`, `Time` ISO with an offset without a colon
    (`2026-01-17T07:45:10+1100`), the position in ONE cell `"-33.87121, 151.21080"`, `Hole`;
    5 s, 3-6 m/s between shots, 1-4 min stops at tees and greens."""
    rows = []
    for k in range(24):
        lat, lon = -33.87 + rng.uniform(-0.004, 0.004), 151.21 + rng.uniform(-0.004, 0.004)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-01-17 07:00") + pd.Timedelta(minutes=8 * k)
        stop = 0
        for i in range(int(rng.integers(220, 320))):
            if stop:
                v, stop = 0.0, stop - 1
            else:
                v = rng.uniform(3, 6)
                head += rng.normal(0, 0.1)
                if rng.random() < 0.04:
                    stop = int(rng.integers(12, 48))
                    head += rng.uniform(-1.5, 1.5)
            lat, lon = step(lat, lon, head, v * 5)
            t += pd.Timedelta(seconds=5)
            la, lo = noisy(rng, lat, lon, 3)
            rows.append((f"Cart {k + 1:02d}", t.strftime("%Y-%m-%dT%H:%M:%S") + "+1100",
                         f"{la:.5f}, {lo:.5f}", 1 + i // 20))  # fmt: skip
    pd.DataFrame(rows, columns=["Cart", "Time", "Position", "Hole"]).to_csv(
        out / "golf_carts.csv", index=False
    )


SETS = [dogsled_race, sheep_fence, pigeon_race, survey_nmea, ebike_telemetry, kayak_inreach,
        police_avl, golf_carts]  # fmt: skip
FILES = {
    "dogsled_race": "dogsled_race.csv",
    "sheep_fence": "sheep_fence.json",
    "pigeon_race": "pigeon_race.csv",
    "survey_nmea": "survey_nmea.nmea",
    "ebike_telemetry": "ebike_telemetry.jsonl",
    "kayak_inreach": "kayak_inreach.kml",
    "police_avl": "police_avl.csv",
    "golf_carts": "golf_carts.csv",
}


def main() -> None:
    write_sets(SETS, "HELDOUT29", 2900, FILES)


if __name__ == "__main__":
    main()
