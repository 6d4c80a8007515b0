"""Seeded held-out sets for heldout40, apps' and services' exports: four kinds no earlier
session read (docs/data.md "Session 40 (heldout40)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout40/gen_export.py [OUTDIR]   # default $HELDOUT40/raw or /tmp/heldout40/raw
Outputs (under OUTDIR): observations-512345.csv (an iNaturalist "Export observations" CSV of a
bioblitz: a row an observation, `id` the observation's, `user_login` the observer,
`time_observed_at` "2026-05-16 14:03:22 UTC", `created_at` the upload's, `time_zone` a Rails
zone name, a few rows with only `observed_on`), foreflight-tracklog.csv (a ForeFlight track
log's CSV: a summary table's header and row, then the fixes' own header `Timestamp,Latitude,
Longitude,Altitude,...` with Unix seconds, altitude in feet, speed in knots), checkins1.json
(a Foursquare / Swarm data export's check-ins: `items[]` with `createdAt` "2026-03-14
18:22:05.000000" UTC, `timeZoneOffset` minutes, `venue`, `lat` / `lng`), navixy/ (Navixy's
`track/read` API answer, one per tracker saved as `tracker-NNNNNN.json`: `{"success": true,
"list": [{"lat", "lng", "get_time": "2026-12-04 09:12:31", ...}]}`, times in the account's
zone, Europe/Riga, no zone written).
Same seed, same bytes.
"""

import csv
import io
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import fleet as _fleet  # noqa: E402
from heldout_common import legs as _legs  # noqa: E402
from heldout_common import noisy as _noisy  # noqa: E402
from heldout_common import write_sets  # noqa: E402

FILES = {"inaturalist": "observations-512345.csv", "foreflight": "foreflight-tracklog.csv",
         "swarm": "checkins1.json", "navixy": "navixy"}  # fmt: skip
INAT_COLS = ("id,uuid,observed_on_string,observed_on,time_observed_at,time_zone,user_id,user_login,"
             "user_name,created_at,updated_at,quality_grade,license,url,image_url,sound_url,tag_list,"
             "description,num_identification_agreements,num_identification_disagreements,"
             "captive_cultivated,oauth_application_id,place_guess,latitude,longitude,"
             "positional_accuracy,private_place_guess,private_latitude,private_longitude,"
             "public_positional_accuracy,geoprivacy,taxon_geoprivacy,coordinates_obscured,"
             "positioning_method,positioning_device,species_guess,scientific_name,common_name,"
             "iconic_taxon_name,taxon_id").split(",")  # fmt: skip
SPECIES = [("Eastern Gray Squirrel", "Sciurus carolinensis", "Mammalia", 46017),
           ("American Robin", "Turdus migratorius", "Aves", 12727),
           ("Common Milkweed", "Asclepias syriaca", "Plantae", 48025),
           ("Red Maple", "Acer rubrum", "Plantae", 47727),
           ("Eastern Chipmunk", "Tamias striatus", "Mammalia", 45478)]  # fmt: skip


