"""badin32: hostile inputs on session 31's surfaces, one line a case, classified by hand
(scripts/badin32/classes.py): heldout31's readers (TTN / ChirpStack uplinks, DJI .SRT, RTKLIB
.pos, XML Spreadsheet 2003, ERDDAP, Windows-1251), newuser31's SIRI-VM / ride_id tables,
leftover31's Traccar exports, `--time-format jalali`, lat / lon in radians (`trajlm data ingest`
in process); `TrajLM.reach`, `TrajLM.similar`, `recover` with edge rows, `predict(latest=True)`
with owner columns, the coverage gate's speed range, the verdict's reach, a checkpoint's
radii.json / recover_radii.json (Python); HTTP `/ask` with `trajectories`, `/recover`,
`/predict` `latest` (FastAPI's TestClient, trajlm-small).
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin32/probe.py [OUT_DIR]
(default /tmp/badin32/probe)
"""

from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402
from ingest_cases import IngestCases  # noqa: E402

import trajlm  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin32/probe")
WORDS = ("rror", "arn", "drop", "radian", "GPS", "gateway", "cue", "header", "jalali", "Hijri",
         "unit", "owner", "ride", "journey", "device", "swap", "valid", "no fix", "skipped")  # fmt: skip
CASES = IngestCases(OUT / "readers", WORDS, width=3, said=480)


def ingest(name: str, data: str | bytes, *opts: str, ext: str = "csv") -> None:
    def got(df, first) -> str:
        ids = sorted(map(str, df["traj_id"].unique().to_list()))[:4]
        return f" n={df.height} ids={ids} first={first} last={df.tail(1).select('t', 'lat', 'lon').rows()}"  # fmt: skip

    CASES(name, data, ext, opts, got)


# ---- TTN v3 / ChirpStack v4 uplinks (heldout31)
def ttn(i: int, dev: str = "bike-1", payload: object = "pos", **over) -> dict:
    pos = {"latitude": 50.85 + i * 1e-3, "longitude": 4.35} if payload == "pos" else payload
    rec = {"end_device_ids": {"device_id": dev}, "received_at": f"2026-04-13T07:0{i}:03Z",
           "uplink_message": {"f_cnt": i, "decoded_payload": pos,
                              "rx_metadata": [{"location": {"latitude": 51.5, "longitude": 3.0}}]}}  # fmt: skip
    rec.update(over)
    return rec


def jl(recs: list) -> str:
    return "".join(json.dumps(r) + "\n" for r in recs)


ingest("TTN 6 uplinks (fine)", jl([ttn(i) for i in range(6)]), ext="jsonl")
ingest("TTN no decoded_payload (gateway only)", jl([ttn(i, payload=None) for i in range(6)]), ext="jsonl")  # fmt: skip
ingest("TTN latitude as text '50.85'", jl([ttn(i, payload={"latitude": f"{50.85 + i * 1e-3}", "longitude": "4.35"}) for i in range(6)]), ext="jsonl")  # fmt: skip
ingest("TTN Cayenne LPP gps_1 {latitude, longitude, altitude}", jl([ttn(i, payload={"gps_1": {"latitude": 50.85 + i * 1e-3, "longitude": 4.35, "altitude": 20}}) for i in range(6)]), ext="jsonl")  # fmt: skip
ingest("TTN as one JSON array, not lines", json.dumps([ttn(i) for i in range(6)]), ext="json")
ingest("TTN last line cut short", jl([ttn(i) for i in range(6)])[:-40], ext="jsonl")
ingest("TTN no received_at", jl([{k: v for k, v in ttn(i).items() if k != "received_at"} for i in range(6)]), ext="jsonl")  # fmt: skip
ingest("TTN positions in radians (0.8875, 0.0759)", jl([ttn(i, payload={"latitude": 0.8875 + i * 1e-5, "longitude": 0.0759}) for i in range(6)]), ext="jsonl")  # fmt: skip
ingest("TTN lat 91 on one uplink", jl([ttn(i, payload={"latitude": 91.0 if i == 2 else 50.85 + i * 1e-3, "longitude": 4.35}) for i in range(6)]), ext="jsonl")  # fmt: skip
ingest("TTN every uplink 0/0 (no lock)", jl([ttn(i, payload={"latitude": 0, "longitude": 0}) for i in range(6)]), ext="jsonl")  # fmt: skip
ingest("TTN two devices same dev_eui, other names", jl([ttn(i, dev=f"bike-{i % 2}") for i in range(8)]), ext="jsonl")  # fmt: skip
ingest("TTN payload lat/lng keys", jl([ttn(i, payload={"lat": 50.85 + i * 1e-3, "lng": 4.35}) for i in range(6)]), ext="jsonl")  # fmt: skip
cs = lambda i, **o: {"deviceInfo": {"deviceName": "cs-1"}, "time": f"2026-04-13T07:0{i}:03Z", "object": {"latitude": 50.85 + i * 1e-3, "longitude": 4.35}, "rxInfo": [{"location": {"latitude": 51.5, "longitude": 3.0}}], **o}  # noqa: E731  # fmt: skip
ingest("ChirpStack v4 (fine)", jl([cs(i) for i in range(6)]), ext="jsonl")
ingest("ChirpStack object null", jl([cs(i, object=None) for i in range(6)]), ext="jsonl")
ingest("ChirpStack no time", jl([{k: v for k, v in cs(i).items() if k != "time"} for i in range(6)]), ext="jsonl")  # fmt: skip
ingest("ChirpStack object a list", jl([cs(i, object=[50.85, 4.35]) for i in range(6)]), ext="jsonl")  # fmt: skip


