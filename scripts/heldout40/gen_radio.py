"""Seeded held-out sets for heldout40, radios' and loggers' files: four kinds no earlier session
read (docs/data.md "Session 40 (heldout40)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout40/gen_radio.py [OUTDIR]   # default $HELDOUT40/raw or /tmp/heldout40/raw
Outputs (under OUTDIR): aprs-raw.txt (aprs.fi's raw packets of 4 stations copied out: `TIME UTC:
CALL>PATH:INFO`, uncompressed `=DDMM.mmN/DDDMM.mmE>` and timestamped `/DDHHMMzDDMM.mmN...`
positions, one station's compressed base-91 ones, status and telemetry packets between),
msh-json.log (`mosquitto_sub -t 'msh/EU_868/2/json/#'` of a Meshtastic mesh: one JSON a line,
`type` position / telemetry / nodeinfo / text, `from` the node's number, `sender` the gateway
that heard it, a packet heard by two gateways twice; `payload.latitude_i` degrees x 1e7,
`payload.time` the fix's, `timestamp` the gateway's), Record/ (a BlackVue dashcam's SD card:
one `YYYYMMDD_HHMMSS_NF.gps` a 1-minute clip, `[Unix ms]$GPRMC...` / `$GPGGA` lines with
checksums, no fix yet at the start), ar_index_global_prof.txt (rows of the Argo GDAC's profile
index: `#` preamble, `file,date,latitude,longitude,...`, the float's WMO number only in the
`file` path, `date` YYYYMMDDHHMMSS, a profile without position now and then).
Same seed, same bytes.
"""

import json
import math
import sys
from functools import reduce
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import fleet as _fleet  # noqa: E402
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import write_sets  # noqa: E402

FILES = {"aprs": "aprs-raw.txt", "meshtastic": "msh-json.log", "blackvue": "Record",
         "argo": "ar_index_global_prof.txt"}  # fmt: skip


def _dm(v: float, lat: bool) -> str:
    """Degrees as APRS / NMEA write them: DDMM.mm (latitude) / DDDMM.mm, hemisphere apart."""
    a = abs(v)
    d = int(a)
    m = (a - d) * 60
    if round(m, 2) >= 60:
        d, m = d + 1, 0.0
    return (f"{d:02d}{m:05.2f}" if lat else f"{d:03d}{m:05.2f}"), ("N" if v >= 0 else "S") if lat else ("E" if v >= 0 else "W")  # fmt: skip