def inaturalist(rng, out: Path) -> None:
    """6 observers at a Central Park bioblitz (EDT), an observation every 2-9 minutes over ~3
    hours, walking between them; each export row as iNaturalist writes it."""
    t0 = pd.Timestamp("2026-05-16 13:00", tz="UTC")
    rows, oid = [], 198000000
    for u in range(6):
        login = ["mossy_mara", "bkbirder", "jtorres_nyc", "lichenlover", "quinn_obs", "pk_wild"][u]
        lat, lon = 40.78 + rng.uniform(-0.01, 0.01), -73.965 + rng.uniform(-0.006, 0.006)
        t = t0 + pd.Timedelta(minutes=float(rng.uniform(0, 30)))
        for t, la, lo, _v, _h in _legs(rng, lat, lon, t, int(rng.integers(25, 45)), 330.0,  # noqa: B020
                                        lambda: rng.uniform(0.2, 0.8), 0.6):  # fmt: skip
            la, lo = _noisy(rng, la, lo, 5)
            t = t.floor("s")
            oid += int(rng.integers(1, 400))
            sp = SPECIES[int(rng.integers(0, len(SPECIES)))]
            no_time = rng.random() < 0.04
            local = t.tz_convert("America/New_York")
            up = t + pd.Timedelta(minutes=float(rng.uniform(5, 600)))
            r = dict.fromkeys(INAT_COLS, "")
            r.update(id=oid, uuid=f"{int(rng.integers(0, 2**63)):016x}-{oid}", observed_on=local.strftime("%Y-%m-%d"),
                     observed_on_string="" if no_time else local.strftime("%a %b %d %Y %H:%M:%S GMT-0400 (EDT)"),
                     time_observed_at="" if no_time else t.strftime("%Y-%m-%d %H:%M:%S UTC"),
                     time_zone="Eastern Time (US & Canada)", user_id=3100000 + 7919 * u, user_login=login,
                     created_at=up.strftime("%Y-%m-%d %H:%M:%S UTC"), updated_at=up.strftime("%Y-%m-%d %H:%M:%S UTC"),
                     quality_grade=["research", "needs_id"][int(rng.integers(0, 2))], license="CC-BY-NC",
                     url=f"https://www.inaturalist.org/observations/{oid}", captive_cultivated="false",
                     oauth_application_id=3, place_guess="Central Park, New York, NY, USA",
                     latitude=f"{la:.7f}", longitude=f"{lo:.7f}", positional_accuracy=int(rng.integers(3, 30)),
                     public_positional_accuracy=int(rng.integers(3, 30)), coordinates_obscured="false",
                     species_guess=sp[0], scientific_name=sp[1], common_name=sp[0], iconic_taxon_name=sp[2],
                     taxon_id=sp[3])  # fmt: skip
            rows.append(r)
    rows.sort(key=lambda r: r["id"])
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=INAT_COLS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (out / FILES["inaturalist"]).write_text(buf.getvalue())


def foreflight(rng, out: Path) -> None:
    """A Cessna 172 from Palo Alto to Monterey logged by ForeFlight (a fix a second at cruise
    speed), the track log exported as CSV from the logbook's 'Track Log' menu."""
    t0 = pd.Timestamp("2026-11-28 17:42:10", tz="UTC")
    pts = list(_legs(rng, 37.4611, -122.1151, t0, 2400, 1.0, lambda: rng.uniform(48, 58), 0.02))
    summary = ("Pilot,Tail Number,Derived Origin,Start Latitude,Start Longitude,Derived Destination,"
               "End Latitude,End Longitude,Start Time,End Time,Total Duration,Total Distance,"
               "Initial Attitude Source,Device Model,Device Model Detailed,iOS Version,Battery Level,"
               "Battery State,GPS Source,Maximum Vertical Error,Minimum Vertical Error,"
               "Average Vertical Error,Maximum Horizontal Error,Minimum Horizontal Error,"
               "Average Horizontal Error,Imported From,Route Waypoints")  # fmt: skip
    e = pts[-1]
    srow = (f"Dana Whitfield,N734RW,KPAO,37.4611,-122.1151,KMRY,{e[1]:.4f},{e[2]:.4f},"
            f"{int(t0.timestamp() * 1000)},{int(e[0].timestamp() * 1000)},{len(pts)},"
            f"{sum(p[3] for p in pts) / 1852:.1f},Sentry,iPad13;8,iPad Pro 12.9 (5th gen),18.1,0.71,"
            "Unplugged,Stratux,12.0,2.0,4.1,9.0,3.0,4.4,,KPAO KMRY")  # fmt: skip
    lines = [summary, srow,
             "Timestamp,Latitude,Longitude,Altitude,Course,Speed,Bank,Pitch,Horizontal Error,Vertical Error,g Load"]  # fmt: skip
    alt = 10.0
    for k, (t, la, lo, v, hd) in enumerate(pts):
        alt = min(5500.0, alt + 12.0) if k < 1900 else max(200.0, alt - 14.0)
        lines.append(f"{t.timestamp():.1f},{la:.6f},{lo:.6f},{alt:.1f},{(hd * 57.2958) % 360:.1f},"
                     f"{v * 1.944:.1f},{rng.normal(0, 3):.1f},{rng.normal(2, 1):.1f},"
                     f"{rng.uniform(3, 9):.1f},{rng.uniform(4, 12):.1f},{rng.normal(1, 0.02):.2f}")  # fmt: skip
    (out / FILES["foreflight"]).write_text("\n".join(lines) + "\n")