# ---- DJI .SRT
def srt(n: int = 6, lat0: float = 46.63, clock: bool = True, zero: bool = False) -> str:
    cues = []
    for i in range(n):
        la, lo = (0.0, 0.0) if zero else (lat0 + i * 1e-4, 8.031246)
        when = f"2026-05-09 14:03:0{i}.000\n" if clock else ""
        cues.append(f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},033\n<font size=\"28\">FrameCnt: {i + 1}\n{when}[latitude: {la:.6f}] [longitude: {lo}] [rel_alt: 40.000 abs_alt: 1690.000] </font>\n")  # fmt: skip
    return "\n".join(cues)


ingest("SRT 6 cues (fine)", srt(), ext="SRT")
ingest("SRT no clock lines", srt(clock=False), ext="SRT")
ingest("SRT all 0.000000 (no GPS lock)", srt(zero=True), ext="SRT")
ingest("SRT Phantom 4 GPS(lon, lat, sats)", "\n".join(f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},033\nHOME(8.03,46.63) 2026.05.09 14:03:0{i}\nGPS(8.031246,{46.63 + i * 1e-4:.6f},15) BAROMETER:40.0\n" for i in range(6)), ext="SRT")  # fmt: skip
ingest("SRT clock in 12-hour 02:03:00 PM", srt().replace("14:03:0", "02:03:0").replace(".000\n", ".000 PM\n"), ext="SRT")  # fmt: skip
ingest("SRT UTF-16 (with BOM)", srt().encode("utf-16"), ext="SRT")
ingest("SRT a plain subtitle file (no positions)", "1\n00:00:01,000 --> 00:00:02,000\nHello\n", ext="srt")  # fmt: skip
ingest("SRT latitude '-' sign south (-33.86)", srt(lat0=-33.86), ext="SRT")
ingest("SRT Phantom 4, real layout: HOME(...) then the clock", "\n".join(f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},033\nHOME(149.0251,-20.2532) 2017.08.05 14:11:5{i}\nGPS(149.0251,{-20.2533 - i * 1e-4:.4f},16) BAROMETER:1.9\nISO:100 Shutter:60 EV: Fnum:2.2\n" for i in range(6)), ext="SRT")  # fmt: skip

# ---- RTKLIB .pos
HEAD = ("% program   : RTKLIB ver.2.4.3 b34\n"
        "%  GPST                  latitude(deg) longitude(deg)  height(m)   Q  ns   sdn(m)   sde(m)\n")  # fmt: skip
pos = lambda i, t="2026/03/02 07:30:{s:02d}.000": f"{t.format(s=10 + i)}   47.3743{i}   8.54356   410.0   1  18   0.0080   0.0072"  # noqa: E731  # fmt: skip
ingest("pos GPST (fine)", HEAD + "\n".join(pos(i) for i in range(6)) + "\n", ext="pos")
ingest("pos UTC header", HEAD.replace("GPST ", "UTC  ") + "\n".join(pos(i) for i in range(6)) + "\n", ext="pos")  # fmt: skip
ingest("pos times without fraction (07:30:10)", HEAD + "\n".join(pos(i, "2026/03/02 07:30:{s:02d}") for i in range(6)) + "\n", ext="pos")  # fmt: skip
ingest("pos dashes in the date (2026-03-02)", HEAD + "\n".join(pos(i, "2026-03-02 07:30:{s:02d}.000") for i in range(6)) + "\n", ext="pos")  # fmt: skip
ingest("pos a line of one field", HEAD + "\n".join(pos(i) for i in range(6)) + "\n2026/03/02\n", ext="pos")  # fmt: skip
ingest("pos GPS week 2409 + seconds", HEAD + "\n".join(f"2409 {201600 + i:.3f}   47.3743{i}   8.54356   410.0   1  18" for i in range(6)) + "\n", ext="pos")  # fmt: skip
ingest("pos GPS week 999 (3 digits)", HEAD + "\n".join(f"999 {201600 + i:.3f}   47.3743{i}   8.54356   410.0   1  18" for i in range(6)) + "\n", ext="pos")  # fmt: skip
ingest("pos header only", HEAD, ext="pos")
ingest("pos data before its header", "% program   : RTKLIB\n" + pos(0) + "\n" + HEAD + pos(1) + "\n", ext="pos")  # fmt: skip
ingest("pos latitude 'nan'", HEAD + "\n".join(pos(i).replace("47.3743", "nan #") for i in range(6)) + "\n", ext="pos")  # fmt: skip
ingest("pos seconds 60.000 (a leap second)", HEAD + "\n".join(pos(i, "2016/12/31 23:59:{s:02d}.000") for i in range(6)).replace("23:59:15.000", "23:59:60.000") + "\n", ext="pos")  # fmt: skip


# ---- XML Spreadsheet 2003
def xml03(rows: list[list[str]], sheet: str = "Positions") -> str:
    body = "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in r) + "</Row>\n" for r in rows)  # fmt: skip
    return ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            f'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n<Worksheet ss:Name="{sheet}"><Table>\n{body}</Table></Worksheet></Workbook>\n')  # fmt: skip


XR = [["Vehicle", "Date/Time", "Latitude", "Longitude"]] + [[f"AB-{k}", f"2026-05-04T08:0{i}:00", f"45.7{i}{k}", "4.8"] for k in (1, 2) for i in range(5)]  # fmt: skip
ingest("XML 2003 (fine)", xml03(XR), ext="xls")
ingest("XML 2003 not closed (cut short)", xml03(XR)[:-60], ext="xls")
ingest("XML 2003 header row only", xml03(XR[:1]), ext="xls")
ingest("XML 2003 ss:Index skipping a cell", xml03(XR).replace('<Cell><Data ss:Type="String">45.70', '<Cell ss:Index="4"><Data ss:Type="String">45.70', 1), ext="xls")  # fmt: skip
ingest("XML 2003 entity bomb (billion laughs)", '<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>\n' + xml03(XR).split("\n", 1)[1].replace("AB-1", "&g;", 1), ext="xls")  # fmt: skip
ingest("XML 2003 with decimal commas 45,70", xml03([XR[0]] + [[a, b, c.replace(".", ","), d.replace(".", ",")] for a, b, c, d in XR[1:]]), ext="xls")  # fmt: skip

# ---- ERDDAP (a units row under the header)
ERD = "platform_id,time,latitude,longitude\n,UTC,degrees_north,degrees_east\n" + "".join(f"b1,2026-02-01T0{i}:00:00Z,{-33.5 + i * 0.01},{151.3 + i * 0.01}\n" for i in range(6))  # fmt: skip
ingest("ERDDAP units row (fine)", ERD)
ingest("ERDDAP units row radians", ERD.replace("degrees_north,degrees_east", "radians,radians"))
ingest("ERDDAP longitude degrees_west", ERD.replace("degrees_east", "degrees_west"))
ingest("ERDDAP time in 'seconds since 1970-01-01'", "platform_id,time,latitude,longitude\n,seconds since 1970-01-01T00:00:00Z,degrees_north,degrees_east\n" + "".join(f"b1,{1769904000 + 3600 * i},{-33.5 + i * 0.01},151.3\n" for i in range(6)))  # fmt: skip
ingest("ERDDAP NaN text in latitude", ERD.replace("-33.49", "NaN"))
ingest("ERDDAP units row only, no data", ERD.split("\n")[0] + "\n" + ERD.split("\n")[1] + "\n")

# ---- Windows-1251
W = "№;Объект;Время;Широта;Долгота;Скорость, км/ч\r\n" + "".join(f"{i};Газель А1;02.03.2026 08:1{i}:00;55,7{i};37,6{i};22\r\n" for i in range(6))  # fmt: skip
ingest("cp1251 (fine)", W.encode("cp1251"))
ingest("cp1251 but a UTF-8 BOM up front", b"\xef\xbb\xbf" + W.encode("cp1251"))
ingest("KOI8-R of the same", W.replace("№", "N").encode("koi8_r"))
ingest("cp1251 one row's time '32.03.2026'", W.replace("02.03.2026 08:13", "32.03.2026 08:13").encode("cp1251"))  # fmt: skip
ingest("cp1251 speed in km/h text '22 км/ч'", W.replace(";22\r", ";22 км/ч\r").encode("cp1251"))

# ---- SIRI-VM / ride_id / Traccar
SIRI = "VehicleRef,DatedVehicleJourneyRef,RecordedAtTime,Latitude,Longitude\n" + "".join(f"BUS{b},J{b}-{j},2026-03-10T06:{10 * j + i:02d}:00Z,{41.15 + 0.001 * i + 0.01 * b},{-8.61 + 0.001 * j}\n" for b in (1, 2) for j in (0, 1) for i in range(6))  # fmt: skip
ingest("SIRI-VM (fine)", SIRI)
ingest("SIRI-VM journey ref empty on some rows", SIRI.replace(",J1-1,", ",,"))
ingest("SIRI-VM times +01:00", SIRI.replace("Z,", "+01:00,"))
ingest("SIRI-VM as raw XML", "<Siri><ServiceDelivery><VehicleMonitoringDelivery>" + "".join(f"<VehicleActivity><RecordedAtTime>2026-03-10T06:0{i}:00Z</RecordedAtTime><MonitoredVehicleJourney><VehicleRef>B1</VehicleRef><VehicleLocation><Longitude>-8.61</Longitude><Latitude>{41.15 + i * 1e-3}</Latitude></VehicleLocation></MonitoredVehicleJourney></VehicleActivity>" for i in range(6)) + "</VehicleMonitoringDelivery></ServiceDelivery></Siri>", ext="xml")  # fmt: skip
ingest("SIRI-VM only VehicleRef", SIRI.replace("DatedVehicleJourneyRef", "Other"))
RIDE = "ride_id,vehicle_id,time,lat,lon\n" + "".join(f"r{r},v1,2026-03-10T0{r}:0{i}:00Z,{41.15 + 0.001 * i},-8.61\n" for r in (1, 2) for i in range(6))  # fmt: skip
ingest("ride_id + vehicle_id (fine)", RIDE)
ingest("ride_id empty on a ride", RIDE.replace("r2,", ","))
ingest("ride_id a UUID per row (row key)", "ride_id,vehicle_id,time,lat,lon\n" + "".join(f"{i:08x}-aaaa,v1,2026-03-10T06:0{i}:00Z,{41.15 + 0.001 * i},-8.61\n" for i in range(8)))  # fmt: skip
TC = (
    "id,protocol,deviceid,servertime,devicetime,fixtime,valid,latitude,longitude,speed,attributes\n"
)
tc = lambda i, valid=1, lat=None, att='"{""sat"":7}"': f"{7000 + i},osmand,{1 + i % 2},2024-05-01 10:00:{i:02d},2024-05-01 10:00:{i:02d},2024-05-01 10:00:{i:02d},{valid},{38.7 + i * 1e-4 if lat is None else lat},-9.1,5,{att}\n"  # noqa: E731  # fmt: skip
ingest("Traccar with attributes JSON (fine)", TC + "".join(tc(i) for i in range(12)))
ingest("Traccar valid=0 rows at 0/0", TC + "".join(tc(i, valid=0 if i % 4 == 0 else 1, lat=0 if i % 4 == 0 else None) for i in range(12)))  # fmt: skip
ingest("Traccar valid=false rows with last-known positions", TC + "".join(tc(i, valid="false" if i in (3, 4) else "true") for i in range(12)))  # fmt: skip
ingest("Traccar speed in knots (Traccar's unit)", TC + "".join(tc(i) for i in range(12)))
ingest("Traccar fixtime in the future (2099)", (TC + "".join(tc(i) for i in range(12))).replace("2024-05-01 10:00:05,1", "2099-05-01 10:00:05,1"))  # fmt: skip

# ---- jalali, radians
JA = "id,time,lat,lon\n" + "".join(f"v,1405/09/02 06:5{i}:01,35.7{i},51.4\n" for i in range(6))
ingest("jalali (fine)", JA, "--time-format", "jalali")
ingest("jalali Persian digits ۱۴۰۵/۰۹/۰۲", JA.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")).replace("۳۵.۷", "35.7").replace("۵۱.۴", "51.4"), "--time-format", "jalali")  # fmt: skip
ingest("jalali 1404/12/30 (not a leap year)", JA.replace("1405/09/02 06:52", "1404/12/30 06:52"), "--time-format", "jalali")  # fmt: skip
ingest("jalali 20,000 rows (bounded)", "id,time,lat,lon\n" + "".join(f"v{i // 500},1405/09/02 {(i % 500) // 60 + 6:02d}:{i % 60:02d}:01,35.7,{51.4 + (i % 500) * 1e-4:.4f}\n" for i in range(20000)), "--time-format", "jalali")  # fmt: skip
ingest("jalali all in Persian digits (time and coordinates)", "id,time,lat,lon\n" + "".join("v," + f"1405/09/02 06:5{i}:01,35.7{i},51.4".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) + "\n" for i in range(6)), "--time-format", "jalali")  # fmt: skip
ingest("jalali given to Gregorian dates", JA.replace("1405/09/02", "2026/11/23"), "--time-format", "jalali")  # fmt: skip
RAD = "id,time,lat,lon\n" + "".join(f"v,2026-03-01 10:00:{k * 4:02d},0.71820,{-0.15027 + 2e-6 * k}\n" for k in range(12))  # fmt: skip
ingest("radians, no speed column (badin31 61)", RAD)
step = 40 / 6371008.8 / math.cos(0.7182)
ingest("radians with sog_kn 19.4", "id,time,lat,lon,sog_kn\n" + "".join(f"v,2026-03-01 10:00:{k * 4:02d},0.7182000,{-0.15027 + step * k:.9f},19.4\n" for k in range(12)))  # fmt: skip
ingest("degrees in the Gulf of Guinea, a ship 9.7 kn", "id,time,lat,lon,sog_kn\n" + "".join(f"s,2026-03-01 10:{k:02d}:00,0.5,{1.0 + 0.0027 * k:.5f},9.7\n" for k in range(12)))  # fmt: skip
ingest("degrees in the Gulf of Guinea, no speed column", "id,time,lat,lon\n" + "".join(f"s,2026-03-01 10:{k:02d}:00,0.5,{1.0 + 0.0027 * k:.5f}\n" for k in range(12)))  # fmt: skip

# ---- Python API (trajlm-small)
say = Cases(got=260, warn=170, warn_total=300, flush=True)
say.n = CASES.n
lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
T0 = 1772359200
car = pl.DataFrame({"traj_id": ["a"] * 8, "t": [T0 + 15 * k for k in range(8)], "lat": [41.15] * 8, "lon": [-8.61 + 0.0015 * k for k in range(8)]})  # fmt: skip
ahead = (41.15, -8.61 + 0.0015 * 12)
R = lambda to, d=car, **kw: lambda: lm.reach(d, to, **kw).to_dicts()[:2]  # noqa: E731
say("reach a stop 600 m ahead (fine)", R(ahead))
say("reach the last fix itself (eta 0)", R((41.15, -8.61 + 0.0015 * 7)))
say("reach a list of 3 stops", R([ahead, (41.16, -8.6), (41.14, -8.62)]))
say("reach to=[] (none)", R([]))
say("reach to=(lon, lat) swapped (-8.592, 41.15)", R((ahead[1], ahead[0])))
say("reach to a stop 5,000 km away", R((0.0, 10.0)))
say("reach to=(41.15,) one number", R((41.15,)))
say("reach to='41.15,-8.59' text", R("41.15,-8.59"))
say("reach to={'lat':..,'lon':..} dict", R({"lat": 41.15, "lon": -8.59}))
say("reach to a frame stop_lat / stop_lon (GTFS)", R(pd.DataFrame({"stop_id": ["s1"], "stop_lat": [41.15], "stop_lon": [-8.592]})))  # fmt: skip
say("reach to a frame with stop_lat, stop_lon and parent lat", R(pd.DataFrame({"stop_lat": [41.15], "stop_lon": [-8.592], "parent_lat": [41.0]})))  # fmt: skip
say("reach to a frame of text stop_lat '41,15'", R(pd.DataFrame({"stop_lat": ["41,15"], "stop_lon": ["-8,592"]})))  # fmt: skip
say("reach to a frame with a null stop_lat", R(pl.DataFrame({"stop_lat": [41.15, None], "stop_lon": [-8.592, -8.6]})))  # fmt: skip
say("reach to an empty frame", R(pd.DataFrame({"stop_lat": [], "stop_lon": []})))
say("reach to (nan, nan)", R((float("nan"), float("nan"))))
say("reach to lat 91", R((91.0, -8.6)))
say("reach to np array (2, 3) (transposed)", R(np.array([[41.15, 41.16, 41.14], [-8.59, -8.6, -8.62]])))  # fmt: skip
say("reach to 3-D array", R(np.zeros((2, 2, 2))))
say("reach radius_m=0", R(ahead, radius_m=0))
say("reach radius_m=-5", R(ahead, radius_m=-5))
say("reach radius_m=nan", R(ahead, radius_m=float("nan")))
say("reach radius_m='50' (text)", R(ahead, radius_m="50"))
say("reach radius_m=True", R(ahead, radius_m=True))
say("reach radius_m=1e7 (whole Earth)", R(ahead, radius_m=1e7))
say("reach horizon_s=0", R(ahead, horizon_s=0))
say("reach horizon_s=1e9", R(ahead, horizon_s=1e9))
say("reach horizon_s=inf", R(ahead, horizon_s=float("inf")))
say("reach step_s=0.001 (too many times)", R(ahead, step_s=0.001))
say("reach step_s > horizon_s", R(ahead, horizon_s=60, step_s=600))
say("reach step_s=np.float32(15)", R(ahead, step_s=np.float32(15)))
say("reach horizon_s=np.int64(600)", R(ahead, horizon_s=np.int64(600)))
say("reach data one fix", R(ahead, d=car.head(1)))
say("reach data empty frame", R(ahead, d=car.head(0)))
say("reach data NaN last position", R(ahead, d=car.with_columns(lat=pl.when(pl.col("t") == T0 + 105).then(float("nan")).otherwise(pl.col("lat")))))  # fmt: skip
say("reach data t in ms", R(ahead, d=car.with_columns(t=pl.col("t") * 1000)))
say("reach data with vehicle_id + ride_id", R(ahead, d=car.with_columns(vehicle_id=pl.lit("V1"), ride_id=pl.lit("R1")).drop("traj_id")))  # fmt: skip
say("reach data two trips of one vehicle (latest only)", R(ahead, d=pl.concat([car.with_columns(t=pl.col("t") - 86400), car]).rename({"traj_id": "vehicle_id"})))  # fmt: skip
say("reach data a numpy array", R(ahead, d=car.select("lat", "lon").to_numpy()))
say("reach traj_col='nope' keyword", R(ahead, traj_col="nope"))
say("reach typo keyword radius=50", R(ahead, radius=50))
say("reach 100,000 targets", lambda: lm.reach(car, np.c_[41.15 + np.random.default_rng(0).normal(0, 0.01, 100000), -8.6 + np.random.default_rng(1).normal(0, 0.01, 100000)]).height)  # fmt: skip
say("reach data lat/lon swapped (-8.6, 41.15)", R(ahead, d=car.rename({"lat": "lon", "lon": "lat"})))  # fmt: skip
say("reach a standing car (eta of a stop it is at)", R((41.15, -8.61), d=car.with_columns(lon=pl.lit(-8.61))))  # fmt: skip
# ---- similar
trips = pl.DataFrame([{"traj_id": f"t{i}", "t": T0 + 15 * k, "lat": 41.15 + 1e-3 * i, "lon": -8.61 + 1e-3 * k * (1 + 0.1 * i)} for i in range(6) for k in range(10)])  # fmt: skip


def first_rows(x, n: int = 3) -> list:
    """The first rows of a Polars or pandas answer."""
    return x.rows()[:n] if hasattr(x, "rows") else x.head(n).values.tolist()


S = lambda d=trips, db=None, **kw: lambda: first_rows(lm.similar(d, db, **kw))  # noqa: E731
say("similar within 6 trips k=2 (fine)", S(k=2))
say("similar k=0", S(k=0))
say("similar k=2.0 (float)", S(k=2.0))
say("similar k='2'", S(k="2"))
say("similar k=np.int64(2)", S(k=np.int64(2)))
say("similar k=6 of 6 (self left out: 5)", S(k=6))
say("similar one trip, database None", S(d=trips.head(10), k=1))
say("similar database empty frame", S(db=trips.head(0), k=1))
say("similar id column named 'match'", S(d=trips.rename({"traj_id": "match"}), k=1))
say("similar id column named 'rank'", S(d=trips.rename({"traj_id": "rank"}), k=1))
say("similar id column named 'distance'", S(d=trips.rename({"traj_id": "distance"}), k=1))
say("similar pandas query, polars database", S(d=trips.head(20).to_pandas(), db=trips, k=1))
say("similar n_points=0", S(k=1, n_points=0))
say("similar n_points=1", S(k=1, n_points=1))
say("similar n_points=10**6", S(k=1, n_points=10**6))
say("similar a trip of one fix", S(d=pl.concat([trips, trips.head(1).with_columns(traj_id=pl.lit("solo"))]), k=1))  # fmt: skip
say("similar duplicated ids in database", S(d=trips.head(10), db=pl.concat([trips, trips.head(10)]), k=2))  # fmt: skip
say("similar a NaN lat row", S(d=trips.with_columns(lat=pl.when(pl.col("t") == T0 + 30).then(float("nan")).otherwise(pl.col("lat"))), k=1))  # fmt: skip
say("similar database a store path that does not exist", S(db="/tmp/badin32/no_store", k=1))
say("similar with vehicle_id + ride_id", S(d=trips.with_columns(vehicle_id=pl.lit("V")).rename({"traj_id": "ride_id"}), k=1))  # fmt: skip
say("similar traj_col='match' (an answer column's name)", S(d=trips.rename({"traj_id": "match"}), k=1, traj_col="match"))  # fmt: skip
say("similar traj_col='distance'", S(d=trips.rename({"traj_id": "distance"}), k=1, traj_col="distance"))  # fmt: skip
# ---- recover with edge rows (fix31)
gap = pl.DataFrame({"traj_id": ["a"] * 10, "t": [T0 + 15 * k for k in range(10)], "lat": [41.15 + 1e-4 * k for k in range(10)], "lon": [-8.61 + 1e-3 * k for k in range(10)]})  # fmt: skip
hide = lambda rows, col=("lat", "lon"): gap.with_columns(**{c: pl.when(pl.int_range(pl.len()).is_in(rows)).then(None).otherwise(pl.col(c)) for c in col})  # noqa: E731  # fmt: skip
RC = lambda d, **kw: lambda: first_rows(lm.recover(d, **kw)[["t", "lat", "lon", "recovered"]])  # noqa: E731  # fmt: skip
say("recover inner gap (fine)", RC(hide([4, 5])))
say("recover first two rows empty", RC(hide([0, 1])))
say("recover last row empty", RC(hide([9])))
say("recover every row empty", RC(hide(list(range(10)))))
say("recover one known row", RC(hide([k for k in range(10) if k != 5])))
say("recover only lat empty (lon kept) on row 4", RC(hide([4], ("lat",))))
say("recover NaN (not null) on row 4", RC(gap.with_columns(lat=pl.when(pl.int_range(pl.len()) == 4).then(float("nan")).otherwise(pl.col("lat")))))  # fmt: skip
say("recover inf on row 4", RC(gap.with_columns(lat=pl.when(pl.int_range(pl.len()) == 4).then(float("inf")).otherwise(pl.col("lat")))))  # fmt: skip
say("recover empty rows with a duplicate time", RC(pl.concat([hide([0]), hide([0]).head(1)])))
say("recover no empty rows at all", RC(gap))
say("recover pandas None in lat/lon (object column)", RC(hide([0, 4]).to_pandas().astype({"lat": object})))  # fmt: skip
say("recover 'NA' text in lat", RC(gap.with_columns(lat=pl.col("lat").cast(pl.String)).with_columns(lat=pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("NA")).otherwise(pl.col("lat")))))  # fmt: skip
# ---- predict(latest=True) with owner columns
two = pl.DataFrame([{"VehicleRef": "BUS1", "DatedVehicleJourneyRef": f"J{j}", "RecordedAtTime": T0 + 1800 * j + 15 * k, "Latitude": 41.15, "Longitude": -8.61 + 0.0015 * k} for j in range(2) for k in range(6)])  # fmt: skip
PL = lambda d, **kw: lambda: lm.predict(d, latest=True, **kw).rows()[:2]  # noqa: E731
say("latest SIRI-VM (fine)", PL(two, steps=1))
say("latest owner null on the latest journey", PL(two.with_columns(VehicleRef=pl.when(pl.col("DatedVehicleJourneyRef") == "J1").then(None).otherwise(pl.col("VehicleRef"))), steps=1))  # fmt: skip
say("latest two buses on one journey ref", PL(two.with_columns(VehicleRef=pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("BUS2")).otherwise(pl.lit("BUS1"))), steps=1))  # fmt: skip
say("latest scooter_id + ride_id", PL(two.rename({"VehicleRef": "scooter_id", "DatedVehicleJourneyRef": "ride_id"}), steps=1))  # fmt: skip
say("latest with at_times", PL(two, at_times=[T0 + 1800 + 120]))
say("latest with seconds_ahead dict keyed by the bus", PL(two, seconds_ahead={"BUS1": [15]}))
say("latest=1 (int)", lambda: lm.predict(two, latest=1, steps=1).rows()[:2])
say("latest='yes'", lambda: lm.predict(two, latest="yes", steps=1).rows()[:2])
say("latest with holdout=2", PL(two, steps=1, holdout=2))
# ---- the coverage gate's speed range, the verdict's reach
speedy = lambda v, dt=15: car.with_columns(lon=-8.61 + pl.int_range(pl.len()) * v * dt / 83_900, t=T0 + pl.int_range(pl.len()) * dt)  # noqa: E731  # fmt: skip
for v in (0.0, 0.3, 250.0, 1e5):
    say(f"predict a history at {v:g} m/s (gate)", lambda v=v: lm.predict(speedy(v), steps=2).select("lat", "lon").rows())  # fmt: skip