def _b91(n: int) -> str:
    return "".join(chr(33 + (n // 91**k) % 91) for k in (3, 2, 1, 0))


def aprs(rng, out: Path) -> None:
    """4 APRS stations around Tampere over an afternoon (APRSdroid phones and trackers beaconing
    every ~60 s), the raw packets as aprs.fi shows them, copied into one text file."""
    t0 = pd.Timestamp("2026-12-05 12:00", tz="UTC")
    calls = ["OH3ABC-9", "OH3KXR-7", "OH2TQ-9", "OG3LSZ-12"]
    rows = _fleet(rng, 61.50, 23.76, 0.04, t0, 4, (90, 160), 60.0, lambda: rng.uniform(4, 15),
                  lambda k: calls[k])  # fmt: skip
    lines = []
    for k, (call, t, la, lo, v) in enumerate(rows):
        ts = t.strftime("%Y-%m-%d %H:%M:%S UTC")
        crs, spd = int(rng.integers(1, 360)), int(v * 1.944)
        if call == "OH3ABC-9":
            (a, ns), (o, ew) = _dm(la, True), _dm(lo, False)
            info = (
                f"={a}{ns}/{o}{ew}>{crs:03d}/{spd:03d}/A=000{int(rng.integers(300, 500))} APRSdroid"
            )
            path = "APDR16,TCPIP*,qAC,T2FINLAND"
        elif call in ("OH3KXR-7", "OH2TQ-9"):
            (a, ns), (o, ew) = _dm(la, True), _dm(lo, False)
            info = f"/{t.strftime('%d%H%M')}z{a}{ns}/{o}{ew}>{crs:03d}/{spd:03d}"
            path = "APOTC1,WIDE1-1,WIDE2-1,qAR,OH3RNE"
        else:
            y, x = round(380926 * (90 - la)), round(190463 * (180 + lo))
            info = f"!/{_b91(y)}{_b91(x)}>{chr(33 + crs // 4)}{chr(33 + 20)}T Tracker"
            path = "APLRT1,WIDE1-1,qAR,OH3RUB"
        lines.append(f"{ts}: {call}>{path}:{info}")
        if k % 17 == 5:
            lines.append(f"{ts}: {call}>APDR16,TCPIP*,qAC,T2FINLAND:>QRV 145.500 MHz")
        if k % 23 == 11:
            lines.append(f"{ts}: OH3RNE>APMI06,TCPIP*,qAC,T2FINLAND:T#{k % 1000:03d},142,050,000,021,000,00000000")  # fmt: skip
    (out / FILES["aprs"]).write_text("\n".join(lines) + "\n")


def meshtastic(rng, out: Path) -> None:
    """5 Meshtastic nodes (hikers' T-Echos) on a mesh near Innsbruck sending their position every
    ~90 s, heard by 2 MQTT gateways; telemetry, nodeinfo and text packets between."""
    t0 = pd.Timestamp("2026-12-06 08:00", tz="UTC")
    nodes = [int(x) for x in rng.integers(0x10000000, 0xFFFFFFFF, 5)]
    gates = ["!da5a1f3c", "!433c0a8e"]
    rows = _fleet(rng, 47.27, 11.39, 0.05, t0, 5, (80, 140), 90.0, lambda: rng.uniform(0.8, 1.6),
                  lambda k: nodes[k])  # fmt: skip
    lines = []
    for k, (node, t, la, lo, _v) in enumerate(rows):
        pid = int(rng.integers(1, 2**32))
        pay = {"PDOP": int(rng.integers(100, 400)), "altitude": int(rng.integers(600, 2200)),
               "ground_speed": int(rng.integers(0, 3)), "latitude_i": round(la * 1e7),
               "longitude_i": round(lo * 1e7), "precision_bits": 32,
               "sats_in_view": int(rng.integers(5, 14)), "time": int(t.timestamp())}  # fmt: skip
        for g in gates[: 1 + (k % 3 == 0)]:
            got = int(t.timestamp() + rng.uniform(1, 30))
            lines.append(json.dumps({"channel": 0, "from": node, "hop_start": 3, "hops_away": int(rng.integers(0, 3)),
                                     "id": pid, "payload": pay, "rssi": int(rng.integers(-120, -60)), "sender": g,
                                     "snr": round(float(rng.uniform(-15, 10)), 2), "timestamp": got,
                                     "to": 4294967295, "type": "position"}, separators=(",", ":")))  # fmt: skip
        if k % 7 == 3:
            lines.append(json.dumps({"channel": 0, "from": node, "id": int(rng.integers(1, 2**32)),
                                     "payload": {"air_util_tx": 0.39, "battery_level": int(rng.integers(20, 100)),
                                                 "channel_utilization": 4.1, "uptime_seconds": 3600 + k,
                                                 "voltage": 3.9}, "sender": gates[0],
                                     "timestamp": int(t.timestamp()) + 5, "to": 4294967295, "type": "telemetry"},
                                    separators=(",", ":")))  # fmt: skip
        if k % 31 == 9:
            lines.append(json.dumps({"channel": 0, "from": node, "id": int(rng.integers(1, 2**32)),
                                     "payload": {"hardware": 7, "id": f"!{node:08x}", "longname": f"Hiker {k % 5}",
                                                 "shortname": f"H{k % 5}"}, "sender": gates[1],
                                     "timestamp": int(t.timestamp()) + 9, "to": 4294967295, "type": "nodeinfo"},
                                    separators=(",", ":")))  # fmt: skip
    (out / FILES["meshtastic"]).write_text("\n".join(lines) + "\n")


def _nmea(body: str) -> str:
    return f"${body}*{reduce(lambda a, c: a ^ ord(c), body, 0):02X}"


def blackvue(rng, out: Path) -> None:
    """A BlackVue DR900X in Berlin: 8 one-minute clips' `.gps` files (1 Hz), the car driving on
    between them; the first seconds of the first clip have no fix yet."""
    d = out / FILES["blackvue"]
    d.mkdir(exist_ok=True)
    t = pd.Timestamp("2026-12-05 14:03:22", tz="UTC")
    lat, lon = 52.5186, 13.4081
    pts = list(_legs(rng, lat, lon, t, 8 * 60, 1.0, lambda: rng.uniform(5, 14), 0.05))
    for c in range(8):
        clip = pts[c * 60 : (c + 1) * 60]
        start = t + pd.Timedelta(seconds=c * 60)  # a fix each whole second (1 Hz)
        lines = []
        if c == 0:
            for s in range(4):
                ms = int((start - pd.Timedelta(seconds=4 - s)).timestamp() * 1000)
                lines += [f"[{ms}]" + _nmea("GPRMC,,V,,,,,,,,,,N"), f"[{ms}]" + _nmea("GPGGA,,,,,,0,00,99.99,,,,,,")]  # fmt: skip
        for k, (_tt, la, lo, v, hd) in enumerate(clip):
            ts = start + pd.Timedelta(seconds=k)
            ms = int(ts.timestamp() * 1000)
            (a, ns), (o, ew) = _dm(la, True), _dm(lo, False)
            a, o = f"{float(a):010.5f}", f"{float(o):011.5f}"
            hms = ts.strftime("%H%M%S") + ".00"
            crs = math.degrees(hd) % 360
            lines.append(f"[{ms}]" + _nmea(f"GPRMC,{hms},A,{a},{ns},{o},{ew},{v * 1.944:.3f},{crs:.2f},{ts.strftime('%d%m%y')},,,A"))  # fmt: skip
            lines.append(f"[{ms}]" + _nmea(f"GPGGA,{hms},{a},{ns},{o},{ew},1,{int(rng.integers(6, 12)):02d},0.9,{rng.uniform(30, 50):.1f},M,39.5,M,,"))  # fmt: skip
        (d / f"{start.strftime('%Y%m%d_%H%M%S')}_NF.gps").write_text("\n".join(lines) + "\n")


def argo(rng, out: Path) -> None:
    """6 Argo floats in the North Atlantic, a profile every 10 days for 3-4 years, the rows of
    the GDAC's `ar_index_global_prof.txt` for them (grep'd out of the 3-million-line index)."""
    head = ["# Title : Profile directory file of the Argo Global Data Assembly Center",
            "# Description : The directory file describes all individual profile files of the argo GDAC ftp site.",
            "# Project : ARGO", "# Format version : 2.0", "# Date of update : 20261205093012",
            "# FTP root number 1 : ftp://ftp.ifremer.fr/ifremer/argo/dac",
            "# FTP root number 2 : ftp://usgodae.org/pub/outgoing/argo/dac", "# GDAC node : CORIOLIS",
            "file,date,latitude,longitude,ocean,profiler_type,institution,date_update"]  # fmt: skip
    rows = []
    for k, (dac, inst) in enumerate([("aoml", "AO"), ("coriolis", "IF"), ("bodc", "BO"),
                                     ("aoml", "AO"), ("coriolis", "IF"), ("meds", "ME")]):  # fmt: skip
        wmo = 4902000 + int(rng.integers(100, 999)) if dac == "aoml" else 6903000 + int(rng.integers(100, 999))  # fmt: skip
        lat, lon = 30 + rng.uniform(0, 25), -50 + rng.uniform(-10, 15)
        t = pd.Timestamp("2022-01-01", tz="UTC") + pd.Timedelta(days=float(rng.uniform(0, 200)))
        for cyc in range(1, int(rng.integers(110, 150))):
            t += pd.Timedelta(days=10, minutes=float(rng.normal(0, 40)))
            lat += rng.normal(0, 0.08)
            lon += rng.normal(0.03, 0.1)
            mode = "D" if cyc < 80 else "R"
            f = f"{dac}/{wmo}/profiles/{mode}{wmo}_{cyc:03d}.nc"
            up = min(
                t + pd.Timedelta(days=float(rng.uniform(1, 400))),
                pd.Timestamp("2026-12-05", tz="UTC"),
            )
            up = up.strftime("%Y%m%d%H%M%S")
            pos = ",,," if rng.random() < 0.03 else f",{lat:.3f},{lon:.3f},"
            rows.append(
                (t, f"{f},{t.strftime('%Y%m%d%H%M%S')}{pos}A,{846 + 8 * (k % 2)},{inst},{up}")
            )
    (out / FILES["argo"]).write_text(
        "\n".join(head + [r for _t, r in sorted(rows, key=lambda r: r[1])]) + "\n"
    )


if __name__ == "__main__":
    write_sets([aprs, meshtastic, blackvue, argo], "HELDOUT40", 4010, FILES)
