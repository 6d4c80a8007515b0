"""Seeded held-out sets for heldout28: eight kinds and file layouts no earlier session used.

Measures nothing itself: writes the raw files a new user would have, for the path in
docs/generalization.md "Session 28 (heldout28)".
    python scripts/heldout28/gen.py [OUTDIR]     # default $HELDOUT28/raw or /tmp/heldout28/raw
Outputs (under OUTDIR): whale_argos.csv, tuktuk_bangkok.csv, rowing_eight.csv,
yard_trucks.csv, rescue_caltopo.json, reindeer_lotek.txt, balloon_flights.csv,
harvester_yield.csv. Same seed, same bytes.
"""

import json
import math
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import noisy, step, write_sets  # noqa: E402

EPOCH = pd.Timestamp("1970-01-01")


def whale_argos(rng, out: Path) -> None:
    """Humpback whales tagged off Tonga, a Wildlife Computers `-Locations.csv` (Argos): `Date` as
    `14:23:05 21-Jul-2026` (time first, month name), irregular fixes 20-120 min apart, Argos
    location classes 3/2/1/0/A/B with errors of 250 m to 10 km, class Z rows with no position,
    the same message decoded twice (duplicate rows)."""
    err = {"3": 250, "2": 500, "1": 1500, "0": 5000, "A": 3000, "B": 8000}
    rows = []
    for k in range(24):
        ptt = 235400 + k
        lat, lon = -18.6 + rng.uniform(-1, 1), -174.0 + rng.uniform(-1, 1)
        head = math.radians(rng.uniform(150, 210))
        t = pd.Timestamp("2026-09-20") + pd.Timedelta(days=int(rng.integers(0, 10)))
        for _ in range(int(rng.integers(120, 200))):
            dt = int(rng.integers(20, 120)) * 60
            head += rng.normal(0, 0.2)
            lat, lon = step(lat, lon, head, rng.uniform(0.5, 2.0) * dt)
            t += pd.Timedelta(seconds=dt + int(rng.integers(0, 59)))
            q = str(rng.choice(list(err) + ["Z"], p=[0.1, 0.15, 0.2, 0.15, 0.2, 0.15, 0.05]))
            la, lo = noisy(rng, lat, lon, err.get(q, 0) / 2)
            lo = (lo + 180) % 360 - 180  # the tag's longitudes stay in [-180, 180)
            row = [ptt, ptt, "Argos", t.strftime("%H:%M:%S %d-%b-%Y"), "User", q,
                   "" if q == "Z" else f"{la:.4f}", "" if q == "Z" else f"{lo:.4f}",
                   err.get(q, ""), err.get(q, "") and err[q] // 3, int(rng.integers(0, 180))]  # fmt: skip
            rows.append(row)
            if rng.random() < 0.02:
                rows.append(list(row))
    cols = ["DeployID", "Ptt", "Instr", "Date", "Type", "Quality", "Latitude", "Longitude",
            "Error radius", "Error Semi-minor axis", "Error Ellipse orientation"]  # fmt: skip
    pd.DataFrame(rows, columns=cols).to_csv(out / "whale_argos.csv", index=False)


def tuktuk_bangkok(rng, out: Path) -> None:
    """A tuk-tuk fleet in Bangkok, a Thai fleet portal's CSV (UTF-8 with BOM): Thai headers, the
    date in the Buddhist Era (`06/12/2569 14:03:22`, day first, 2569 = 2026), local time (+07:00)
    with no zone, 15 s, speed in km/h, stops at passengers, 1 % of rows with 0.000000 / 0.000000."""
    rows = []
    for k in range(26):
        plate = f"สามล้อ {1000 + k * 37}"
        lat, lon = 13.745 + rng.uniform(-0.04, 0.04), 100.52 + rng.uniform(-0.04, 0.04)
        head = math.radians(float(rng.choice([0, 90, 180, 270])))
        t = pd.Timestamp("2026-11-28 08:00") + pd.Timedelta(
            days=k % 7, minutes=int(rng.integers(0, 600))
        )
        stop = 0
        for _ in range(int(rng.integers(160, 240))):
            if stop:
                v, stop = 0.0, stop - 1
            else:
                v = rng.uniform(3, 11)
                if rng.random() < 0.04:
                    head += math.radians(float(rng.choice([-90, 90])))
                if rng.random() < 0.02:
                    stop = int(rng.integers(4, 20))
            lat, lon = step(lat, lon, head, v * 15)
            t += pd.Timedelta(seconds=15)
            la, lo = noisy(rng, lat, lon, 5)
            ok = rng.random() > 0.01
            be = f"{t.strftime('%d/%m/')}{t.year + 543}{t.strftime(' %H:%M:%S')}"
            rows.append((plate, be, f"{la:.6f}" if ok else "0.000000",
                         f"{lo:.6f}" if ok else "0.000000", round(v * 3.6),
                         "จอด" if v == 0 else "วิ่ง"))  # fmt: skip
    cols = ["ทะเบียนรถ", "วันที่เวลา", "ละติจูด", "ลองจิจูด", "ความเร็ว (กม./ชม.)", "สถานะ"]
    pd.DataFrame(rows, columns=cols).to_csv(
        out / "tuktuk_bangkok.csv", index=False, encoding="utf-8-sig"
    )


def rowing_eight(rng, out: Path) -> None:
    """Rowing eights on a river at 5 Hz, a boat logger's CSV: ISO times with milliseconds and Z,
    no crew id column (one file of the club's sessions: `Session` numbers), GPS updated at 1 Hz so
    each position is repeated over the 5 samples of its second, stroke rate 18-36 spm, paddles
    and rests between pieces."""
    rows = []
    for k in range(22):
        lat, lon = 51.747 + rng.uniform(-0.005, 0.005), -1.248 + rng.uniform(-0.005, 0.005)
        head = math.radians(float(rng.choice([20.0, 200.0])))
        t = pd.Timestamp("2026-10-03 07:00") + pd.Timedelta(days=k // 3, hours=k % 3)
        rate = rng.uniform(18, 36)
        la, lo = lat, lon
        for i in range(int(rng.integers(900, 1300))):
            v = 0.5 if (i // 300) % 2 else 4.0 + (rate - 18) / 9
            surge = 1 + 0.15 * math.sin(2 * math.pi * rate / 60 * i / 5)
            head += rng.normal(0, 0.004)
            lat, lon = step(lat, lon, head, v * surge * 0.2)
            t += pd.Timedelta(milliseconds=200)
            if i % 5 == 0:
                la, lo = noisy(rng, lat, lon, 1.5)
            rows.append((k + 1, t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", f"{la:.7f}",
                         f"{lo:.7f}", round(v * surge, 2), round(rate, 1)))  # fmt: skip
    cols = ["Session", "Timestamp", "Latitude", "Longitude", "Boat Speed (m/s)", "Rate (spm)"]
    pd.DataFrame(rows, columns=cols).to_csv(out / "rowing_eight.csv", index=False)


def yard_trucks(rng, out: Path) -> None:
    """Yard trucks in a Rotterdam container terminal, a terminal operating system's `;` export:
    positions as UTM 31N easting / northing in metres (no zone column, no CRS named), times as
    epoch milliseconds, 2 s, drives of 5-9 m/s along the yard's lanes and waits under cranes."""
    rows = []
    for k in range(20):
        e, n = 571400 + rng.uniform(-600, 600), 5757800 + rng.uniform(-400, 400)
        head = float(rng.choice([0.0, 90.0, 180.0, 270.0]))
        t = int(pd.Timestamp("2026-11-30 06:00").value // 10**6) + k * 3_600_000
        wait = 0
        for _ in range(int(rng.integers(250, 350))):
            if wait:
                v, wait = 0.0, wait - 1
            else:
                v = rng.uniform(5, 9)
                if rng.random() < 0.03:
                    head += float(rng.choice([-90.0, 90.0]))
                if rng.random() < 0.015:
                    wait = int(rng.integers(20, 60))
            e += v * 2 * math.sin(math.radians(head)) + rng.normal(0, 1)
            n += v * 2 * math.cos(math.radians(head)) + rng.normal(0, 1)
            t += 2000 + int(rng.integers(-40, 40))
            rows.append((f"YT{k + 101:03d}", t, f"{e:.2f}", f"{n:.2f}", round(v * 3.6, 1),
                         "LADEN" if (t // 600000) % 2 else "EMPTY"))  # fmt: skip
    cols = ["che_id", "event_ts", "pos_x", "pos_y", "speed_kmh", "load_state"]
    pd.DataFrame(rows, columns=cols).to_csv(out / "yard_trucks.csv", index=False, sep=";")


def rescue_caltopo(rng, out: Path) -> None:
    """A mountain rescue team's search map exported from CalTopo (GeoJSON): one LineString per
    searcher's track whose coordinates are [lon, lat, elevation, epoch milliseconds], 5 s,
    walking 0.4-1.4 m/s in zig-zag search legs, plus marker Points (no time) for clues."""
    feats = []
    for k in range(22):
        lat, lon = 46.52 + rng.uniform(-0.02, 0.02), 7.96 + rng.uniform(-0.02, 0.02)
        head = rng.uniform(0, 2 * math.pi)
        t = int(pd.Timestamp("2026-02-14 08:30").value // 10**6) + k * 1_800_000
        coords = []
        for i in range(int(rng.integers(200, 320))):
            if i % 40 == 0:
                head += math.pi * 0.8 * (1 if (i // 40) % 2 else -1)
            head += rng.normal(0, 0.08)
            lat, lon = step(lat, lon, head, rng.uniform(0.4, 1.4) * 5)
            t += 5000
            la, lo = noisy(rng, lat, lon, 3)
            coords.append([round(lo, 6), round(la, 6), round(1800 + 40 * math.sin(i / 30), 1), t])
        feats.append({"type": "Feature", "id": f"trk-{k}", "geometry": {"type": "LineString",
                      "coordinates": coords}, "properties": {"title": f"Team {k % 6 + 1} / {k}",
                      "class": "Shape", "stroke": "#FF0000"}})  # fmt: skip
        if k % 5 == 0:
            feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates":
                          coords[len(coords) // 2][:2]}, "properties": {"title": "Clue: glove",
                          "class": "Marker"}})  # fmt: skip
    (out / "rescue_caltopo.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": feats})
    )


def reindeer_lotek(rng, out: Path) -> None:
    """Reindeer herds in Finnmark during the polar night, a Lotek collar's tab-separated `.txt`:
    `Date & Time [GMT]` as `06.12.2026 02:00:13`, `Latitude [deg]`, fixes every 30 min, slow
    grazing with herding moves, failed fixes as `N/A` (8 %: snow, cold batteries)."""
    rows = []
    for k in range(26):
        cid = 41700 + k
        lat, lon = 69.4 + rng.uniform(-0.2, 0.2), 23.5 + rng.uniform(-0.6, 0.6)
        head = rng.uniform(0, 2 * math.pi)
        t = pd.Timestamp("2026-11-24 00:00") + pd.Timedelta(days=int(rng.integers(0, 4)))
        for _ in range(int(rng.integers(150, 220))):
            head += rng.normal(0, 0.5)
            v = rng.uniform(0.05, 0.3) if rng.random() > 0.1 else rng.uniform(0.8, 1.5)
            lat, lon = step(lat, lon, head, v * 1800)
            t = t.floor("30min") + pd.Timedelta(minutes=30, seconds=int(rng.integers(5, 90)))
            la, lo = noisy(rng, lat, lon, 10)
            ok = rng.random() > 0.08
            rows.append((cid, t.strftime("%d.%m.%Y %H:%M:%S"), f"{la:.5f}" if ok else "N/A",
                         f"{lo:.5f}" if ok else "N/A", int(rng.integers(300, 420)) if ok else "N/A",
                         int(rng.integers(30, 180)), round(rng.uniform(-32, -8), 1),
                         round(rng.uniform(1, 9), 1) if ok else "N/A"))  # fmt: skip
    cols = ["Device ID", "Date & Time [GMT]", "Latitude [deg]", "Longitude [deg]",
            "Altitude [m]", "Duration [s]", "Temperature [C]", "DOP"]  # fmt: skip
    pd.DataFrame(rows, columns=cols).to_csv(out / "reindeer_lotek.txt", index=False, sep="\t")


def balloon_flights(rng, out: Path) -> None:
    """Hot-air balloon flights over Cappadocia, a balloon instrument's CSV: degrees and decimal
    minutes as text (`38°38.123'N`), the date (dd/mm/yyyy) and the UTC time in two columns,
    altitude in feet, 10 s, drifting 2-6 m/s with the wind, a few rows with `--` placeholders."""
    rows = []
    for k in range(24):
        lat, lon = 38.64 + rng.uniform(-0.03, 0.03), 34.83 + rng.uniform(-0.03, 0.03)
        wind = math.radians(rng.uniform(30, 90))
        t = pd.Timestamp("2026-06-01 03:10") + pd.Timedelta(days=k, minutes=int(rng.integers(0, 20)))  # fmt: skip
        alt = 3300.0
        for _ in range(int(rng.integers(260, 360))):
            wind += rng.normal(0, 0.02)
            lat, lon = step(lat, lon, wind, rng.uniform(2, 6) * 10)
            alt = max(3200.0, alt + rng.normal(0, 40))
            t += pd.Timedelta(seconds=10)
            la, lo = noisy(rng, lat, lon, 3)
            ok = rng.random() > 0.01

            def dm(x: float, pos: str, neg: str, w: int) -> str:
                d = int(abs(x))
                return f"{d:0{w}d}°{(abs(x) - d) * 60:06.3f}'{pos if x >= 0 else neg}"

            rows.append((f"TC-B{k % 8:02d}", t.strftime("%d/%m/%Y"), t.strftime("%H:%M:%S"),
                         dm(la, "N", "S", 2) if ok else "--", dm(lo, "E", "W", 3) if ok else "--",
                         round(alt), round(rng.normal(0, 150))))  # fmt: skip
    cols = ["Balloon", "Date", "UTC", "Latitude", "Longitude", "Alt (ft)", "Vario (ft/min)"]
    pd.DataFrame(rows, columns=cols).to_csv(out / "balloon_flights.csv", index=False)


def harvester_yield(rng, out: Path) -> None:
    """A combine harvester's yield monitor, an AgLeader-style CSV: `Longitude` before `Latitude`,
    US 12-hour local times with no zone, 1 s, passes back and forth across each field at 1.5-2.5
    m/s with headland turns, distances in feet, one field a dataset (`Field` names)."""
    rows = []
    for k in range(18):
        field = f"North 40 #{k + 1}"
        lat, lon = 41.88 + rng.uniform(-0.05, 0.05), -93.1 + rng.uniform(-0.05, 0.05)
        head = 0.0
        t = pd.Timestamp("2026-10-05 09:00") + pd.Timedelta(days=k // 3, hours=2 * (k % 3))
        for i in range(int(rng.integers(400, 600))):
            turn = i % 150 >= 140
            v = 1.0 if turn else rng.uniform(1.5, 2.5)
            if turn:
                head += math.pi / 10
            lat, lon = step(lat, lon, head, v)
            t += pd.Timedelta(seconds=1)
            la, lo = noisy(rng, lat, lon, 0.5)
            h12 = t.strftime("%I").lstrip("0")
            rows.append((f"{lo:.7f}", f"{la:.7f}", field, "Corn", "Harvest", k * 1000 + i,
                         round(v / 0.3048, 2), round(math.degrees(head) % 360, 1), 1.0,
                         f"{t.month}/{t.day}/{t.year} {h12}:{t.strftime('%M:%S %p')}",
                         round(rng.uniform(150, 260), 1), round(v / 0.44704, 1), 30.0))  # fmt: skip
    cols = ["Longitude", "Latitude", "Field", "Product", "Operation", "Obj. Id", "Distance(ft)",
            "Track(deg)", "Duration(s)", "Time", "Yld Vol(Dry)(bu/ac)", "Speed(mph)",
            "Swth Wdth(ft)"]  # fmt: skip
    pd.DataFrame(rows, columns=cols).to_csv(out / "harvester_yield.csv", index=False)


SETS = [whale_argos, tuktuk_bangkok, rowing_eight, yard_trucks, rescue_caltopo, reindeer_lotek,
        balloon_flights, harvester_yield]  # fmt: skip
FILES = {
    "whale_argos": "whale_argos.csv",
    "tuktuk_bangkok": "tuktuk_bangkok.csv",
    "rowing_eight": "rowing_eight.csv",
    "yard_trucks": "yard_trucks.csv",
    "rescue_caltopo": "rescue_caltopo.json",
    "reindeer_lotek": "reindeer_lotek.txt",
    "balloon_flights": "balloon_flights.csv",
    "harvester_yield": "harvester_yield.csv",
}


def main() -> None:
    write_sets(SETS, "HELDOUT28", 2800, FILES)


if __name__ == "__main__":
    main()