say("predict seconds_ahead 7 days (beyond every engine)", lambda: lm.predict(car, seconds_ahead=[7 * 86400]).select("lat", "lon").rows())  # fmt: skip
say("predict at_times 1 s after and 3 h after", lambda: lm.predict(car, at_times=[T0 + 106, T0 + 105 + 3 * 3600]).select("t", "lat", "lon").rows())  # fmt: skip
say("predict seconds_ahead=[nan]", lambda: lm.predict(car, seconds_ahead=[float("nan")]).rows())
say("predict seconds_ahead=[0]", lambda: lm.predict(car, seconds_ahead=[0]).rows())
# ---- a checkpoint's radii.json / recover_radii.json


def ckpt(name: str, radii=None, recover=None) -> Path:
    src = Path("trajlm/checkpoints/trajlm-small")
    d = OUT / f"ckpt_{name}"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    for f in ("config.json", "radii.json", "recover_radii.json"):
        shutil.copy(src / f, d / f)
    (d / "model.safetensors").symlink_to((src / "model.safetensors").resolve())
    for f, edit in (("radii.json", radii), ("recover_radii.json", recover)):
        if edit is not None:
            (d / f).write_text(edit((d / f).read_text()))
    return d


def with_pooled(value):
    def edit(text: str) -> str:
        d = json.loads(text)
        d["pooled"] = {k: value for k in d["pooled"]}
        return json.dumps(d)

    return edit