def swarm(rng, out: Path) -> None:
    """One Swarm user's check-ins over 10 weeks around Berlin (a few a day), the `checkins1.json`
    of Foursquare's data export, newest first."""
    t = pd.Timestamp("2026-01-05 07:40", tz="UTC")
    venues = [(f"5{int(rng.integers(0, 2**40)):011x}{k:03d}", n, 52.52 + rng.uniform(-0.08, 0.08),
               13.40 + rng.uniform(-0.12, 0.12)) for k, n in enumerate(
        ["Café Einstein", "Berlin Hauptbahnhof", "Mauerpark", "Markthalle Neun", "Tempelhofer Feld",
         "Kino International", "St. Oberholz", "Görlitzer Park", "BRLO Brwhouse", "Badeschiff"])]  # fmt: skip
    items = []
    while len(items) < 230:
        t += pd.Timedelta(hours=float(rng.uniform(1, 14)))
        v = venues[int(rng.integers(0, len(venues)))]
        la, lo = _noisy(rng, v[2], v[3], 15)
        off = 60 if t.month < 3 or (t.month == 3 and t.day < 29) else 120
        items.append({"id": f"{int(rng.integers(0, 2**63)):016x}{len(items):08x}",
                      "createdAt": t.strftime("%Y-%m-%d %H:%M:%S.000000"), "type": "checkin",
                      "timeZoneOffset": off, "venue": {"id": v[0], "name": v[1], "url": f"https://foursquare.com/v/{v[0]}"},
                      "lat": round(la, 6), "lng": round(lo, 6)})  # fmt: skip
    items.reverse()
    (out / FILES["swarm"]).write_text(
        json.dumps({"count": len(items), "items": items}, indent=2, ensure_ascii=False)
    )


def navixy(rng, out: Path) -> None:
    """4 delivery vans in Riga on one day, a fix every ~30 s while driving, each van's
    `POST /v2/track/read` answer saved as `tracker-NNNNNN.json`; `get_time` in the account's
    zone (Europe/Riga, UTC+2 in December), no zone written; no tracker id in the answer."""
    d = out / FILES["navixy"]
    d.mkdir(exist_ok=True)
    t0 = pd.Timestamp("2026-12-04 07:00", tz="UTC")
    ids = [int(x) for x in rng.integers(100000, 999999, 4)]
    rows = _fleet(rng, 56.95, 24.11, 0.04, t0, 4, (150, 260), 30.0, lambda: rng.uniform(5, 14),
                  lambda k: ids[k])  # fmt: skip
    for tid in ids:
        lst = [{"lat": la, "lng": lo, "alt": int(rng.integers(2, 20)), "satellites": int(rng.integers(6, 14)),
                "get_time": t.tz_convert("Europe/Riga").strftime("%Y-%m-%d %H:%M:%S"), "address": "",
                "heading": int(rng.integers(0, 360)), "speed": int(v * 3.6), "precision": 0,
                "gsm_lbs": False, "parking": bool(v == 0)}
               for i, t, la, lo, v in rows if i == tid]  # fmt: skip
        (d / f"tracker-{tid}.json").write_text(
            json.dumps({"success": True, "list": lst, "limits_reached": False})
        )


if __name__ == "__main__":
    write_sets([inaturalist, foreflight, swarm, navixy], "HELDOUT40", 4020, FILES)
