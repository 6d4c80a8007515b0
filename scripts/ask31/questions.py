"""Set 31 (ask31): 49 questions by five personas, written and frozen before any answer was read. kind: num
(within 2 %), id (the expected id named on the answer's first line), time (HH:MM in the answer), refuse (a
one-line refusal expected).
Store letters: A Cork parking enforcement (unix seconds, asked with --tz Europe/Dublin), B Melbourne roadside
assistance (naive Melbourne times, ingested with --tz Australia/Melbourne), C Amsterdam dog walkers (UTC ISO
times with a Z, asked with --tz Europe/Amsterdam), D the real Porto store (/tmp/stores/porto, UTC), E the real
GeoLife store (/tmp/stores/geolife, UTC).
Date words: weekdays are the data's one week's (A: Mon 23 - Sat 28 Nov 2026; B: Mon 23 - Sun 29 Nov; C: Mon 23
- Fri 27 Nov). Groups: "the CEOs" / "the officers on foot" are CEO-* (not the scooters SC-*), "the tow trucks"
TOW-*, "the patrol vans" PV-*. "At the scene", "standing still", "stopped" = steps slower than 1 m/s."""

Q = [
    # A: Cork city council's parking-enforcement manager: officers on foot (CEO-*) and scooters (SC-*),
    # patrols on routine / school gates / match day beats; tickets, fines, streets to refuse
    ("A1", "How many patrols did CEO-07 do on Wednesday?", "num"),
    ("A2", "How many km did the CEOs walk in total?", "num"),
    ("A3", "Which scooter covered the most km?", "id"),
    ("A4", "What was CEO-03's average walking speed in km/h?", "num"),
    ("A5", "How many school gates patrols were there on Thursday?", "num"),
    ("A6", "How many minutes did CEO-11 spend standing still on Tuesday?", "num"),
    ("A7", "What time did SC-2 start on Friday?", "time"),
    ("A8", "How many patrols lasted longer than 2 hours?", "num"),
    ("A9", "What was the longest match day patrol, in minutes?", "num"),
    (
        "A10",
        "How many minutes did CEO-03 spend within 300 m of City Hall at 51.8975, -8.4650 on Monday?",
        "num",
    ),
    ("AR1", "How many parking tickets did CEO-07 issue on Monday?", "refuse"),
    ("AR2", "Which street had the most illegally parked cars?", "refuse"),
    ("AR3", "How many patrols did CEO-09 do?", "refuse"),
    # B: a Melbourne roadside-assistance dispatcher: tow trucks and patrol vans, callouts (battery / tyre /
    # lockout / tow), time at the scene; members, waiting times, car models, fuel to refuse
    ("B1", "How many callouts did PV-5 attend on Tuesday?", "num"),
    ("B2", "How many tow jobs were there on Saturday?", "num"),
    ("B3", "Which tow truck drove the furthest?", "id"),
    ("B4", "What was the average callout duration in minutes?", "num"),
    ("B5", "How many minutes did PV-8 spend at the scene on Wednesday?", "num"),
    ("B6", "What time did TOW-2 finish on Sunday?", "time"),
    ("B7", "How many callouts lasted more than 90 minutes?", "num"),
    ("B8", "How many km did the patrol vans drive on Thursday 26 November?", "num"),
    ("B9", "How many lockout callouts did the fleet handle?", "num"),
    ("B10", "How many callouts started between 7 and 9 am?", "num"),
    ("BR1", "How long did members wait for a patrol to arrive?", "refuse"),
    ("BR2", "Which car models broke down most often?", "refuse"),
    ("BR3", "How many litres of fuel did TOW-1 use?", "refuse"),
    # C: an Amsterdam dog-walking business owner: walkers by first name, solo / pack walks, puppy visits;
    # dogs, owners, payments, an unknown walker to refuse
    ("C1", "How many walks did Anna do on Monday?", "num"),
    ("C2", "How many km did Ben walk this week?", "num"),
    ("C3", "Which walker covered the most km?", "id"),
    ("C4", "What was the average pack walk length in km?", "num"),
    ("C5", "How many puppy visits were there on Wednesday?", "num"),
    ("C6", "How long was the longest walk, in minutes?", "num"),
    ("C7", "How many walks started after 2 pm?", "num"),
    ("C8", "How many minutes was Dave stopped on Thursday?", "num"),
    ("CR1", "How many dogs did Ben walk on Monday?", "refuse"),
    ("CR2", "How much did the owners pay for their walks this week?", "refuse"),
    ("CR3", "How many walks did Erik do?", "refuse"),
    # D: Porto city council's taxi analyst (the real Porto store, UTC): trips, taxis, stations; fares,
    # passengers, drivers to refuse
    ("D1", "How many taxi trips started between 7 and 8 am UTC?", "num"),
    ("D2", "What was the average trip length in km?", "num"),
    ("D3", "How many trips passed within 500 m of Sao Bento station?", "num"),
    ("D4", "What was the median trip duration in minutes?", "num"),
    ("D5", "How many trips lasted longer than 30 minutes?", "num"),
    ("D6", "How many trips were street hails (call type C)?", "num"),
    ("DR1", "How much did the fares add up to?", "refuse"),
    ("DR2", "How many passengers did taxi 20000380 carry?", "refuse"),
    # E: a Beijing mobility researcher (the real GeoLife store, UTC): modes, users
    ("E1", "How many bus trips were there in 2008?", "num"),
    ("E2", "What was the average speed of bike trips in km/h?", "num"),
    ("E3", "Which user made the most subway trips?", "id"),
    ("E4", "How many taxi trips were longer than 10 km?", "num"),
    ("E5", "What was the median duration of car trips, in minutes?", "num"),
    ("ER1", "What was the air quality during user 068's trips?", "refuse"),
    ("ER2", "How many calories did the cyclists burn?", "refuse"),
]