RD = lambda d: lambda: trajlm.TrajLM.from_pretrained(str(d), threads=1).predict(car, steps=2, radii=True).select("r50_m", "r90_m").rows()  # noqa: E731  # fmt: skip
say("radii.json as shipped (fine)", RD(ckpt("ok")))
say("radii.json not JSON", RD(ckpt("notjson", radii=lambda s: s[:100])))
say("radii.json pooled NaN", RD(ckpt("nan", radii=with_pooled(float("nan")))))
say("radii.json pooled -1", RD(ckpt("neg", radii=with_pooled(-1.0))))
say("radii.json pooled '2' (text)", RD(ckpt("text", radii=with_pooled("2"))))
say("radii.json empty {}", RD(ckpt("empty", radii=lambda s: "{}")))
folder = ckpt("folder")
(folder / "radii.json").unlink()
(folder / "radii.json").mkdir()
say("radii.json a folder", RD(folder))
say("recover_radii.json not JSON", lambda: trajlm.TrajLM.from_pretrained(str(ckpt("rnot", recover=lambda s: "[")), threads=1).recover(hide([4, 5]), radii=True).rows()[:2])  # fmt: skip
say("recover_radii.json stamped for other weights", lambda: trajlm.TrajLM.from_pretrained(str(ckpt("rstamp", recover=lambda s: json.dumps({**json.loads(s), "weights_sha1": "0" * 40}))), threads=1).recover(hide([4, 5]), radii=True).rows()[:2])  # fmt: skip
# ---- the CLI in process (typer's CliRunner): recover with empty rows, predict --latest
from typer.testing import CliRunner  # noqa: E402

