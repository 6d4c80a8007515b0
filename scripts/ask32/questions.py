"""Set 32 (ask32): 42 questions by six personas, written and frozen before any answer was read. kind: num
(within 2 %), id (the expected id named on the answer's first line), time (HH:MM in the answer), yesno (the
answer's first line starts with "yes" / "no" as the truth says; a bare list of trips is "partial"), refuse (a
one-line refusal expected).
Store letters: A Berlin parcel rounds (unix ms, asked with --tz Europe/Berlin), B Helsinki daily-mobility study
(UTC ISO with a Z, asked with --tz Europe/Helsinki), C Rotterdam harbour craft (unix seconds, asked with --tz
Europe/Amsterdam), D Girona cycling club (naive Madrid time, ingested with --tz Europe/Madrid), E the real Porto
store (UTC), F the real GeoLife store (UTC).
Date words: weekdays are the data's one week's (A, C: Mon 23 - Sat 28 Nov 2026; B: Mon 9 - Sun 15 Nov 2026; D:
Mon 5 - Sun 11 Oct 2026). Groups: "the vans" VAN-*, "the cargo bikes" EB-*, "the tugs" TUG-*, "the pilot boats"
PILOT-*. Stopped = steps slower than 1 m/s. Yes / no: yes when at least one trip matches."""

Q = [
    # A: a Berlin parcel firm's fleet manager: vans VAN-03 / VAN-07 / VAN-11, e-cargo bikes EB-1 / EB-2; rounds
    # (parcels / groceries / returns); parcels, customers to refuse
    ("A1", "Was van 7 out on Monday?", "yesno"),
    ("A2", "Was van 7 out on Wednesday?", "yesno"),
    ("A3", "How many rounds did VAN-11 do on Tuesday?", "num"),
    ("A4", "How many km did the cargo bikes ride in total?", "num"),
    ("A5", "Which van drove the furthest on Friday?", "id"),
    ("A6", "How many minutes was VAN-03 stopped on Thursday?", "num"),
    ("A7", "What time did VAN-07 finish on Saturday?", "time"),
    ("A8", "How many grocery rounds were there?", "num"),
    ("AR1", "How many parcels did VAN-03 deliver on Monday?", "refuse"),
    ("AR2", "Which customer had the most failed deliveries?", "refuse"),
    # B: a researcher of daily mobility (participants P01-P06, modes walk / bike / bus / tram / car); stays at
    # home, trip purposes to refuse
    ("B1", "How many trips did participant P03 make on Tuesday?", "num"),
    ("B2", "How many tram trips were there in total?", "num"),
    ("B3", "What was the average length of walking trips in km?", "num"),
    ("B4", "Which participant cycled the most km?", "id"),
    ("B5", "How many trips started before 8 am?", "num"),
    ("B6", "What was the median duration of bus trips, in minutes?", "num"),
    ("B7", "Did P05 take the tram on Saturday?", "yesno"),
    ("B8", "How many car trips were longer than 10 km?", "num"),
    ("BR1", "How long did P02 stay at home on Monday?", "refuse"),
    ("BR2", "What was the purpose of P04's trips?", "refuse"),
    # C: a Rotterdam harbour master: tugs TUG-21 / TUG-22, pilot boats PILOT-1 / PILOT-4; movements (towage /
    # pilotage / standby); cargo, draught to refuse
    ("C1", "How many movements did TUG-21 make on Tuesday?", "num"),
    ("C2", "What was the average speed of the pilot boats in knots?", "num"),
    ("C3", "Which tug covered the most nautical miles?", "id"),
    ("C4", "How many nautical miles did PILOT-4 sail on Wednesday?", "num"),
    ("C5", "How many towage jobs lasted more than an hour?", "num"),
    ("C6", "What time did TUG-22 first leave on Thursday?", "time"),
    ("C7", "Was tug 22 out on Friday?", "yesno"),
    ("CR1", "How many tonnes of cargo did the tugs move?", "refuse"),
    ("CR2", "What was the draught of PILOT-1?", "refuse"),
    # D: a cycling club's captain: riders Sam / Lena / Marc / Joan; rides (club run / intervals / recovery);
    # climbing, heart rate to refuse
    ("D1", "How many rides did Lena do this week?", "num"),
    ("D2", "How many km did Sam ride on Sunday?", "num"),
    ("D3", "What was the average speed of the club runs in km/h?", "num"),
    ("D4", "Which rider rode the furthest?", "id"),
    ("D5", "Did Marc ride on Wednesday?", "yesno"),
    ("D6", "How many rides were longer than 50 km?", "num"),
    ("DR1", "How many metres did Marc climb on Saturday?", "refuse"),
    ("DR2", "What was Lena's average heart rate?", "refuse"),
    # E: Porto's taxi analyst (the real store, UTC): call types A / B / C
    ("E1", "How many trips were call type D?", "refuse"),
    ("E2", "How many dispatched trips lasted longer than 20 minutes?", "num"),
    ("E3", "Did taxi 20000320 drive after 9 am?", "yesno"),
    # F: a Beijing mobility researcher (the real GeoLife store, UTC)
    ("F1", "Did user 068 take the subway in 2008?", "yesno"),
    ("F2", "How many walk trips were longer than 5 km?", "num"),
]
