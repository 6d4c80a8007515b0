"""Set 36 (ask36): questions by four askers on three made stores and one of set 35's, and session 35's
leftovers on sets 33 / 35's stores, written and frozen before any answer was read. Kinds as sets 34 / 35's
(ask_study_common.score).
Store letters: A Helsinki harbour ferries (Unix ms, asked with --tz Europe/Helsinki; vehicles = ferries by
name, label = route Suomenlinna / Vallisaari; a crossing is a trip), B Lisbon taxis (naive local times, no
--tz; vehicles = licences LX-1042 ..., label = status hired / vacant), C one commuter's phone (ISO Z, --tz
America/Toronto; no vehicle column; label = activity in_vehicle / cycling / walking), D a city curb analyst
over set 35's Leeds van week ($ASK35_OUT/vans_store, --tz Europe/London); leftovers: P set 35's bus AVL
(--tz America/Edmonton), R set 35's runners (--tz Europe/Berlin), F set 33's Chicago fleet (--tz
America/Chicago), N set 35's vans again.
A11, B8 and D3 were changed after the truths were computed and before any answer was read: their first
wordings (the longest single stop by ferry / by van, the busiest hour of hired trips) had ties.
Date words: A Mon 1 - Sun 7 Jun 2026; B Mon 5 - Sun 11 Oct 2026; C Mon 5 Jan - Sun 28 Jun 2026; D Mon 14 -
Sat 19 Sep 2026; P Mon 14 - Fri 18 Sep 2026.
Words (the rules of sets 26-35 and these): "stopped" / "waiting" / "at anchor" / "dwell" = steps slower than
1 m/s; a stop = a run of such steps inside a trip, its length their seconds; knots = km/h / 1.852; "crossed
midnight" = a trip whose local start date differs from its end's; "hired trip" / "fare" = a trip labelled
hired, "vacant" / "empty" / "cruising empty" = labelled vacant; a total on a date (km, hours) = the steps
beginning on that local date; "hours drove" = the steps' seconds (stopped or not); "did every taxi work on
Sunday" = every taxi has a trip starting on Sunday; "after 23:00" = a start at or after 23:00; "cycle" =
trips labelled cycling, "walk" = walking, "in-vehicle" = in_vehicle; "in May" = trips starting in May;
"weekends" = Saturday and Sunday; "which month" = the month name; "were any buses out after 21:00 on Friday"
= a Friday trip still running at or after 21:00 (its end at or after 21:00); "which vans made more trips
than VAN-02" = the vans (VAN-*, not the e-bikes) with more runs than VAN-02; R's words as set 35's (a run is
an activity; fastest km = the shortest whole km from the start, in minutes)."""

Q = [
    # A: a harbour ferry operator over AIS: five ferries, two routes; passengers, fuel, timetable refused
    ("A1", "How many crossings did SUOKKI make on Tuesday?", "num"),
    ("A2", "What was the average crossing time on the Vallisaari route, in minutes?", "num"),
    ("A3", "Which ferry made the most crossings?", "id"),
    ("A4", "How long was TOR stopped on Wednesday, in minutes?", "num"),
    ("A5", "How many crossings took longer than 25 minutes?", "num"),
    ("A6", "What time did the first ferry leave on Sunday?", "time"),
    ("A7", "What time did the last crossing on the Suomenlinna route end on Saturday?", "time"),
    ("A8", "How many nautical miles did EHRENSVARD sail on Friday?", "num"),
    ("A9", "Did ISLA sail on Monday?", "yesno"),
    ("A10", "What was the average speed of the ferries in knots?", "num"),
    ("A11", "Which ferry was stopped the longest on Wednesday?", "id"),
    ("A12", "How many crossings started after 23:00?", "num"),
    ("A13", "How many crossings were there on the Suomenlinna route on Thursday?", "num"),
    ("A14", "How many crossings did each ferry make?", "pergroup"),
    ("AR1", "How many passengers did SUOKKI carry on Friday?", "refuse"),
    ("AR2", "How much fuel did TOR burn?", "refuse"),
    ("AR3", "Which crossings were late against the timetable?", "refuse"),
    # B: a taxi regulator over a week of taxi GPS: eight taxis, hired / vacant; fares' money, drivers refused
    ("B1", "How many hired trips did LX-1042 make on Monday?", "num"),
    ("B2", "What share of hired trips lasted more than 30 minutes?", "share"),
    ("B3", "How many km did the taxis drive vacant on Tuesday?", "num"),
    ("B4", "Which taxi made the most hired trips?", "id"),
    ("B5", "What was the average length of a hired trip in km?", "num"),
    ("B6", "What was the longest hired trip, in km?", "num"),
    ("B7", "How many trips crossed midnight?", "num"),
    ("B8", "What was the busiest hour for vacant trips?", "hour"),
    ("B9", "How many hours did LX-1107 drive on Saturday?", "num"),
    ("B10", "What was the average speed of vacant trips in km/h?", "num"),
    ("B11", "Did every taxi work on Sunday?", "yesno"),
    ("B12", "How many km did LX-1042 cover in total?", "num"),
    ("B13", "How many hired trips started after 22:00 on Friday?", "num"),
    ("B14", "How many hired trips did each taxi make?", "pergroup"),
    ("BR1", "How much money did the fares earn on Friday?", "refuse"),
    ("BR2", "Which driver drove LX-1042 on Monday?", "refuse"),
    ("BR3", "How many passengers did LX-1107 carry?", "refuse"),
    # C: a commuter over their own phone's half year (no vehicle column); places, steps, calories refused
    ("C1", "How many km did I cycle in May?", "num"),
    ("C2", "How many trips did I make in March?", "num"),
    ("C3", "What was my average cycling trip duration in June, in minutes?", "num"),
    ("C4", "How many walking trips did I make on weekends?", "num"),
    ("C5", "How many km did I travel in total?", "num"),
    ("C6", "What time did my first trip start on 3 March?", "time"),
    ("C7", "Which month did I cycle the most km in?", "id"),
    ("C8", "What was my longest trip in km?", "num"),
    ("C9", "How many hours did I spend travelling in February?", "num"),
    ("C10", "What was my average cycling speed, in km/h?", "num"),
    ("C11", "Did I make any trips between 13 and 19 April?", "yesno"),
    ("C12", "How many in-vehicle trips did I make in January?", "num"),
    ("CR1", "How often did I go to the gym?", "refuse"),
    ("CR2", "How many steps did I walk in May?", "refuse"),
    ("CR3", "How many calories did I burn cycling?", "refuse"),
    # D: a city curb analyst over set 35's van week: stops (double-parking) and dwell
    ("D1", "How many stops longer than 10 minutes did the vans make on Monday?", "num"),
    ("D2", "What was the longest stop of YD70 BHN on Tuesday, in minutes?", "num"),
    ("D3", "What was the average stop length of LV21 KXR, in minutes?", "num"),
    # session 35's leftovers
    ("P1", "Were any buses out after 21:00 on Friday?", "yesno"),
    ("P2", "Were any buses out on Friday after 21:00?", "yesno"),
    ("F1", "Which vans made more trips than VAN-02?", "idset"),
    ("R1", "How many runs did Keiko do?", "num"),
    ("R2", "What was Amara's fastest km on 13 September, in minutes?", "num"),
    ("NR1", "Which places are the busiest parking spots?", "refuse"),
]