from trajlm.cli import app  # noqa: E402


def cli(*args: str):
    def run() -> str:
        res = CliRunner().invoke(app, list(args))
        lines = [ln.strip() for ln in res.output.splitlines() if ln.strip()]
        exc = (
            ""
            if res.exception is None or isinstance(res.exception, SystemExit)
            else f" EXC {type(res.exception).__name__}"
        )
        return f"exit={res.exit_code}{exc} :: " + " / ".join(ln for ln in lines if "rror" in ln or "arn" in ln or "wrote" in ln)[:300]  # fmt: skip

    return run


(OUT / "cli").mkdir(parents=True, exist_ok=True)
allempty = OUT / "cli" / "allempty.csv"
allempty.write_text("traj_id,t,lat,lon\n" + "".join(f"a,{T0 + 15 * k},," + "\n" for k in range(6)))
edges = OUT / "cli" / "edges.csv"
edges.write_text("traj_id,t,lat,lon\n" + "".join(f"a,{T0 + 15 * k},{'' if k in (0, 5) else 41.15 + 1e-4 * k},{'' if k in (0, 5) else -8.61 + 1e-3 * k}\n" for k in range(6)))  # fmt: skip
siri = OUT / "cli" / "siri.csv"
two.write_csv(siri)
say("CLI recover, every row empty", cli("recover", "--model", "trajlm-small", "--threads", "1", "--input", str(allempty), "--out", str(OUT / "cli" / "r1.csv"), "--overwrite"))  # fmt: skip
say("CLI recover, edge rows empty", cli("recover", "--model", "trajlm-small", "--threads", "1", "--input", str(edges), "--out", str(OUT / "cli" / "r2.csv"), "--overwrite"))  # fmt: skip
say("CLI predict --latest on SIRI-VM rows", cli("predict", "--model", "trajlm-small", "--threads", "1", "--input", str(siri), "--latest", "--steps", "1", "--out", str(OUT / "cli" / "p1.csv"), "--overwrite"))  # fmt: skip
say("CLI recover --radii 90 on a stale recover_radii.json", cli("recover", "--model", str(ckpt("cli_stale", recover=lambda s: json.dumps({**json.loads(s), "weights_sha1": "0" * 40}))), "--threads", "1", "--input", str(edges), "--radii", "90", "--out", str(OUT / "cli" / "r3.csv"), "--overwrite"))  # fmt: skip
# ---- HTTP (TestClient)
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve.app import create_app  # noqa: E402

web = Cases(got=260, describe=lambda r: f"HTTP {r.status_code} {r.text}", flush=True)
web.n = say.n
client = TestClient(create_app(lm), raise_server_exceptions=False).__enter__()
rows = [{"vehicle_id": "V1", "t": T0 + 15 * k, "lat": 41.15, "lon": -8.61 + 0.0015 * k} for k in range(8)]  # fmt: skip
ask = lambda body: lambda: client.post("/ask", json=body)  # noqa: E731
web("/ask trajectories (fine)", ask({"question": "how many vehicles are there?", "trajectories": rows}))  # fmt: skip
web("/ask both rows and trajectories", ask({"question": "how many vehicles are there?", "rows": rows, "trajectories": rows[:2]}))  # fmt: skip
web("/ask trajectories []", ask({"question": "how many vehicles are there?", "trajectories": []}))
web("/ask trajectories a dict, not a list", ask({"question": "how many vehicles are there?", "trajectories": rows[0]}))  # fmt: skip
web("/ask trajectories rows without lat", ask({"question": "how many trips?", "trajectories": [{k: v for k, v in r.items() if k != "lat"} for r in rows]}))  # fmt: skip
web("/ask question ''", ask({"question": "", "trajectories": rows}))
web("/ask trajectories with a store too", ask({"question": "how many trips?", "trajectories": rows, "store": "/tmp/stores/porto"}))  # fmt: skip
web("/ask trajectories with SIRI names", ask({"question": "how many buses are there?", "trajectories": [{"VehicleRef": "B1", "DatedVehicleJourneyRef": f"J{k // 4}", "RecordedAtTime": T0 + 15 * k, "Latitude": 41.15, "Longitude": -8.61 + 1e-3 * k} for k in range(8)]}))  # fmt: skip
web("/ask trajectories lat as text", ask({"question": "how many trips?", "trajectories": [{**r, "lat": "41.15"} for r in rows]}))  # fmt: skip
web("/ask trajectories 'NaN' in lat", ask({"question": "how many trips?", "trajectories": [{**r, "lat": "NaN"} for r in rows]}))  # fmt: skip
rec = lambda body: lambda: client.post("/recover", json=body)  # noqa: E731
hole = [{**r, "lat": None, "lon": None} if k in (0, 4) else r for k, r in enumerate(rows)]
web("/recover edge + inner rows null (fine)", rec({"trajectories": hole}))
web("/recover every row null", rec({"trajectories": [{**r, "lat": None, "lon": None} for r in rows]}))  # fmt: skip
web("/recover lat null, lon kept", rec({"trajectories": [{**r, "lat": None} if k == 4 else r for k, r in enumerate(rows)]}))  # fmt: skip
web("/recover rows missing the lat key", rec({"trajectories": [{k2: v for k2, v in r.items() if k2 != "lat"} if k == 4 else r for k, r in enumerate(rows)]}))  # fmt: skip
pred = lambda body: lambda: client.post("/predict", json=body)  # noqa: E731
web("/predict latest with VehicleRef rows", pred({"trajectories": [{"VehicleRef": "B1", "traj_id": f"J{k // 4}", "t": T0 + 900 * (k // 4) + 15 * k, "lat": 41.15, "lon": -8.61 + 1e-3 * k} for k in range(8)], "latest": True, "steps": 1}))  # fmt: skip
web("/predict latest with ride_id + vehicle_id", pred({"trajectories": [{"vehicle_id": "V1", "ride_id": f"R{k // 4}", "t": T0 + 900 * (k // 4) + 15 * k, "lat": 41.15, "lon": -8.61 + 1e-3 * k} for k in range(8)], "latest": True, "steps": 1}))  # fmt: skip
web("/reach (not built yet: reach32)", lambda: client.post("/reach", json={"trajectories": rows, "to": [ahead]}))  # fmt: skip
web("/similar k=0", lambda: client.post("/similar", json={"trajectories": rows, "k": 0}))
